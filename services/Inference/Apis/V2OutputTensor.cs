namespace Platform.Inference.Apis;

public sealed record V2OutputTensor(string Name, string Datatype, IReadOnlyList<long> Shape, float[] Data);
