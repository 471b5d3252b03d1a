using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class PreciseTicksTests
{
    [Theory]
    [InlineData(new[] { 270000.0, 270100.0, 270200.0 }, 0)]
    [InlineData(new[] { 270512.0, 270512.5, 270513.0 }, 1)]
    [InlineData(new[] { 270512.33, 270512.335, 270512.34 }, 3)]
    [InlineData(new[] { 0.25, 0.5, 0.75 }, 2)]
    public void Decimals_AreTheFewestThatReproduceEveryTick(double[] ticks, int expected)
    {
        double step = PreciseTicks.Step(ticks, ticks[^1] - ticks[0]);

        Assert.Equal(expected, PreciseTicks.Decimals(ticks, step));
    }

    [Fact]
    public void Labels_OfCloseTicksAroundALargeValue_AreDistinct()
    {
        double[] ticks = [270512.330, 270512.335, 270512.340, 270512.345];
        double step = PreciseTicks.Step(ticks, 0.015);
        int decimals = PreciseTicks.Decimals(ticks, step);

        string[] labels = [.. ticks.Select(t => PreciseTicks.Format(t, decimals, step))];

        Assert.Equal(["270,512.330", "270,512.335", "270,512.340", "270,512.345"], labels);
    }

    [Fact]
    public void Format_ZeroUpToRounding_IsPlainZero()
    {
        Assert.Equal("0.0", PreciseTicks.Format(-1e-17, 1, 0.1));
    }

    [Fact]
    public void Step_OfASingleTick_IsTheSpan()
    {
        Assert.Equal(3.0, PreciseTicks.Step([5.0], 3.0));
    }
}
