namespace Platform.Inference.Apis;

public sealed record V2TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
