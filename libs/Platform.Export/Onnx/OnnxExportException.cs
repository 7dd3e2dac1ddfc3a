namespace Platform.Export.Onnx;

/// <summary>The model cannot be exported (an unsupported module, named by its path and type).</summary>
public sealed class OnnxExportException(string message) : Exception(message);
