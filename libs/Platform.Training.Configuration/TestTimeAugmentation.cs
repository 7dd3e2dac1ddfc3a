namespace Platform.Training.Configuration;

/// <summary>How validation images are predicted (<c>tta</c>).</summary>
public enum TestTimeAugmentation
{
    /// <summary>The image as the evaluation transform gives it.</summary>
    None,

    /// <summary>The mean of the softmax probabilities of the image and its horizontal mirror image.</summary>
    Flip,
}
