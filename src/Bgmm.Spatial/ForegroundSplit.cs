using System.Globalization;

namespace Bgmm.Spatial;

/// <summary>How a split was decided.</summary>
public enum ForegroundRule
{
    /// <summary>The frame rule of <see cref="ForegroundSplit.Decide(ReadOnlySpan{byte}, int, int, GaussianMixture, IReadOnlyList{long})"/>.</summary>
    Frame,

    /// <summary>The caller named the background components.</summary>
    Given,
}

/// <summary>Why a component was put on its side of the split.</summary>
public enum ForegroundReason
{
    /// <summary>Background: its colour reaches two or more edges of the frame (opposite edges, or edges meeting at a corner).</summary>
    SpansFrame,

    /// <summary>Foreground: its colour touches at most one edge of the frame.</summary>
    Enclosed,

    /// <summary>Background: it holds no pixel of the preview.</summary>
    Absent,

    /// <summary>The caller named it background (or did not).</summary>
    Given,
}

/// <summary>One component's side of the split and why.</summary>
/// <param name="Component">The component (canonical index).</param>
/// <param name="IsBackground">Its side.</param>
/// <param name="Reason">Why.</param>
/// <param name="Sides">The edges of the frame its colour touches (holds ≥ 10 % of).</param>
/// <param name="EdgeShares">The fraction of the top, bottom, left and right edges its colour holds.</param>
/// <param name="Colour">The components of its colour (<see cref="ForegroundSplit.ColourDistance"/>), itself included.</param>
/// <param name="Explanation">The reason in words.</param>
public sealed record ComponentVerdict(int Component, bool IsBackground, ForegroundReason Reason, FrameSides Sides,
    IReadOnlyList<double> EdgeShares, IReadOnlyList<int> Colour, string Explanation);

/// <summary>Which components of a segmentation are background, why, and how much of the image is foreground.</summary>
/// <param name="IsBackground">For each component k, whether it is background.</param>
/// <param name="Share">The fraction of pixels whose component is foreground.</param>
/// <param name="Rule">How the split was decided.</param>
/// <param name="Verdicts">Each component's side and reason, in component order.</param>
public sealed record ForegroundSplit(bool[] IsBackground, double Share, ForegroundRule Rule, IReadOnlyList<ComponentVerdict> Verdicts)
{
    /// <summary>Components whose Gaussians are closer than this (Bhattacharyya distance) are one colour and share a side.</summary>
    public const double ColourDistance = ColourGroups.MergeDistance;

    /// <summary>The foreground components, in increasing order.</summary>
    public IReadOnlyList<int> ForegroundComponents => [.. Enumerable.Range(0, IsBackground.Length).Where(k => !IsBackground[k])];

    /// <summary>The frame rule on a whole label map: samples its preview (<see cref="LabelPreview.Sample"/>) and counts its pixels.</summary>
    /// <param name="labels">One component index per pixel, row-major (length width·height).</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="mixture">The mixture whose components the labels name (K ≤ 256).</param>
    public static ForegroundSplit Decide(ReadOnlySpan<byte> labels, int width, int height, GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        LabelChecks.Labels(labels, LabelChecks.PixelCount(width, height), mixture.ComponentCount);
        var counts = new long[mixture.ComponentCount];
        foreach (byte l in labels) counts[l]++;
        (byte[] preview, int w, int h) = LabelPreview.Sample(labels, width, height);
        return Decide(preview, w, h, mixture, counts);
    }

    /// <summary>
    /// The frame rule: components whose Gaussians overlap (<see cref="ColourDistance"/>) are one colour; a
    /// colour is background when, in the preview cleaned by a 3×3 majority filter, it holds at least 10 % of two
    /// or more edges of the frame — it runs across the picture or fills a corner, as sky, ground and backdrops
    /// do — and foreground when it touches at most one edge (an object, even one the frame cuts on a side).
    /// </summary>
    /// <remarks>
    /// The inputs are bounded summaries, so a streamed segmentation can call it: a preview of the label map of at
    /// most a few hundred thousand pixels (<see cref="LabelPreview"/>: the same source pixels whatever reads them)
    /// and the full image's pixel count per component (for <see cref="Share"/> alone). The decision reads only
    /// the preview and the mixture.
    /// </remarks>
    /// <param name="preview">A preview of the label map, row-major.</param>
    /// <param name="previewWidth">Its width.</param>
    /// <param name="previewHeight">Its height.</param>
    /// <param name="mixture">The mixture whose components the labels name.</param>
    /// <param name="pixelCounts">The full image's pixels per component.</param>
    public static ForegroundSplit Decide(ReadOnlySpan<byte> preview, int previewWidth, int previewHeight, GaussianMixture mixture, IReadOnlyList<long> pixelCounts)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(pixelCounts);
        int k = mixture.ComponentCount;
        LabelChecks.Labels(preview, LabelChecks.PixelCount(previewWidth, previewHeight), k);
        if (pixelCounts.Count != k) throw new ArgumentException($"there are {pixelCounts.Count} pixel counts for {k} components: give one per component.", nameof(pixelCounts));

