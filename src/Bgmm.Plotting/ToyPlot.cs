using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>
/// 2-D data coloured by label with a fitted mixture's means and 1σ and 2σ covariance ellipses
/// (the original study's toy figure, SPEC §4).
/// </summary>
public static class ToyPlot
{
    /// <summary>The Mahalanobis radii s of the ellipses drawn for every component.</summary>
    internal static IReadOnlyList<double> EllipseRadii { get; } = [1.0, 2.0];

    // Points per ellipse polyline: at 120 the chords deviate from the true ellipse by at most
    // 1 − cos(π/120) ≈ 3·10⁻⁴ of its semi-major axis, under a pixel at any plausible size.
    private const int EllipseVertices = 120;

    /// <summary>
    /// Draws the points coloured by label (one colour per component), the means as red dots, and
    /// each component's 1σ and 2σ ellipses dotted, on axes x1, x2 with equal scaling, so that the
    /// ellipses keep their true shape.
    /// </summary>
    /// <param name="points">N points, each an array of 2 finite coordinates (x1, x2). May be empty.</param>
    /// <param name="labels">N component labels in [0, K), e.g. from <see cref="GaussianMixture.Predict(Dataset, int)"/>.</param>
    /// <param name="mixture">A fitted mixture with D = 2.</param>
    /// <param name="width">Image width in pixels, 200 … 16 384.</param>
    /// <param name="height">Image height in pixels, 200 … 16 384.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">
    /// The mixture or a point is not 2-D, a coordinate is not finite, or the labels do not match the points.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static byte[] Render(IReadOnlyList<double[]> points, IReadOnlyList<int> labels, GaussianMixture mixture, int width = 800, int height = 800)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(mixture);
        PlotStyle.CheckSize(width, height);
        if (mixture.Dimension != 2)
            throw new ArgumentException($"the mixture has D = {mixture.Dimension}: this plot draws 2-D data only (D = 2).", nameof(mixture));
        if (labels.Count != points.Count)
            throw new ArgumentException($"there are {points.Count} points but {labels.Count} labels: give one label per point.", nameof(labels));
        int k = mixture.ComponentCount;
        var byComponent = new List<(double X, double Y)>[k];
        for (int c = 0; c < k; c++) byComponent[c] = [];
        for (int n = 0; n < points.Count; n++)
        {
            double[] p = points[n] ?? throw new ArgumentException($"point {n} is missing.", nameof(points));
            if (p.Length != 2)
                throw new ArgumentException($"point {n} has {p.Length} coordinates: this plot draws 2-D data only (D = 2).", nameof(points));
            if (!double.IsFinite(p[0]) || !double.IsFinite(p[1]))
                throw new ArgumentException($"point {n} has a coordinate that is not finite.", nameof(points));
            int label = labels[n];
            if (label < 0 || label >= k)
                throw new ArgumentException($"label {n} is {label}: labels must be component indices 0 … {k - 1}.", nameof(labels));
            byComponent[label].Add((p[0], p[1]));
        }

        using Plot plot = PlotStyle.NewPlot();
        double[] weights = mixture.Weights;
        var legend = new List<LegendItem>();
        var extent = new Extent();

