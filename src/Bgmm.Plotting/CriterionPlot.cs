using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>A model-selection criterion (e.g. BIC) against the number of components K.</summary>
public static class CriterionPlot
{
    // Extra space above the curve, as a fraction of its span, for the "chosen K" label.
    private const double LabelHeadroom = 0.2;

    /// <summary>
    /// Draws the criterion against K with a marker per fit, and highlights the chosen K with a
    /// large ring, a dashed vertical line and the annotation "chosen K = …".
    /// </summary>
    /// <param name="components">The K of each fit: distinct values ≥ 1, in any order.</param>
    /// <param name="values">The criterion of each fit, finite, in the order of <paramref name="components"/>.</param>
    /// <param name="chosen">The selected K; one of <paramref name="components"/>.</param>
    /// <param name="criterionName">The criterion's name for the title and y axis, e.g. "BIC (lower is better)".</param>
    /// <param name="width">Image width in pixels, 200 … 16 384.</param>
    /// <param name="height">Image height in pixels, 200 … 16 384.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">
    /// The lists are empty or of different lengths, a K repeats or is below 1, a value is not
    /// finite, <paramref name="chosen"/> is not among the K, or the name is blank.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static byte[] Render(IReadOnlyList<int> components, IReadOnlyList<double> values, int chosen, string criterionName, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentException.ThrowIfNullOrWhiteSpace(criterionName);
        PlotStyle.CheckSize(width, height);
        if (components.Count == 0)
            throw new ArgumentException("there are no fits to plot: give at least one K and its criterion value.", nameof(components));
        if (values.Count != components.Count)
            throw new ArgumentException($"there are {components.Count} values of K but {values.Count} criterion values: give one value per K.", nameof(values));
        var seen = new HashSet<int>();
        for (int i = 0; i < components.Count; i++)
        {
            if (components[i] < 1) throw new ArgumentException($"K = {components[i]} at position {i}: every K must be at least 1.", nameof(components));
            if (!seen.Add(components[i])) throw new ArgumentException($"K = {components[i]} appears twice: give each K once.", nameof(components));
            if (!double.IsFinite(values[i])) throw new ArgumentException($"the criterion for K = {components[i]} is {values[i]}: every value must be finite.", nameof(values));
        }
        if (!seen.Contains(chosen))
            throw new ArgumentException($"the chosen K = {chosen} is not among the plotted K ({string.Join(", ", components.Order())}).", nameof(chosen));

        int[] order = [.. Enumerable.Range(0, components.Count).OrderBy(i => components[i])];
        double[] ks = [.. order.Select(i => (double)components[i])];
        double[] ys = [.. order.Select(i => values[i])];
        double chosenValue = ys[Array.IndexOf(ks, (double)chosen)];

        using Plot plot = PlotStyle.NewPlot();
        (double low, double high) = PlotStyle.PaddedRange(ys, LabelHeadroom);
        double left = ks[0] - 0.5, right = ks[^1] + 0.5;

        plot.Add.VerticalLine(chosen, 1.5f, PlotStyle.AccentColor, LinePattern.Dashed);
        ScottPlot.Plottables.Scatter line = plot.Add.Scatter(ks, ys, PlotStyle.LineColor);
        line.LineWidth = 2;
        line.MarkerSize = 9;
        ScottPlot.Plottables.Marker ring = plot.Add.Marker(chosen, chosenValue, MarkerShape.OpenCircle, 26, PlotStyle.AccentColor);
        ring.MarkerStyle.LineWidth = 3;

        // In the headroom at the top of the dashed line; to its right unless K is the largest.
        Alignment side = chosen < ks[^1] || ks.Length == 1 ? Alignment.UpperLeft : Alignment.UpperRight;
        ScottPlot.Plottables.Text label = PlotStyle.AddText(plot, $"chosen K = {chosen}", chosen, high, PlotStyle.AccentColor, side);
        label.LabelBold = true;
        label.OffsetX = side == Alignment.UpperLeft ? 6 : -6;
        label.OffsetY = 4;

        plot.Title($"{criterionName} against the number of components K");
        plot.XLabel("number of components K");
        plot.YLabel(criterionName);
        plot.Axes.Bottom.TickGenerator = new PreciseTicks { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = new PreciseTicks();
        plot.Axes.SetLimits(left, right, low, high);
        return PlotStyle.ToPng(plot, width, height);
    }
}