        int[] groupOf = ColourGroups.Find(mixture);
        var evidence = new FrameEvidence(preview, previewWidth, previewHeight, groupOf);
        int[] groups = [.. groupOf.Distinct().Order()];
        var background = new bool[k];
        var reason = new ForegroundReason[k];
        foreach (int g in groups)
        {
            if (evidence.Area[g] == 0) (background[g], reason[g]) = (true, ForegroundReason.Absent);
            else (background[g], reason[g]) = FrameEvidence.Spans(evidence.Touches(g)) ? (true, ForegroundReason.SpansFrame) : (false, ForegroundReason.Enclosed);
        }
        var isBackground = new bool[k];
        var verdicts = new ComponentVerdict[k];
        for (int c = 0; c < k; c++)
        {
            int g = groupOf[c];
            isBackground[c] = background[g];
            int[] colour = [.. Enumerable.Range(0, k).Where(j => groupOf[j] == g)];
            FrameSides sides = evidence.Touches(g);
            double[] shares = evidence.EdgeShares(g);
            verdicts[c] = new ComponentVerdict(c, isBackground[c], reason[g], sides, shares, colour, Explain(c, reason[g], sides, colour, shares));
        }
        return new ForegroundSplit(isBackground, ForegroundShare(pixelCounts, isBackground), ForegroundRule.Frame, verdicts);
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
        var counts = new long[components];
        foreach (byte l in labels) counts[l]++;
        return Given(counts, backgroundComponents);
    }

    /// <summary>The caller's choice of background components, from the pixels per component.</summary>
    /// <param name="pixelCounts">The image's pixels per component (K entries).</param>
    /// <param name="backgroundComponents">The background components, each in 0..K−1.</param>
    /// <exception cref="ModelInputException">A component number is outside 0..K−1.</exception>
    public static ForegroundSplit Given(IReadOnlyList<long> pixelCounts, IReadOnlyList<int> backgroundComponents)
    {
        ArgumentNullException.ThrowIfNull(pixelCounts);
        ArgumentNullException.ThrowIfNull(backgroundComponents);
        int components = pixelCounts.Count;
        var background = new bool[components];
        foreach (int k in backgroundComponents)
        {
            if (k < 0 || k >= components)
                throw new ModelInputException(nameof(backgroundComponents), $"there is no component {k} to call background: the components are 0..{components - 1}.");
            background[k] = true;
        }
        ComponentVerdict[] verdicts = [.. Enumerable.Range(0, components).Select(c => new ComponentVerdict(c, background[c], ForegroundReason.Given,
            FrameSides.None, [], [c], background[c] ? "named background (--background)" : "not named background (--background)"))];
        return new ForegroundSplit(background, ForegroundShare(pixelCounts, background), ForegroundRule.Given, verdicts);
    }

    /// <summary>
    /// The former default, kept for comparison (docs/segmentation.md): a component is background when its share
    /// of the border pixels exceeds its share of the image.
    /// </summary>
    internal static bool[] ByBorderShare(ReadOnlySpan<byte> labels, int width, int height, int components)
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
        for (int k = 0; k < components; k++) background[k] = (Int128)border[k] * labels.Length > (Int128)total[k] * borderCount;
        return background;
    }

    private static double ForegroundShare(IReadOnlyList<long> counts, bool[] background)
    {
        long total = 0, foreground = 0;
        for (int k = 0; k < counts.Count; k++)
        {
            if (counts[k] < 0) throw new ArgumentException($"pixel count {k} is {counts[k]}: counts must be ≥ 0.", nameof(counts));
            total += counts[k];
            if (!background[k]) foreground += counts[k];
        }
        return total == 0 ? 0 : (double)foreground / total;
    }

    private static string Explain(int component, ForegroundReason reason, FrameSides sides, int[] colour, double[] shares)
    {
        string held = string.Create(CultureInfo.InvariantCulture, $" (holds {shares[0] * 100:F0} / {shares[1] * 100:F0} / {shares[2] * 100:F0} / {shares[3] * 100:F0} % of the top / bottom / left / right edges)");
        string others = colour.Length > 1 ? $" (one colour with component{(colour.Length > 2 ? "s" : "")} {string.Join(", ", colour.Where(c => c != component))})" : "";
        return reason switch
        {
            ForegroundReason.SpansFrame => $"its colour{others} reaches the {Words(sides)} edges of the frame{held}",
            ForegroundReason.Enclosed => sides == FrameSides.None
                ? $"its colour{others} touches no edge of the frame{held}"
                : $"its colour{others} touches only the {Words(sides)} edge{(sides is FrameSides.Top or FrameSides.Bottom or FrameSides.Left or FrameSides.Right ? "" : "s")} of the frame{held}",
            ForegroundReason.Absent => "it holds no pixel of the preview",
            _ => "named by the caller",
        };
    }

    private static string Words(FrameSides sides)
    {
        var words = new List<string>();
        if (sides.HasFlag(FrameSides.Top)) words.Add("top");
        if (sides.HasFlag(FrameSides.Bottom)) words.Add("bottom");
        if (sides.HasFlag(FrameSides.Left)) words.Add("left");
        if (sides.HasFlag(FrameSides.Right)) words.Add("right");
        return words.Count switch { 0 => "no", 1 => words[0], _ => string.Join(", ", words.Take(words.Count - 1)) + " and " + words[^1] };
    }
}
