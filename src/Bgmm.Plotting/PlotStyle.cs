using System.Globalization;
using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>Sizes, colours and number formats shared by the plots.</summary>
internal static class PlotStyle
{
    /// <summary>Smallest accepted width or height: below it titles and tick labels no longer fit.</summary>
    public const int MinimumSize = 200;

    /// <summary>Largest accepted width or height (a 16 384² RGBA bitmap is already 1 GiB).</summary>
    public const int MaximumSize = 16_384;

    public const float TitleSize = 17;
    public const float LabelSize = 14;
    public const float TickSize = 12;
    public const float LegendSize = 12;

    /// <summary>The colour of the means in the toy plot; the component palette avoids it.</summary>
    public static readonly Color MeanColor = Color.FromHex("#D62728");

    public static readonly Color LineColor = Color.FromHex("#1F4E79");
    public static readonly Color AccentColor = Color.FromHex("#C0392B");
    public static readonly Color GuideColor = Color.FromHex("#555555");

    /// <summary>
    /// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), without its
    /// vermillion and yellow (too close to the red means and too pale on white), then four
    /// Tableau colours. Beyond these, hues step by the golden angle.
    /// </summary>
    private static readonly Color[] Palette =
        [.. new[] { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22", "#9467BD" }.Select(Color.FromHex)];

    /// <summary>A distinct colour for component <paramref name="k"/>.</summary>
    public static Color ComponentColor(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k < Palette.Length) return Palette[k];
        float hue = (float)((k - Palette.Length) * 0.618033988749895 % 1.0);
        return Color.FromHSL(hue, 0.65f, 0.42f);
    }

    public static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinimumSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinimumSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaximumSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaximumSize);
    }

    /// <summary>A new plot with the library's font and text sizes.</summary>
    public static Plot NewPlot()
    {
        // Resolve (and on first use register) the font before ScottPlot reads its font list.
        string? font = PlotFonts.Name;
        var plot = new Plot();
        PlotFonts.Apply(plot, font);
        plot.Axes.Title.Label.FontSize = TitleSize;
        foreach (IAxis axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = LabelSize;
            axis.TickLabelStyle.FontSize = TickSize;
        }
        plot.Legend.FontSize = LegendSize;
        return plot;
    }

    /// <summary>A text annotation in the library's font.</summary>
    public static ScottPlot.Plottables.Text AddText(Plot plot, string text, double x, double y, Color color, Alignment alignment)
    {
        ScottPlot.Plottables.Text label = plot.Add.Text(text, x, y);
        PlotFonts.Apply(label);
        label.LabelFontSize = LabelSize;
        label.LabelFontColor = color;
        label.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        label.LabelAlignment = alignment;
        return label;
    }

    /// <summary>
    /// [min, max] of the values padded by 8 % of their span, plus <paramref name="headroom"/> × span
    /// on top. A constant trace (span ≤ 10⁻¹² of its magnitude: rounding noise) gets a window of
    /// ±max(10⁻⁶·|v|, 1), so the axis always has a finite, nonzero range.
    /// </summary>
    public static (double Low, double High) PaddedRange(IReadOnlyList<double> values, double headroom = 0)
    {
        double min = values.Min(), max = values.Max();
        double span = max - min;
        if (IsFlat(values))
        {
            double half = Math.Max(1e-6 * Math.Abs(max), 1.0);
            min -= half;
            max += half;
            span = max - min;
            return (min, max + headroom * span);
        }
        double pad = 0.08 * span;
        return (min - pad, max + pad + headroom * span);
    }

    /// <summary>
    /// Whether the values agree to 12 significant digits (max − min ≤ 10⁻¹²·max|v|): what is
    /// left of an EM trace after convergence is rounding noise of that size.
    /// </summary>
    public static bool IsFlat(IReadOnlyList<double> values)
    {
        double min = values.Min(), max = values.Max();
        return max - min <= 1e-12 * Math.Max(Math.Abs(min), Math.Abs(max));
    }

    public static byte[] ToPng(Plot plot, int width, int height) => plot.GetImageBytes(width, height, ImageFormat.Png);

    /// <summary>Invariant-culture formatting with <paramref name="format"/>.</summary>
    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
