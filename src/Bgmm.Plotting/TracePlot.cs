using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>The log joint log p(X, θ_t) of an EM run against the iteration t.</summary>
public static class TracePlot
{
    /// <summary>The y-axis label.</summary>
    internal const string ObjectiveLabel = "log joint  log p(X, θ)";

    /// <summary>The y-axis label when the trace switches to the mean-field objective F.</summary>
    internal const string SmoothedObjectiveLabel = "log p(X, θ), then F";

    /// <summary>The label of the dashed line at the phase boundary.</summary>
    internal const string PhaseBoundaryLabel = "smoothing starts";

    // The zoom panel starts at iteration ⌈T/10⌉ (at least 1): the first entry, the initial guess,
    // is routinely orders of magnitude below the rest and flattens the whole curve.
    private const double ZoomSkipFraction = 0.1;

    // Below this many entries (3 iterations) a zoom panel would show one or two points: omit it.
    private const int MinimumEntriesForZoom = 4;

    // Extra space above the curve, as a fraction of its span, for the "smoothing starts" label.
    private const double BoundaryHeadroom = 0.22;

    // Markers on every entry while they stay legible; longer traces are drawn as a line only.
    private const int MaximumEntriesWithMarkers = 60;

    /// <summary>
    /// Draws the trace: entry t at x = t. A first panel shows every entry; when there are at least
    /// three iterations a second panel zooms on the last 90 % of them (from iteration ⌈T/10⌉),
    /// where a first entry far below the rest no longer hides how the objective rises and levels off.
    /// </summary>
    /// <param name="logJointTrace">L(θ_t) for t = 0 (the initial parameters) … T: at least one entry, all finite.</param>
    /// <param name="title">The figure title.</param>
    /// <param name="phaseBoundary">
    /// For a spatially smoothed fit, the iteration from which the entries are the mean-field objective F
    /// instead of L: a vertical dashed line labelled "smoothing starts" is drawn there.
    /// Must lie in [0, T].
    /// </param>
    /// <param name="width">Image width in pixels, 200 … 16 384.</param>
    /// <param name="height">Image height in pixels, 200 … 16 384.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">The trace is empty or has a value that is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The phase boundary or a size is out of range.</exception>
    public static byte[] Render(IReadOnlyList<double> logJointTrace, string title, int? phaseBoundary = null, int width = 900, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(logJointTrace);
        ArgumentNullException.ThrowIfNull(title);
        PlotStyle.CheckSize(width, height);
        if (logJointTrace.Count == 0)
            throw new ArgumentException("the trace is empty: it must hold at least L(θ_0), the log joint of the initial parameters.", nameof(logJointTrace));
        for (int t = 0; t < logJointTrace.Count; t++)
        {
            if (!double.IsFinite(logJointTrace[t]))
                throw new ArgumentException($"trace entry {t} is {logJointTrace[t]}: every log joint must be finite.", nameof(logJointTrace));
        }
        int last = logJointTrace.Count - 1;
        if (phaseBoundary is { } b && (b < 0 || b > last))
            throw new ArgumentOutOfRangeException(nameof(phaseBoundary), b, $"the phase boundary must be an iteration of the trace, 0 … {last}.");

        double[] values = [.. logJointTrace];
        string yLabel = phaseBoundary is null ? ObjectiveLabel : SmoothedObjectiveLabel;

        if (values.Length < MinimumEntriesForZoom)
        {
            using Plot single = Panel(values, 0, title, yLabel, phaseBoundary, PlotStyle.TitleSize);
            return PlotStyle.ToPng(single, width, height);
        }

        int zoomStart = Math.Max(1, (int)Math.Ceiling(ZoomSkipFraction * last));
        string zoomTitle = $"Zoom: iterations {zoomStart}–{last} (the last 90 %)";
        using Plot full = Panel(values, 0, title, yLabel, phaseBoundary, PlotStyle.TitleSize);
        using Plot zoom = Panel(values, zoomStart, zoomTitle, yLabel, phaseBoundary, PlotStyle.LabelSize);
        var multiplot = new Multiplot(full) { Layout = new StackedRows(0.5) };
        multiplot.AddPlot(zoom);
        using Image image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    private static Plot Panel(double[] values, int start, string title, string yLabel, int? phaseBoundary, float titleSize)
    {
        Plot plot = PlotStyle.NewPlot();
        int n = values.Length - start;
        double[] xs = [.. Enumerable.Range(start, n).Select(t => (double)t)];
        double[] ys = values[start..];
        ScottPlot.Plottables.Scatter line = plot.Add.Scatter(xs, ys, PlotStyle.LineColor);
        line.LineWidth = 2;
        line.MarkerSize = n <= MaximumEntriesWithMarkers ? 5 : 0;

        plot.Title(title);
        plot.Axes.Title.Label.FontSize = titleSize;
        plot.XLabel("EM iteration");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new PreciseTicks { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = new PreciseTicks();

        bool showBoundary = phaseBoundary is { } boundary && boundary >= start;
        (double low, double high) = PlotStyle.PaddedRange(ys, showBoundary ? BoundaryHeadroom : 0);
        // Half an iteration either side keeps the first and last markers off the frame.
        double xLow = start - 0.5, xHigh = values.Length - 0.5;
        plot.Axes.SetLimits(xLow, xHigh, low, high);

        if (start > 0 && PlotStyle.IsFlat(ys))
        {
            // Say so, or the reader may take the flat line for a plotting fault.
            PlotStyle.AddText(plot, $"no change beyond rounding from iteration {start} on", 0.5 * (xLow + xHigh), 0.5 * (low + high), PlotStyle.GuideColor, Alignment.LowerCenter)
                .OffsetY = -6;
        }

        if (showBoundary)
        {
            double b = phaseBoundary!.Value;
            plot.Add.VerticalLine(b, 1.5f, PlotStyle.AccentColor, LinePattern.Dashed);
            // In the headroom above the curve; to the right of the line unless that would run off the panel.
            Alignment side = b <= start + 0.6 * (values.Length - 1 - start) ? Alignment.UpperLeft : Alignment.UpperRight;
            ScottPlot.Plottables.Text label = PlotStyle.AddText(plot, PhaseBoundaryLabel, b, high, PlotStyle.AccentColor, side);
            label.LabelFontSize = PlotStyle.TickSize;
            label.OffsetX = side == Alignment.UpperLeft ? 4 : -4;
            label.OffsetY = 2;
        }
        return plot;
    }

    /// <summary>Two plots stacked vertically, the first taking <c>topFraction</c> of the height.</summary>
    private sealed class StackedRows(double topFraction) : IMultiplotLayout
    {
        public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
        {
            float split = figureRect.Top + (float)(topFraction * figureRect.Height);
            return
            [
                new PixelRect(figureRect.Left, figureRect.Right, split, figureRect.Top),
                new PixelRect(figureRect.Left, figureRect.Right, figureRect.Bottom, split),
            ];
        }
    }
}
