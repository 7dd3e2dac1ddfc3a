namespace Platform.Training.Configuration;

public enum DevicePreference
{
    /// <summary>CUDA when available, otherwise CPU.</summary>
    Auto,
    Cpu,
    Cuda,
}