        for (int c = 0; c < k; c++)
        {
            Color color = PlotStyle.ComponentColor(c);
            List<(double X, double Y)> own = byComponent[c];
            if (own.Count > 0)
            {
                double[] xs = [.. own.Select(q => q.X)];
                double[] ys = [.. own.Select(q => q.Y)];
                plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, PointSize(points.Count), color.WithAlpha(0.6));
                foreach ((double x, double y) in own) extent.Add(x, y);
            }
            legend.Add(new LegendItem
            {
                LabelText = $"component {c} (π = {PlotStyle.F(weights[c], "0.00")})",
                MarkerStyle = new MarkerStyle(MarkerShape.FilledCircle, 9, color),
                LineWidth = 0,
            });
        }

        for (int c = 0; c < k; c++)
        {
            Color color = PlotStyle.ComponentColor(c).Darken(0.25);
            double[] mean = mixture.GetMean(c);
            double[,] covariance = mixture.GetCovariance(c);
            foreach (double s in EllipseRadii)
            {
                (double[] xs, double[] ys) = CovarianceEllipse.Points(mean, covariance, s, EllipseVertices);
                ScottPlot.Plottables.Scatter outline = plot.Add.ScatterLine(xs, ys, color);
                outline.LineWidth = 2;
                outline.LinePattern = LinePattern.Dotted;
                for (int i = 0; i < xs.Length; i++) extent.Add(xs[i], ys[i]);
            }
        }
        legend.Add(new LegendItem
        {
            LabelText = "1σ and 2σ ellipses",
            LineColor = PlotStyle.GuideColor,
            LineWidth = 2,
            LinePattern = LinePattern.Dotted,
        });

        double[] meanX = [.. Enumerable.Range(0, k).Select(c => mixture.GetMean(c)[0])];
        double[] meanY = [.. Enumerable.Range(0, k).Select(c => mixture.GetMean(c)[1])];
        ScottPlot.Plottables.Markers means = plot.Add.Markers(meanX, meanY, MarkerShape.FilledCircle, 12, PlotStyle.MeanColor);
        means.MarkerStyle.OutlineColor = Colors.White;
        means.MarkerStyle.OutlineWidth = 1.5f;
        legend.Add(new LegendItem
        {
            LabelText = "means",
            MarkerStyle = new MarkerStyle(MarkerShape.FilledCircle, 11, PlotStyle.MeanColor),
            LineWidth = 0,
        });

        plot.Title($"Mixture fit, K = {k}: points coloured by label");
        plot.XLabel("x1");
        plot.YLabel("x2");
        plot.Axes.Bottom.TickGenerator = new PreciseTicks();
        plot.Axes.Left.TickGenerator = new PreciseTicks();
        (double left, double right, double bottom, double top) = extent.Padded(0.06);
        plot.Axes.SetLimits(left, right, bottom, top);
        // Equal units on both axes, by widening whichever axis is short: nothing is cut off.
        plot.Axes.Rules.Add(new ScottPlot.AxisRules.SquareZoomOut(plot.Axes.Bottom, plot.Axes.Left));

        plot.Legend.ManualItems.AddRange(legend);
        plot.Legend.DisplayPlottableLegendItems = false;
        // Below the axes, not over the data: the panel keeps the data area close to square.
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        return PlotStyle.ToPng(plot, width, height);
    }

    // Smaller markers as the cloud grows, so that dense data stays a cloud instead of a blot.
    private static float PointSize(int count) => count switch
    {
        <= 2_000 => 5,
        <= 20_000 => 3,
        _ => 2,
    };

    /// <summary>The bounding box of everything drawn.</summary>
    private sealed class Extent
    {
        private double _left = double.PositiveInfinity, _right = double.NegativeInfinity;
        private double _bottom = double.PositiveInfinity, _top = double.NegativeInfinity;

        public void Add(double x, double y)
        {
            _left = Math.Min(_left, x);
            _right = Math.Max(_right, x);
            _bottom = Math.Min(_bottom, y);
            _top = Math.Max(_top, y);
        }

        /// <summary>
        /// The box grown by <paramref name="fraction"/> of its larger side; a box of zero size
        /// (one point under a degenerate ellipse) gets a unit margin.
        /// </summary>
        public (double Left, double Right, double Bottom, double Top) Padded(double fraction)
        {
            double size = Math.Max(_right - _left, _top - _bottom);
            double scale = Math.Max(Math.Max(Math.Abs(_left), Math.Abs(_right)), Math.Max(Math.Abs(_bottom), Math.Abs(_top)));
            double pad = size > 1e-9 * scale ? fraction * size : Math.Max(1e-3 * scale, 1.0);
            return (_left - pad, _right + pad, _bottom - pad, _top + pad);
        }
    }
}
