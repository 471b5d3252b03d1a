using System.Runtime.Intrinsics;
using Bgmm.Kernels;
using Bgmm.Numerics;

namespace Bgmm.Tests.Kernels;

/// <summary>The kernels' exp2 and log2 against the library's, on the ranges the kernels use.</summary>
public class FastMathTests
{
    [Fact]
    public void Exp2AndLog2_Double_AreAccurateToAFewUlps()
    {
        var rng = new RandomStream(5);
        double worstExp = 0, worstLog = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double t = -60 * rng.NextDouble();
            double e = Ops512Or256Exp2(t);
            worstExp = Math.Max(worstExp, Math.Abs(e - Math.Pow(2, t)) / Math.Pow(2, t));
            double s = 1 + 15 * rng.NextDouble();
            worstLog = Math.Max(worstLog, Math.Abs(Ops512Or256Log2(s) - Math.Log2(s)) / Math.Max(Math.Log2(s), 1));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"exp2 worst relative {worstExp:E2}, log2 worst {worstLog:E2}");
        // Truncation bounds 6.5e-15 (exp2, degree 11) and 1e-17 (log2) plus a few ulps of rounding.
        Assert.True(worstExp < 1e-14, $"exp2 {worstExp:E2}");
        Assert.True(worstLog < 1e-15, $"log2 {worstLog:E2}");
    }

    [Fact]
    public void Exp2_FlushesTinyResultsAndMinusInfinityToExactlyZero()
    {
        foreach (double t in new[] { double.NegativeInfinity, -1e300, -5000, FastMath.Exp2MinDouble - 0.5 })
        {
            Assert.Equal(0.0, Ops128.Exp2(Vector128.Create(t)).GetElement(0));
            if (Vector512.IsHardwareAccelerated) Assert.Equal(0.0, Ops512Double.Exp2(Vector512.Create(t)).GetElement(0));
        }
        Assert.Equal(1.0, Ops128.Exp2(Vector128.Create(0.0)).GetElement(0));
        Assert.Equal(1.0, Ops512Or256Exp2(0.0));
    }

    private static double Ops512Or256Exp2(double t) => Vector512.IsHardwareAccelerated
        ? Ops512Double.Exp2(Vector512.Create(t)).GetElement(0)
        : Ops128.Exp2(Vector128.Create(t)).GetElement(0);

    private static double Ops512Or256Log2(double s) => Vector512.IsHardwareAccelerated
        ? Ops512Double.Log2(Vector512.Create(s)).GetElement(0)
        : Ops128.Log2(Vector128.Create(s)).GetElement(0);

    private static class Ops128
    {
        public static Vector128<double> Exp2(Vector128<double> t) => Ops128Double.Exp2(t);

        public static Vector128<double> Log2(Vector128<double> s) => Ops128Double.Log2(s);
    }
}
