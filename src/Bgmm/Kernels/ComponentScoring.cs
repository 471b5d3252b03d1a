using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bgmm.Kernels;

/// <summary>
/// The one vectorised component log-density: for every row x of a block and every active component k,
/// in bits, t_k = c_k·log2 e − ‖Q_k (x − μ_k)‖² (<see cref="EStepModel.Log2Factors"/>): one triangular
/// mat-vec and a squared norm, nothing inverted. The statistics pass, the labeller, the entropy map
/// and the Potts sweeps all score through here; <see cref="ScalarKernel"/> is the scalar reference.
/// </summary>
/// <remarks>
/// Units: the parameters are filled in units of 1/s (<see cref="FillParameters"/>: s·μ_k and Q_k/s), so a
/// block whose coordinates are the stored values v = s·x (byte planes, s = 255) scores
/// Q_k/s·(v − s·μ_k) = Q_k(x − μ_k) without dividing each value. With s = 1 the parameters are exact.
/// </remarks>
internal static partial class Simd<TOps, TV>
{
    /// <summary>
    /// Per component in <paramref name="components"/>, in units of 1/<paramref name="scale"/>: scale·μ (D),
    /// the lower triangle of Q/scale row by row, c·log2 e — broadcast. Each scaled value is one rounding
    /// from the exact one (none when scale = 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FillParameters(EStepModel model, double scale, ReadOnlySpan<int> components, Span<TV> parameters)
    {
        int d = model.D, p = 0;
        foreach (int c in components)
        {
            for (int j = 0; j < d; j++) parameters[p++] = TOps.Broadcast(scale * model.Means[c * d + j]);
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j <= i; j++) parameters[p++] = TOps.Broadcast(model.Log2Factors[c * d * d + i * d + j] / scale);
            }
            parameters[p++] = TOps.Broadcast(model.Log2Constants[c]);
        }
    }

    /// <summary>
    /// Scores of the first <paramref name="vectors"/> vectors of the block into <see cref="KernelBlock{TV}.Scores"/>,
    /// and each row's largest score into <see cref="KernelBlock{TV}.Rows"/>. Returns the lowest row maximum
    /// (−∞ when some row has density 0 under every component).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Score(ref KernelBlock<TV> block, int vectors) =>
        block.SpecialiseD3 && block.Dimension == 3 ? ScoreD3(ref block, vectors) : ScoreGeneric(ref block, vectors);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TV ScoreD3(ref KernelBlock<TV> block, int vectors)
    {
        int active = block.Active, stride = block.Stride;
        ref TV p0 = ref MemoryMarshal.GetReference(block.Parameters);
        ref TV e0 = ref MemoryMarshal.GetReference(block.Scores);
        ref TV a0 = ref MemoryMarshal.GetReference(block.Coordinates);
        ref TV a1 = ref Unsafe.Add(ref a0, stride);
        ref TV a2 = ref Unsafe.Add(ref a0, 2 * stride);
        ref TV s0 = ref MemoryMarshal.GetReference(block.Rows);
        TV lowest = TOps.Zero;
        TV negativeInfinity = TOps.Broadcast(double.NegativeInfinity);
        int i = 0;
        for (; i + 1 < vectors; i += 2)
        {
            // Two vectors at once: twice the independent work in flight per component.
            TV u0 = Unsafe.Add(ref a0, i), u1 = Unsafe.Add(ref a1, i), u2 = Unsafe.Add(ref a2, i);
            TV v0 = Unsafe.Add(ref a0, i + 1), v1 = Unsafe.Add(ref a1, i + 1), v2 = Unsafe.Add(ref a2, i + 1);
            TV mu = negativeInfinity, mv = negativeInfinity;
            ref TV p = ref p0;
            ref TV slot = ref Unsafe.Add(ref e0, i);
            for (int a = 0; a < active; a++)
            {
                TV tu = ExponentD3(ref p, u0, u1, u2);
                TV tv = ExponentD3(ref p, v0, v1, v2);
                Unsafe.Add(ref slot, a * stride) = tu;
                Unsafe.Add(ref slot, a * stride + 1) = tv;
                mu = TOps.Max(mu, tu);
                mv = TOps.Max(mv, tv);
                p = ref Unsafe.Add(ref p, 10);
            }
            lowest = TOps.Min(lowest, TOps.Min(mu, mv));
            Unsafe.Add(ref s0, i) = mu;
            Unsafe.Add(ref s0, i + 1) = mv;
        }
        for (; i < vectors; i++)
        {
            TV v0 = Unsafe.Add(ref a0, i), v1 = Unsafe.Add(ref a1, i), v2 = Unsafe.Add(ref a2, i);
            TV m = negativeInfinity;
            ref TV p = ref p0;
            ref TV slot = ref Unsafe.Add(ref e0, i);
            for (int a = 0; a < active; a++)
            {
                TV t = ExponentD3(ref p, v0, v1, v2);
                Unsafe.Add(ref slot, a * stride) = t;
                m = TOps.Max(m, t);
                p = ref Unsafe.Add(ref p, 10);
            }
            lowest = TOps.Min(lowest, m);
            Unsafe.Add(ref s0, i) = m;
        }
        return lowest;
    }

    /// <summary>t = c·log2 e − ‖Q (x − μ)‖² for D = 3, parameters at <paramref name="p"/> (μ, Q's lower triangle, c·log2 e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExponentD3(ref TV p, TV x0, TV x1, TV x2)
    {
        TV d0 = TOps.Subtract(x0, p);
        TV d1 = TOps.Subtract(x1, Unsafe.Add(ref p, 1));
        TV d2 = TOps.Subtract(x2, Unsafe.Add(ref p, 2));
        TV y0 = TOps.Multiply(Unsafe.Add(ref p, 3), d0);
        TV y1 = TOps.MultiplyAdd(Unsafe.Add(ref p, 4), d0, TOps.Multiply(Unsafe.Add(ref p, 5), d1));
        TV y2 = TOps.MultiplyAdd(Unsafe.Add(ref p, 6), d0,
            TOps.MultiplyAdd(Unsafe.Add(ref p, 7), d1, TOps.Multiply(Unsafe.Add(ref p, 8), d2)));
        TV t = TOps.NegatedMultiplyAdd(y0, y0, Unsafe.Add(ref p, 9));
        t = TOps.NegatedMultiplyAdd(y1, y1, t);
        return TOps.NegatedMultiplyAdd(y2, y2, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TV ScoreGeneric(ref KernelBlock<TV> block, int vectors)
    {
        int d = block.Dimension, active = block.Active, stride = block.Stride;
        int perComponent = KernelLayout.ParametersPerComponent(d);
        Span<TV> centred = block.Work[..d];
        ReadOnlySpan<TV> coordinates = block.Coordinates;
        ReadOnlySpan<TV> parameters = block.Parameters;
        Span<TV> scores = block.Scores;
        TV lowest = TOps.Zero;
        for (int i = 0; i < vectors; i++)
        {
            TV m = TOps.Broadcast(double.NegativeInfinity);
            for (int a = 0; a < active; a++)
            {
                ReadOnlySpan<TV> p = parameters.Slice(a * perComponent, perComponent);
                for (int j = 0; j < d; j++) centred[j] = TOps.Subtract(coordinates[j * stride + i], p[j]);
                TV t = p[perComponent - 1];
                int q = d;
                for (int r = 0; r < d; r++)
                {
                    TV y = TOps.Zero;
                    for (int b = 0; b <= r; b++) y = TOps.MultiplyAdd(p[q++], centred[b], y);
                    t = TOps.NegatedMultiplyAdd(y, y, t);
                }
                scores[a * stride + i] = t;
                m = TOps.Max(m, t);
            }
            lowest = TOps.Min(lowest, m);
            block.Rows[i] = m;
        }
        return lowest;
    }
}
