namespace Platform.Training.Configuration;

public enum NumericPrecision
{
    Fp32,
    Fp16,
    Bf16,
}
