using System.Runtime.Intrinsics;
using Bgmm.Numerics;
using Bgmm.Spatial;

namespace Bgmm.Tests.Spatial;

/// <summary>
/// The vector widths of the site update against its scalar lanes (<see cref="Math.Exp"/>,
/// <see cref="Math.Log(double)"/>), on many random inputs including the edge cases the kernel meets.
/// </summary>
public class LanesTests
{
    [Fact]
    public void EveryWidth_MatchesScalar()
    {
        Check<Lanes128, Vector128<double>>();
        Check<Lanes256, Vector256<double>>();
        Check<Lanes512, Vector512<double>>();
    }

    [Fact]
    public void StridedCopy_EveryWidth_CopiesEveryValueOrEverySecond()
    {
        // Every start, count and source length up to 70, so that the vector loop's guard (its load
        // must end inside the source) and the scalar tail are both exercised.
        for (int length = 1; length <= 70; length++)
        {
            double[] doubles = [.. Enumerable.Range(0, length).Select(i => i + 0.5)];
            float[] floats = [.. Enumerable.Range(0, length).Select(i => i + 0.25f)];
            foreach (LaneWidth width in new[] { LaneWidth.Scalar, LaneWidth.V128, LaneWidth.V256, LaneWidth.V512 })
            {
                for (int step = 1; step <= 2; step++)
                {
                    for (int start = 0; start < length; start++)
                    {
                        int count = (length - start + step - 1) / step;
                        var d = new double[count + 8];
                        var f = new float[count + 8];
                        StridedCopy.Copy(doubles, start, step, d, count, width);
                        StridedCopy.Copy(floats, start, step, f, count, width);
                        for (int i = 0; i < count; i++)
                        {
                            Assert.Equal(doubles[start + step * i], d[i]);
                            Assert.Equal(floats[start + step * i], f[i]);
                        }
                    }
                }
            }
        }
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

    private static void Check<TL, TV>()
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        int w = TL.Count;
        var rng = new RandomStream((ulong)w);
        var input = new double[w];
        var output = new double[w];
        var singles = new float[w + 16];
        for (int trial = 0; trial < 2000; trial++)
        {
            // exp: the softmax's arguments a − max ∈ [−800, 0], −∞ for a component of weight 0.
            for (int i = 0; i < w; i++)
            {
                double u = rng.NextDouble();
                input[i] = u < 0.05 ? double.NegativeInfinity : u < 0.1 ? -690 - 100 * rng.NextDouble() : u < 0.15 ? -1e-3 * rng.NextDouble() : -60 * rng.NextDouble();
            }
            TL.Store(TL.Exp(TL.Load(ref input[0])), ref output[0]);
            for (int i = 0; i < w; i++)
            {
                double expected = Math.Exp(input[i]);
                // 2 ulp (4.4e-16 relative); results below 2^-1022 may be flushed to 0.
                Assert.True(Math.Abs(output[i] - expected) <= 4.5e-16 * expected || (expected < 2.3e-308 && output[i] <= expected),
                    $"exp({input[i]:R}) = {output[i]:R}, expected {expected:R}");
            }

            // log: of a normalised q̃ ∈ (1e-46, 1].
            for (int i = 0; i < w; i++) input[i] = rng.NextDouble() < 0.2 ? Math.Pow(10, -46 * rng.NextDouble()) : rng.NextDouble() + 1e-300;
            TL.Store(TL.Log(TL.Load(ref input[0])), ref output[0]);
            for (int i = 0; i < w; i++)
            {
                double expected = Math.Log(input[i]);
                Assert.True(Math.Abs(output[i] - expected) <= 4.5e-16 * Math.Abs(expected) + 1e-300, $"log({input[i]:R}) = {output[i]:R}, expected {expected:R}");
            }

            // Rounding to float32, widening float32, selecting, detecting −∞, summing.
            for (int i = 0; i < w; i++)
            {
                input[i] = rng.NextDouble() < 0.1 ? 1e-42 * rng.NextDouble() : rng.NextDouble();
                singles[i] = (float)(rng.NextDouble() * (rng.NextDouble() < 0.1 ? 1e-40 : 1));
            }
            TL.Store(TL.RoundToSingle(TL.Load(ref input[0])), ref output[0]);
            for (int i = 0; i < w; i++) Assert.Equal((double)(float)input[i], output[i]);
            TL.Store(TL.LoadSingles(ref singles[0]), ref output[0]);
            for (int i = 0; i < w; i++) Assert.Equal((double)singles[i], output[i]);
            for (int i = 0; i < w; i++) input[i] = rng.NextDouble() < 0.5 ? 0.0 : rng.NextDouble();
            TL.Store(TL.WherePositive(TL.Load(ref input[0]), TL.Broadcast(double.NaN)), ref output[0]);
            for (int i = 0; i < w; i++) Assert.Equal(input[i] > 0, double.IsNaN(output[i]));
            Assert.Equal(input.Any(double.IsNegativeInfinity), TL.AnyNegativeInfinity(TL.Load(ref input[0])));
            input[(int)rng.NextInt64(w)] = double.NegativeInfinity;
            Assert.True(TL.AnyNegativeInfinity(TL.Load(ref input[0])));
            for (int i = 0; i < w; i++) input[i] = rng.NextDouble();
            Assert.True(Math.Abs(TL.Sum(TL.Load(ref input[0])) - input.Sum()) <= 4e-16 * w);
        }
    }
}
