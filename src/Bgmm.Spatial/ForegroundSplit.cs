namespace Bgmm.Spatial;

/// <summary>Which components of a segmentation are background, and how much of the image is foreground.</summary>
/// <param name="IsBackground">For each component k, whether it is background.</param>
/// <param name="Share">The fraction of pixels whose component is foreground.</param>
/// <param name="ByBorderRule">Whether the border rule decided (else the caller named the background).</param>
public sealed record ForegroundSplit(bool[] IsBackground, double Share, bool ByBorderRule)
{
    /// <summary>The foreground components, in increasing order.</summary>
    public IReadOnlyList<int> ForegroundComponents => [.. Enumerable.Range(0, IsBackground.Length).Where(k => !IsBackground[k])];

    /// <summary>
    /// The border rule: a component is background when its share of the image's border pixels (the
    /// first and last row and column) exceeds its share of the whole image — background touches the
    /// frame more than its size alone explains, an object in the middle touches it less.
    /// </summary>
    /// <param name="labels">One component index per pixel, row-major (length width·height).</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="components">K.</param>
    public static ForegroundSplit ByBorder(ReadOnlySpan<byte> labels, int width, int height, int components)
    {
        LabelChecks.Labels(labels, LabelChecks.PixelCount(width, height), components);
        var total = new long[components];
        var border = new long[components];
        foreach (byte l in labels) total[l]++;
        long borderCount = 0;
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y == 0 || y == height - 1;
            for (int x = 0; x < width; x++)
            {
                if (!edgeRow && x != 0 && x != width - 1) continue;
                border[labels[y * width + x]]++;
                borderCount++;
            }
        }
        var background = new bool[components];
        for (int k = 0; k < components; k++)
        {
            // Compare border[k]/borderCount > total[k]/N exactly, in integers.
            background[k] = (Int128)border[k] * labels.Length > (Int128)total[k] * borderCount;
        }
        return new ForegroundSplit(background, ForegroundShare(labels, background), true);
    }

    /// <summary>The caller's choice of background components.</summary>
    /// <param name="labels">One component index per pixel.</param>
    /// <param name="backgroundComponents">The background components, each in 0..K−1.</param>
    /// <param name="components">K.</param>
    /// <exception cref="ModelInputException">A component number is outside 0..K−1.</exception>
    public static ForegroundSplit Given(ReadOnlySpan<byte> labels, IReadOnlyList<int> backgroundComponents, int components)
    {
        ArgumentNullException.ThrowIfNull(backgroundComponents);
        LabelChecks.Labels(labels, labels.Length, components);
        var background = new bool[components];
        foreach (int k in backgroundComponents)
        {
            if (k < 0 || k >= components)
                throw new ModelInputException(nameof(backgroundComponents), $"there is no component {k} to call background: the components are 0..{components - 1}.");
            background[k] = true;
        }
        return new ForegroundSplit(background, ForegroundShare(labels, background), false);
    }

    private static double ForegroundShare(ReadOnlySpan<byte> labels, bool[] background)
    {
        long foreground = 0;
        foreach (byte l in labels)
        {
            if (!background[l]) foreground++;
        }
        return labels.Length == 0 ? 0 : (double)foreground / labels.Length;
    }
}
