using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>A model-selection criterion (e.g. BIC) against the number of components K: one line, or one per covariance model.</summary>
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
        var series = new CriterionSeries("", components, values);
        Check(series, nameof(components), nameof(values));
        if (!components.Contains(chosen))
            throw new ArgumentException($"the chosen K = {chosen} is not among the plotted K ({string.Join(", ", components.Order())}).", nameof(chosen));
        return Draw([series], 0, chosen, criterionName, width, height);
    }

    /// <summary>
    /// Draws one line per covariance model (as mclust's <c>plot(mclustBIC)</c>): the criterion against K, a marker
    /// per fit, a legend of the models, and the chosen model and K ringed and annotated.
    /// </summary>
    /// <param name="series">One per model: its name and the K and criterion of each fit that succeeded (a model with no fit is left out by the caller).</param>
    /// <param name="chosenSeries">The name of the chosen model; one of the series.</param>
    /// <param name="chosen">The chosen K; one of that series' K.</param>
    /// <param name="criterionName">The criterion's name for the title and y axis.</param>
    /// <param name="width">Image width in pixels, 200 … 16 384.</param>
    /// <param name="height">Image height in pixels, 200 … 16 384.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">No series, a series as <see cref="Render(IReadOnlyList{int}, IReadOnlyList{double}, int, string, int, int)"/> refuses, two series of one name, or the chosen fit is not plotted.</exception>
    public static byte[] Render(IReadOnlyList<CriterionSeries> series, string chosenSeries, int chosen, string criterionName, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentException.ThrowIfNullOrWhiteSpace(criterionName);
        PlotStyle.CheckSize(width, height);
        if (series.Count == 0) throw new ArgumentException("there are no models to plot: give at least one series.", nameof(series));
        foreach (CriterionSeries s in series) Check(s ?? throw new ArgumentException("a series is null.", nameof(series)), nameof(series), nameof(series));
        if (series.Select(s => s.Name).Distinct().Count() != series.Count) throw new ArgumentException("two series have the same name.", nameof(series));
        int index = series.ToList().FindIndex(s => s.Name == chosenSeries);
        if (index < 0 || !series[index].Components.Contains(chosen))
            throw new ArgumentException($"the chosen fit ({chosenSeries}, K = {chosen}) is not among the plotted ones.", nameof(chosen));
        return Draw(series, index, chosen, criterionName, width, height);
    }

    private static void Check(CriterionSeries series, string componentsName, string valuesName)
    {
        IReadOnlyList<int> components = series.Components;
        IReadOnlyList<double> values = series.Values;
        ArgumentNullException.ThrowIfNull(components, componentsName);
        ArgumentNullException.ThrowIfNull(values, valuesName);
        string of = series.Name.Length == 0 ? "" : $" of {series.Name}";
        if (components.Count == 0)
            throw new ArgumentException($"there are no fits{of} to plot: give at least one K and its criterion value.", componentsName);
        if (values.Count != components.Count)
            throw new ArgumentException($"there are {components.Count} values of K{of} but {values.Count} criterion values: give one value per K.", valuesName);
        var seen = new HashSet<int>();
        for (int i = 0; i < components.Count; i++)
        {
            if (components[i] < 1) throw new ArgumentException($"K = {components[i]} at position {i}{of}: every K must be at least 1.", componentsName);
            if (!seen.Add(components[i])) throw new ArgumentException($"K = {components[i]} appears twice{of}: give each K once.", componentsName);
            if (!double.IsFinite(values[i])) throw new ArgumentException($"the criterion for K = {components[i]}{of} is {values[i]}: every value must be finite.", valuesName);
        }
    }

    private static byte[] Draw(IReadOnlyList<CriterionSeries> series, int chosenSeries, int chosen, string criterionName, int width, int height)
    {
        bool several = series.Count > 1;
        double[] allKs = [.. series.SelectMany(s => s.Components).Select(k => (double)k).Distinct().Order()];
        double[] allValues = [.. series.SelectMany(s => s.Values)];
        CriterionSeries picked = series[chosenSeries];
        double chosenValue = picked.Values[picked.Components.ToList().IndexOf(chosen)];

        using Plot plot = PlotStyle.NewPlot();
        (double low, double high) = PlotStyle.PaddedRange(allValues, LabelHeadroom);
        double left = allKs[0] - 0.5, right = allKs[^1] + 0.5;

        plot.Add.VerticalLine(chosen, 1.5f, PlotStyle.AccentColor, LinePattern.Dashed);
        for (int s = 0; s < series.Count; s++)
        {
            int[] order = [.. Enumerable.Range(0, series[s].Components.Count).OrderBy(i => series[s].Components[i])];
            double[] ks = [.. order.Select(i => (double)series[s].Components[i])];
            double[] ys = [.. order.Select(i => series[s].Values[i])];
            ScottPlot.Plottables.Scatter line = plot.Add.Scatter(ks, ys, several ? PlotStyle.ComponentColor(s) : PlotStyle.LineColor);
            line.LineWidth = 2;
            line.MarkerSize = several ? 7 : 9;
            if (several) line.LegendText = series[s].Name;
        }
        ScottPlot.Plottables.Marker ring = plot.Add.Marker(chosen, chosenValue, MarkerShape.OpenCircle, 26, PlotStyle.AccentColor);
        ring.MarkerStyle.LineWidth = 3;

        // In the headroom at the top of the dashed line; to its right unless K is the largest.
        Alignment side = chosen < allKs[^1] || allKs.Length == 1 ? Alignment.UpperLeft : Alignment.UpperRight;
        string text = several ? $"chosen: {picked.Name}, K = {chosen}" : $"chosen K = {chosen}";
        ScottPlot.Plottables.Text label = PlotStyle.AddText(plot, text, chosen, high, PlotStyle.AccentColor, side);
        label.LabelBold = true;
        label.OffsetX = side == Alignment.UpperLeft ? 6 : -6;
        label.OffsetY = 4;

        plot.Title(several ? $"{criterionName} against K, one line per covariance model" : $"{criterionName} against the number of components K");
        plot.XLabel("number of components K");
        plot.YLabel(criterionName);
        plot.Axes.Bottom.TickGenerator = new PreciseTicks { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = new PreciseTicks();
        plot.Axes.SetLimits(left, right, low, high);
        if (several) plot.ShowLegend(Edge.Right);
        return PlotStyle.ToPng(plot, width, height);
    }
}

/// <summary>One line of <see cref="CriterionPlot"/>: a covariance model's criterion against K.</summary>
/// <param name="Name">The model's name (the legend).</param>
/// <param name="Components">The K of each fit.</param>
/// <param name="Values">The criterion of each fit, in the order of <paramref name="Components"/>.</param>
public sealed record CriterionSeries(string Name, IReadOnlyList<int> Components, IReadOnlyList<double> Values);
