using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration;

public enum NumericPrecision
{
    Fp32,
    Fp16,
    Bf16,
}
