namespace Bgmm.Spatial;

/// <summary>
/// A bounded copy of a label map, the input of <see cref="ForegroundSplit.Decide(ReadOnlySpan{byte}, int, int, GaussianMixture, IReadOnlyList{long})"/>: every preview pixel
/// is the label of one source pixel (centre sampling, no averaging: labels are not numbers), so a
/// streamed pipeline that keeps only the source rows and columns <see cref="SourceIndex"/> names builds
/// exactly the preview an in-memory pipeline builds from the whole map.
/// </summary>
public static class LabelPreview
{
    /// <summary>The long side of the preview the foreground split works on (a larger map is sampled down to it).</summary>
    public const int MaxSide = 512;

    /// <summary>The preview's size for a W×H map: W×H itself when its long side is at most <paramref name="maxSide"/>, else scaled to that long side (each side ≥ 1).</summary>
    public static (int Width, int Height) Size(int width, int height, int maxSide = MaxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        int side = Math.Max(width, height);
        if (side <= maxSide) return (width, height);
        return (Math.Max(1, (int)((long)width * maxSide / side)), Math.Max(1, (int)((long)height * maxSide / side)));
    }

    /// <summary>
    /// The source column (or row) of preview column (or row) <paramref name="i"/>: ⌊(i + ½)·source/preview⌋,
    /// the source pixel under the preview pixel's centre, except that the first and last preview pixels are the
    /// first and last source pixels.
    /// </summary>
    /// <remarks>The first and last preview pixels are pinned to the first and last source pixels, so the frame of
    /// the preview is the frame of the source: the split's frame contact is read from real border pixels.</remarks>
    public static int SourceIndex(int i, int sourceSize, int previewSize)
    {
        if (previewSize >= sourceSize) return i;
        if (i == 0) return 0;
        if (i == previewSize - 1) return sourceSize - 1;
        return (int)(((2L * i + 1) * sourceSize) / (2L * previewSize));
    }

    /// <summary>Samples a W×H label map (row-major) down to <see cref="Size"/>.</summary>
    public static (byte[] Labels, int Width, int Height) Sample(ReadOnlySpan<byte> labels, int width, int height, int maxSide = MaxSide)
    {
        if (labels.Length != (long)width * height)
            throw new ArgumentException($"there are {labels.Length} labels for a {width}×{height} map: give one label per pixel.", nameof(labels));
        (int w, int h) = Size(width, height, maxSide);
        var preview = new byte[w * h];
        var columns = new int[w];
        for (int x = 0; x < w; x++) columns[x] = SourceIndex(x, width, w);
        for (int y = 0; y < h; y++)
        {
            int row = SourceIndex(y, height, h) * width;
            for (int x = 0; x < w; x++) preview[y * w + x] = labels[row + columns[x]];
        }
        return (preview, w, h);
    }
}
