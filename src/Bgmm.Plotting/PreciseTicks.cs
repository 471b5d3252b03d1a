using System.Globalization;
using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>
/// ScottPlot's automatic numeric ticks, relabelled with as many decimals as the tick positions need.
/// </summary>
/// <remarks>
/// ScottPlot's default labels keep a fixed number of significant digits, so a log joint that moves
/// by 0.01 around 270 512 gets a column of identical "270,512" labels. Here every major tick is
/// printed with the fewest decimals (0 … 15) that reproduce all major positions to within a
/// millionth of the tick step; labels then differ whenever the positions do.
/// </remarks>
internal sealed class PreciseTicks : ITickGenerator
{
    private readonly ScottPlot.TickGenerators.NumericAutomatic _inner = new();

    /// <summary>Whether ticks may only fall on integers (for iteration counts and K).</summary>
    public bool IntegerTicksOnly
    {
        get => _inner.IntegerTicksOnly;
        init => _inner.IntegerTicksOnly = value;
    }

    /// <inheritdoc/>
    public Tick[] Ticks { get; private set; } = [];

    /// <inheritdoc/>
    public int MaxTickCount
    {
        get => _inner.MaxTickCount;
        set => _inner.MaxTickCount = value;
    }

    /// <inheritdoc/>
    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
    {
        _inner.Regenerate(range, edge, size, paint, labelStyle);
        Tick[] ticks = _inner.Ticks;
        double[] majors = [.. ticks.Where(t => t.IsMajor).Select(t => t.Position).Order()];
        double step = Step(majors, range.Span);
        int decimals = Decimals(majors, step);
        Ticks = [.. ticks.Select(t => t.IsMajor ? new Tick(t.Position, Format(t.Position, decimals, step), true) : t)];
    }

    /// <summary>The smallest gap between adjacent major ticks (the span when there are fewer than two).</summary>
    internal static double Step(IReadOnlyList<double> sortedMajors, double span)
    {
        double step = double.PositiveInfinity;
        for (int i = 1; i < sortedMajors.Count; i++)
        {
            double gap = sortedMajors[i] - sortedMajors[i - 1];
            if (gap > 0) step = Math.Min(step, gap);
        }
        return double.IsFinite(step) ? step : Math.Abs(span);
    }

    /// <summary>The fewest decimals d ≤ 15 with |round(v, d) − v| ≤ 10⁻⁶·step for every position v.</summary>
    internal static int Decimals(IReadOnlyList<double> positions, double step)
    {
        if (!(step > 0) || !double.IsFinite(step)) return 0;
        for (int d = 0; d < 15; d++)
        {
            if (positions.All(v => Math.Abs(Math.Round(v, d) - v) <= 1e-6 * step)) return d;
        }
        return 15;
    }

    /// <summary>The value with thousands separators and <paramref name="decimals"/> decimals; "0", never "-0".</summary>
    internal static string Format(double value, int decimals, double step)
    {
        if (Math.Abs(value) <= 1e-9 * step) value = 0;
        return value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
