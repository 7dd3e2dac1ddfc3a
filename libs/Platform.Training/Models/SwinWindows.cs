using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// The window arithmetic of Swin Transformer (Liu et al. 2021, §3.2), shared by the model, its exporter and its tests.
/// Maps are channels-last [N, H, W, C]; windows are [N·nW, w·w, C] in row-major window order, tokens row-major
/// inside a window.
/// </summary>
public static class SwinWindows
{
    /// <summary>The additive mask value between tokens that must not attend to each other (timm's −100: after
    /// softmax it is e^−100 ≈ 0 while staying finite in fp16).</summary>
    public const float Blocked = -100f;

    /// <summary>[N, H, W, C] → [N·(H/w)·(W/w), w·w, C].</summary>
    public static Tensor Partition(Tensor map, long window)
    {
        long n = map.shape[0], height = map.shape[1], width = map.shape[2], channels = map.shape[3];
        return map.reshape(n, height / window, window, width / window, window, channels)
            .permute(0, 1, 3, 2, 4, 5)
            .reshape(-1, window * window, channels);
    }

    /// <summary>Inverse of <see cref="Partition"/>: [N·nW, w·w, C] → [N, H, W, C].</summary>
    public static Tensor Reverse(Tensor windows, long window, long height, long width)
    {
        long channels = windows.shape[2];
        return windows.reshape(-1, height / window, width / window, window, window, channels)
            .permute(0, 1, 3, 2, 4, 5)
            .reshape(-1, height, width, channels);
    }

    /// <summary>
    /// For every pair of tokens (i, j) of a window, the row of the relative position bias table that holds their
    /// bias: (Δh + w − 1)·(2w − 1) + (Δw + w − 1) with Δ = position(i) − position(j). Shape [w², w²], int64.
    /// </summary>
    public static long[] RelativePositionIndex(int window)
    {
        int tokens = window * window, side = 2 * window - 1;
        var index = new long[tokens * tokens];
        for (int i = 0; i < tokens; i++)
        {
            for (int j = 0; j < tokens; j++)
            {
                int dh = i / window - j / window, dw = i % window - j % window;
                index[i * tokens + j] = (dh + window - 1) * side + (dw + window - 1);
            }
        }

        return index;
    }

    /// <summary>
    /// The attention mask of a shifted-window block, [nW, w², w²] with 0 or <see cref="Blocked"/>: after the map is
    /// rolled by −shift, a window at the bottom or right edge gathers tokens from opposite sides of the image, and
    /// only tokens from the same region (the same displaced window before the roll) may attend to each other.
    /// Regions along each axis are [0, size − w), [size − w, size − shift) and [size − shift, size) in rolled coordinates.
    /// </summary>
    public static float[] ShiftedWindowMask(int height, int width, int window, int shift)
    {
        static int Region(int position, int size, int window, int shift) =>
            position < size - window ? 0 : position < size - shift ? 1 : 2;

        int windowsPerRow = width / window, windowCount = height / window * windowsPerRow, tokens = window * window;
        var mask = new float[windowCount * tokens * tokens];
        for (int w = 0; w < windowCount; w++)
        {
            int top = w / windowsPerRow * window, left = w % windowsPerRow * window;
            int RegionOf(int token) =>
                Region(top + token / window, height, window, shift) * 3 + Region(left + token % window, width, window, shift);
            for (int i = 0; i < tokens; i++)
            {
                for (int j = 0; j < tokens; j++)
                {
                    mask[(w * tokens + i) * tokens + j] = RegionOf(i) == RegionOf(j) ? 0f : Blocked;
                }
            }
        }

        return mask;
    }
}
