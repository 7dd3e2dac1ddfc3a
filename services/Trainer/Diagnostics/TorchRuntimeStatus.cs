namespace Platform.Trainer.Diagnostics;

public sealed record TorchRuntimeStatus(bool Loaded, string Device, string? Error);
