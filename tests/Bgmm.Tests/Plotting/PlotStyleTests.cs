using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class PlotStyleTests
{
    [Fact]
    public void ComponentColors_AreDistinctAndNeverTheMeansRed()
    {
        var colors = Enumerable.Range(0, 40).Select(PlotStyle.ComponentColor).ToList();

        Assert.Equal(colors.Count, colors.Distinct().Count());
        Assert.DoesNotContain(PlotStyle.MeanColor, colors);
    }

    [Fact]
    public void PaddedRange_OfAConstant_IsFiniteAndContainsIt()
    {
        (double low, double high) = PlotStyle.PaddedRange([2.7e5, 2.7e5]);

        Assert.True(low < 2.7e5 && 2.7e5 < high);
        Assert.True(double.IsFinite(low) && double.IsFinite(high));
    }

    [Fact]
    public void PaddedRange_AddsHeadroomOnTopOnly()
    {
        (double low, double high) = PlotStyle.PaddedRange([0.0, 10.0], headroom: 0.5);

        // 8 % of the span below; 8 % plus the 50 % headroom above; 1e-12 covers the roundings of 0.08·10.
        Assert.Equal(-0.8, low, 1e-12);
        Assert.Equal(15.8, high, 1e-12);
    }
}
