namespace Platform.Training.Configuration;

public enum SamplerKind
{
    /// <summary>Every image once per epoch in a fresh random order.</summary>
    Shuffle,

    /// <summary>Drawn with replacement with probability inversely proportional to the class frequency.</summary>
    ClassBalanced,

    /// <summary>Every class topped up to the largest class's count by repeating its images, each epoch freshly shuffled.</summary>
    Oversample,

    /// <summary>Every class cut to the smallest class's count, a fresh random subset each epoch (the rest is unused that epoch).</summary>
    Undersample,
}
