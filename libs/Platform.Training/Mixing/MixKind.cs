namespace Platform.Training.Mixing;

public enum MixKind
{
    None,
    Mixup,
    Cutmix,
}
