using System.Runtime.Intrinsics;
using Bgmm.Kernels;
using Bgmm.Numerics;
using Bgmm.Spatial;

namespace Bgmm.Tests.Kernels;

/// <summary>
/// The one vector layer: every width's primitives and the exp2/log2 built from them against the
/// library's <see cref="Math.Pow(double, double)"/> and <see cref="Math.Log2"/>, on the ranges the
/// kernels use and on their edge cases; and the reading of stored q rows.
/// </summary>
public class VectorLayerTests
{
    [Fact]
    public void EveryDoubleWidth_Exp2Log2AndConversions_MatchTheLibrary()
    {
        Check<OpsScalar, double>();
        if (Vector128.IsHardwareAccelerated) Check<Ops128Double, Vector128<double>>();
        if (Vector256.IsHardwareAccelerated) Check<Ops256Double, Vector256<double>>();
        if (Vector512.IsHardwareAccelerated) Check<Ops512Double, Vector512<double>>();
    }

    [Fact]
    public void EverySingleWidth_Exp2AndLog2_MeetTheFloatContract()
    {
        if (Vector128.IsHardwareAccelerated) CheckSingle<Ops128Single, Vector128<float>>();
        if (Vector256.IsHardwareAccelerated) CheckSingle<Ops256Single, Vector256<float>>();
        if (Vector512.IsHardwareAccelerated) CheckSingle<Ops512Single, Vector512<float>>();
    }

    [Fact]
    public void Exp2_FlushesTinyResultsAndMinusInfinityToExactlyZero()
    {
        foreach (double t in new[] { double.NegativeInfinity, -1e300, -5000, FastMath.Exp2MinDouble - 0.5 })
        {
            Assert.Equal(0.0, Simd<OpsScalar, double>.Exp2(t));
            Assert.Equal(0.0, Simd<Ops128Double, Vector128<double>>.Exp2(Vector128.Create(t)).GetElement(0));
            if (Vector512.IsHardwareAccelerated) Assert.Equal(0.0, Simd<Ops512Double, Vector512<double>>.Exp2(Vector512.Create(t)).GetElement(0));
        }
        Assert.Equal(1.0, Simd<Ops128Double, Vector128<double>>.Exp2(Vector128.Create(0.0)).GetElement(0));
        Assert.Equal(1.0, Simd<OpsScalar, double>.Exp2(0.0));
    }

    [Fact]
    public void MarginalRows_AreDistributions_ToDoubleRounding()
    {
        var rng = new RandomStream(3);
        for (int trial = 0; trial < 10_000; trial++)
        {
            int k = 1 + (int)rng.NextInt64(8);
            var q = new float[k];
            double[] raw = [.. Enumerable.Range(0, k).Select(_ => rng.NextDouble() < 0.2 ? 1e-40 * rng.NextDouble() : rng.NextDouble())];
            double total = raw.Sum();
            if (total == 0) continue;
            for (int c = 0; c < k; c++) q[c] = (float)(raw[c] / total);
            var row = new double[k];
            MarginalRows.Normalise(q, row);
            double sum = row.Sum();
            // |Σq − 1| ≤ K·2^-24, so the series 1 − e + e² is 1/Σq to ~e³ < 1e-20: the row sums to 1
            // within a few double roundings.
            Assert.True(Math.Abs(sum - 1) <= 8 * 1.2e-16, $"K = {k}: Σ = {sum:R}");
            for (int c = 0; c < k; c++) Assert.True(Math.Abs(row[c] - q[c] / q.Sum(v => (double)v)) <= 4.5e-16 * row[c]);
        }
    }

