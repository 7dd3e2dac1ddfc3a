namespace Platform.Inference.Apis;

/// <summary>One encoded image from a request, with the multipart file name when there was one.</summary>
public sealed record EncodedImage(string? Name, byte[] Bytes);
