using static TorchSharp.torch;

namespace Platform.Training.Models.Pretrained;

/// <summary>
/// The fixed first layer of a backbone trained on Caffe/CNTK-style input: it takes the platform's input (RGB pixels
/// in [0, 1] normalised with per-channel <c>mean</c>/<c>std</c>) and produces what the original network saw: BGR
/// channels on the 0–255 scale minus a mean image. All of it is affine, so forward is
/// out[c] = x[order[c]] · scale[c] + offset[c, h, w] with scale = 255·std and offset = 255·mean − meanImage.
/// The values are buffers, not parameters: no fine-tuning strategy trains them, and they travel with the state
/// dict, checkpoints and the ONNX export, so training, export and inference cannot diverge.
/// </summary>
public sealed class BgrMeanImageInput : nn.Module<Tensor, Tensor>
{
    private static readonly long[] RgbToBgr = [2, 1, 0];

    /// <param name="inputMean">Per-channel RGB mean of the platform normalisation (pixels in [0, 1]).</param>
    /// <param name="inputStd">Per-channel RGB standard deviation of the platform normalisation.</param>
    /// <param name="bgrMeanImage">Mean image [3, H, W] in BGR order on the 0–255 scale, at the model's input size.</param>
    public BgrMeanImageInput(float[] inputMean, float[] inputStd, Tensor bgrMeanImage) : base(nameof(BgrMeanImageInput))
    {
        ArgumentNullException.ThrowIfNull(bgrMeanImage);
        if (inputMean.Length != 3 || inputStd.Length != 3 || bgrMeanImage.dim() != 3 || bgrMeanImage.shape[0] != 3)
        {
            throw new ArgumentException("Expected three RGB statistics and a [3, H, W] BGR mean image.");
        }

        var bgrScale = RgbToBgr.Select(c => 255f * inputStd[c]).ToArray();
        var bgrShift = RgbToBgr.Select(c => 255f * inputMean[c]).ToArray();
        // Buffers are looked up by name (not kept in fields) so that module.to(device) moves what forward reads.
        register_buffer("channel_order", tensor(RgbToBgr, ScalarType.Int64));
        register_buffer("scale", tensor(bgrScale).reshape(1, 3, 1, 1));
        using var shift = tensor(bgrShift).reshape(3, 1, 1);
        using var meanImage = bgrMeanImage.to(ScalarType.Float32).cpu();
        register_buffer("offset", (shift - meanImage).unsqueeze(0));
    }

    /// <summary>Input channel read for each output channel (BGR from RGB).</summary>
    public long[] ChannelOrder => RgbToBgr.ToArray();

    /// <summary>Per-output-channel multiplier, shape [1, 3, 1, 1].</summary>
    public Tensor Scale => Buffer("scale");

    /// <summary>Per-pixel additive term, shape [1, 3, H, W].</summary>
    public Tensor Offset => Buffer("offset");

    /// <summary>Input side this layer was built for (its mean image fixes it).</summary>
    public long ImageSize => Offset.shape[3];

    public override Tensor forward(Tensor images)
    {
        var offset = Offset;
        if (images.shape[2] != offset.shape[2] || images.shape[3] != offset.shape[3])
        {
            throw new ArgumentException(
                $"This backbone's mean image is {offset.shape[2]}×{offset.shape[3]}; got {images.shape[2]}×{images.shape[3]} inputs.",
                nameof(images));
        }

        using var scope = NewDisposeScope();
        return images.index_select(1, Buffer("channel_order")).mul(Buffer("scale")).add_(offset).MoveToOuterDisposeScope();
    }

    private Tensor Buffer(string name) =>
        named_buffers(recurse: false).Single(buffer => buffer.name == name).buffer;
}
