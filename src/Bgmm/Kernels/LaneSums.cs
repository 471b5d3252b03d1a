using System.Runtime.CompilerServices;

namespace Bgmm.Kernels;

/// <summary>
/// From a kernel's per-lane float64 sums (<see cref="KernelBlock{TV}.Lanes"/>) to the layout of
/// <see cref="MixtureStatistics"/>: each sum taken over its lanes in lane order (so a result depends on
/// the rows alone, never on the thread that ran them), back in the data's units (÷ s, ÷ s²) and moved
/// from the shift the lanes subtracted, fl(s·μ_k)/s, to μ_k by an exactly computed δ (<see cref="ShiftOffsets"/>).
/// Each of these steps rounds once per call, not per row. For double columns (s = 1) in float64 every
/// step is exact.
/// </summary>
internal static partial class Simd<TOps, TV>
{
    /// <summary>
    /// Adds the moments summed in <paramref name="lanes"/> (K × moments, lane-major per sum) to
    /// <paramref name="statistics"/> as shifted moments about c_k (<see cref="EStepModel.Shifts"/>): [Σr, Σr(x − c_k), upper triangle of Σr(x − c_k)(x − c_k)ᵀ].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddMoments(EStepModel model, double scale, ReadOnlySpan<double> lanes, Span<double> statistics)
    {
        int k = model.K, d = model.D, n = TOps.Count;
        int moments = KernelLayout.MomentsPerComponent(d);
        int layoutStride = MixtureStatistics.Stride(d);
        double scale2 = scale * scale;
        Span<double> s1 = stackalloc double[d];
        Span<double> delta = stackalloc double[d];
        for (int c = 0; c < k; c++)
        {
            Span<double> target = statistics.Slice(c * layoutStride, layoutStride);
            int lane = c * moments;
            double count = SumLanes(lanes, lane++, n);
            for (int i = 0; i < d; i++) s1[i] = SumLanes(lanes, lane++, n) / scale;
            bool shifted = ShiftOffsets(model, c, scale, delta);
            target[0] += count;
            if (!shifted)
            {
                for (int i = 0; i < d; i++) target[1 + i] += s1[i];
                for (int i = 0; i < d; i++)
                {
                    for (int j = i; j < d; j++) target[1 + d + i * d + j] += SumLanes(lanes, lane++, n) / scale2;
                }
                continue;
            }
            // About μ rather than the used shift μ + δ: Σr(x − μ) = Σr(x − μ − δ) + Nδ, and
            // Σr(x − μ)(x − μ)ᵀ = Σr(x − μ − δ)(x − μ − δ)ᵀ + Σr(x − μ − δ)δᵀ + δΣr(x − μ − δ)ᵀ + Nδδᵀ.
            for (int i = 0; i < d; i++) target[1 + i] += s1[i] + count * delta[i];
            for (int i = 0; i < d; i++)
            {
                for (int j = i; j < d; j++)
                {
                    double second = SumLanes(lanes, lane++, n) / scale2;
                    target[1 + d + i * d + j] += second + delta[i] * s1[j] + s1[i] * delta[j] + count * delta[i] * delta[j];
                }
            }
        }
    }

    /// <summary>The sum of lane group <paramref name="index"/> (<paramref name="lanesPerVector"/> lanes), in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumLanes(ReadOnlySpan<double> lanes, int index, int lanesPerVector)
    {
        double sum = 0;
        foreach (double v in lanes.Slice(index * lanesPerVector, lanesPerVector)) sum += v;
        return sum;
    }

    /// <summary>
    /// δ = (the shift the lanes subtracted) − μ_k, in the data's units: the lanes subtract scale·μ_k
    /// rounded to double and then to the lane type. δ is 0 for double columns in float64; otherwise
    /// ~1e-16 (float64) or ~3e-8 (float32) relative to μ_k, and computed exactly up to one rounding (the
    /// product's error by a fused multiply-add). Returns whether any δ is non-zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ShiftOffsets(EStepModel model, int component, double scale, Span<double> delta)
    {
        int d = model.D;
        bool any = false;
        for (int i = 0; i < d; i++)
        {
            double mean = model.Shifts[component * d + i];
            double used = TOps.Lane(TOps.Broadcast(scale * mean), 0);
            delta[i] = Math.FusedMultiplyAdd(-scale, mean, used) / scale;
            any |= delta[i] != 0;
        }
        return any;
    }
}
