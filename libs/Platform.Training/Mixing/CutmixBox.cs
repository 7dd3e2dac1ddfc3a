namespace Platform.Training.Mixing;

/// <summary>The pasted rectangle of a cutmix batch: rows [Top, Bottom) and columns [Left, Right).</summary>
public readonly record struct CutmixBox(int Top, int Left, int Bottom, int Right)
{
    public int Area => (Bottom - Top) * (Right - Left);
}
