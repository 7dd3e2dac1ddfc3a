namespace Platform.Trainer.Diagnostics;

/// <param name="Device">The kind a run trains on by default: cuda or cpu (none when libtorch did not load).</param>
/// <param name="Devices">Every device this trainer sees (<c>cuda:0</c>, <c>cuda:1</c>…, or <c>cpu</c>): what <c>devices: auto</c> trains on.</param>
public sealed record TorchRuntimeStatus(bool Loaded, string Device, string? Error)
{
    public IReadOnlyList<string> Devices { get; init; } = [];
}
