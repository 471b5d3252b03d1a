using Bgmm.Numerics;
using Bgmm.Tests.Reference;

namespace Bgmm.Tests.Core;

public class SpecialFunctionsTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(3.0, 0.69314718055994530942)]
    [InlineData(0.5, 0.57236494292470008707)]
    [InlineData(10.0, 12.801827480081469611)]
    [InlineData(100.0, 359.13420536957539878)]
    [InlineData(1e-3, 6.9071788853838536)]
    public void LogGamma_KnownValues(double x, double expected)
    {
        // 2e-15 absolute plus relative: a few units in the last place of the result.
        Assert.True(Math.Abs(SpecialFunctions.LogGamma(x) - expected) <= 2e-15 * (1 + Math.Abs(expected)));
    }

    [Fact]
    public void LogGamma_AgreesWithLanczos_OverTheRangeTheFitUses()
    {
        for (double x = 0.05; x < 3000; x *= 1.07)
        {
            double a = SpecialFunctions.LogGamma(x), b = SlowEm.LanczosLogGamma(x);
            // Lanczos (g = 7) is good to ~1e-15 relative, about 1e-14 absolute for large values.
            Assert.True(Math.Abs(a - b) <= 1e-13 * (1 + Math.Abs(b)), $"x = {x}: {a:R} vs {b:R}");
        }
    }

    [Fact]
    public void LogMultivariateGamma_ReducesToLogGammaInOneDimension_AndFollowsTheProductForm()
    {
        Assert.Equal(SpecialFunctions.LogGamma(2.5), SpecialFunctions.LogMultivariateGamma(2.5, 1));
        double expected = 3 * 2 / 4.0 * Math.Log(Math.PI) + SpecialFunctions.LogGamma(2) + SpecialFunctions.LogGamma(1.5) + SpecialFunctions.LogGamma(1);
        Assert.Equal(expected, SpecialFunctions.LogMultivariateGamma(2, 3), 14);
    }

    [Fact]
    public void LogGamma_RejectsNonPositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.LogGamma(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.LogGamma(double.NaN));
    }
}