    private static void Check<TOps, TV>()
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged
    {
        int w = TOps.Count;
        var rng = new RandomStream((ulong)w);
        var input = new double[w];
        var singles = new float[w];
        var back = new float[w];
        double worstExp = 0, worstLog = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            // exp2: the softmax's arguments t − max ≤ 0 (in bits), −∞ for a component of weight 0.
            for (int i = 0; i < w; i++)
            {
                double u = rng.NextDouble();
                input[i] = u < 0.05 ? double.NegativeInfinity : u < 0.1 ? -590 - 20 * rng.NextDouble() : u < 0.15 ? -1e-3 * rng.NextDouble() : -60 * rng.NextDouble();
            }
            TV e = Simd<TOps, TV>.Exp2(TOps.LoadPlane(ref input[0]));
            for (int i = 0; i < w; i++)
            {
                double expected = input[i] < FastMath.Exp2MinDouble ? 0 : Math.Pow(2, input[i]);
                double error = expected == 0 ? TOps.Lane(e, i) : Math.Abs(TOps.Lane(e, i) - expected) / expected;
                worstExp = Math.Max(worstExp, error);
            }

            // log2: of a normalised q̃ ∈ (1e-46, 1], and of a softmax sum s ∈ [1, 16].
            for (int i = 0; i < w; i++)
            {
                double u = rng.NextDouble();
                input[i] = u < 0.2 ? Math.Pow(10, -46 * rng.NextDouble()) : u < 0.6 ? rng.NextDouble() + 1e-300 : 1 + 15 * rng.NextDouble();
            }
            TV l = Simd<TOps, TV>.Log2(TOps.LoadPlane(ref input[0]));
            for (int i = 0; i < w; i++)
            {
                double expected = Math.Log2(input[i]);
                worstLog = Math.Max(worstLog, Math.Abs(TOps.Lane(l, i) - expected) / Math.Max(Math.Abs(expected), 1));
            }

            // Float loads widen exactly; float stores round to nearest, as a cast.
            for (int i = 0; i < w; i++)
            {
                singles[i] = (float)(rng.NextDouble() * (rng.NextDouble() < 0.1 ? 1e-40 : 1));
                input[i] = rng.NextDouble() < 0.1 ? 1e-42 * rng.NextDouble() : rng.NextDouble();
            }
            TV loaded = TOps.LoadSingles(ref singles[0]);
            for (int i = 0; i < w; i++) Assert.Equal((double)singles[i], TOps.Lane(loaded, i));
            TOps.StoreSingles(TOps.LoadPlane(ref input[0]), ref back[0]);
            for (int i = 0; i < w; i++) Assert.Equal((float)input[i], back[i]);
            Assert.Equal(input.Any(double.IsNegativeInfinity), TOps.AnyNegativeInfinity(TOps.LoadPlane(ref input[0])));
            input[(int)rng.NextInt64(w)] = double.NegativeInfinity;
            Assert.True(TOps.AnyNegativeInfinity(TOps.LoadPlane(ref input[0])));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{TOps.Name}: exp2 worst relative {worstExp:E2}, log2 worst {worstLog:E2}");
        // The polynomials' truncation (exp2 4.7e-16, log2 1e-17, FastMath) plus a few ulps of rounding.
        Assert.True(worstExp < 1e-15, $"{TOps.Name} exp2 {worstExp:E2}");
        Assert.True(worstLog < 1e-15, $"{TOps.Name} log2 {worstLog:E2}");
    }

    private static void CheckSingle<TOps, TV>()
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged
    {
        int w = TOps.Count;
        var rng = new RandomStream((ulong)(100 + w));
        var input = new double[w];
        double worstExp = 0, worstLog = 0;
        for (int trial = 0; trial < 5000; trial++)
        {
            for (int i = 0; i < w; i++) input[i] = -40 * rng.NextDouble();
            TV e = Simd<TOps, TV>.Exp2(TOps.LoadPlane(ref input[0]));
            for (int i = 0; i < w; i++)
            {
                double t = (float)input[i];
                worstExp = Math.Max(worstExp, Math.Abs(TOps.Lane(e, i) - Math.Pow(2, t)) / Math.Pow(2, t));
            }
            for (int i = 0; i < w; i++) input[i] = 1 + 15 * rng.NextDouble();
            TV l = Simd<TOps, TV>.Log2(TOps.LoadPlane(ref input[0]));
            for (int i = 0; i < w; i++)
            {
                double s = (float)input[i];
                worstLog = Math.Max(worstLog, Math.Abs(TOps.Lane(l, i) - Math.Log2(s)) / Math.Max(Math.Log2(s), 1));
            }
        }
        // float32: a few ulps of 2^-24 (6e-8) on the result, the polynomials' truncation (4e-9, 2e-8) below it.
        Assert.True(worstExp < 5e-7, $"{TOps.Name} exp2 {worstExp:E2}");
        Assert.True(worstLog < 5e-7, $"{TOps.Name} log2 {worstLog:E2}");
    }
}
