using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bgmm.Kernels;

/// <summary>How a kernel's block turns its scores row into each row's weight r_k (see <see cref="Simd{TOps, TV}"/>).</summary>
internal interface IRowWeights
{
    /// <summary>r from the value in the scores row and the block's per-row value.</summary>
    static abstract TV Weight<TOps, TV>(TV score, TV row)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged;
}

/// <summary>r = e_k · (w/s): the scores row holds exponentials, the rows hold each row's scale (the statistics pass).</summary>
internal readonly struct ScaledRows : IRowWeights
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Weight<TOps, TV>(TV score, TV row)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged => TOps.Multiply(score, row);
}

/// <summary>r = the scores row itself: it already holds the weights (the Potts sweeps' q).</summary>
internal readonly struct PlainRows : IRowWeights
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Weight<TOps, TV>(TV score, TV row)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged => score;
}

/// <summary>
/// The one vectorised moment accumulation: for every active component, over a block's rows,
/// Σr, Σr·d and the upper triangle of Σr·d·dᵀ with d = x − c_k (moments about the block's shift c_k,
/// <see cref="KernelBlock{TV}.Shifts"/>: the current mean, or the chunk's own mean when that is far from it;
/// exact when data sit far from the origin), added to the block's per-lane float64 sums after every block.
/// <see cref="Simd{TOps, TV}"/> turns the lanes into <see cref="MixtureStatistics"/>' layout.
/// </summary>
internal static partial class Simd<TOps, TV>
{
    /// <summary>Adds the first <paramref name="vectors"/> vectors' moments to the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate<TWeights>(ref KernelBlock<TV> block, int vectors)
        where TWeights : struct, IRowWeights
    {
        if (block.SpecialiseD3 && block.Dimension == 3)
            AccumulateD3<TWeights>(ref block, vectors);
        else
            AccumulateGeneric<TWeights>(ref block, vectors);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateD3<TWeights>(ref KernelBlock<TV> block, int vectors)
        where TWeights : struct, IRowWeights
    {
        int stride = block.Stride, lanesPerVector = TOps.Count;
        ref TV p0 = ref MemoryMarshal.GetReference(block.Shifts);
        ref TV e0 = ref MemoryMarshal.GetReference(block.Scores);
        ref TV a0 = ref MemoryMarshal.GetReference(block.Coordinates);
        ref TV a1 = ref Unsafe.Add(ref a0, stride);
        ref TV a2 = ref Unsafe.Add(ref a0, 2 * stride);
        ref TV s0 = ref MemoryMarshal.GetReference(block.Rows);
        for (int a = 0; a < block.Active; a++)
        {
            ref TV p = ref Unsafe.Add(ref p0, a * 3);
            TV mu0 = p, mu1 = Unsafe.Add(ref p, 1), mu2 = Unsafe.Add(ref p, 2);
            TV sn = TOps.Zero, sx0 = TOps.Zero, sx1 = TOps.Zero, sx2 = TOps.Zero;
            TV q00 = TOps.Zero, q01 = TOps.Zero, q02 = TOps.Zero, q11 = TOps.Zero, q12 = TOps.Zero, q22 = TOps.Zero;
            ref TV ea = ref Unsafe.Add(ref e0, a * stride);
            for (int j = 0; j < vectors; j++)
            {
                TV r = TWeights.Weight<TOps, TV>(Unsafe.Add(ref ea, j), Unsafe.Add(ref s0, j));
                TV d0 = TOps.Subtract(Unsafe.Add(ref a0, j), mu0);
                TV d1 = TOps.Subtract(Unsafe.Add(ref a1, j), mu1);
                TV d2 = TOps.Subtract(Unsafe.Add(ref a2, j), mu2);
                sn = TOps.Add(sn, r);
                TV rd0 = TOps.Multiply(r, d0);
                sx0 = TOps.Add(sx0, rd0);
                q00 = TOps.MultiplyAdd(rd0, d0, q00);
                q01 = TOps.MultiplyAdd(rd0, d1, q01);
                q02 = TOps.MultiplyAdd(rd0, d2, q02);
                TV rd1 = TOps.Multiply(r, d1);
                sx1 = TOps.Add(sx1, rd1);
                q11 = TOps.MultiplyAdd(rd1, d1, q11);
                q12 = TOps.MultiplyAdd(rd1, d2, q12);
                TV rd2 = TOps.Multiply(r, d2);
                sx2 = TOps.Add(sx2, rd2);
                q22 = TOps.MultiplyAdd(rd2, d2, q22);
            }
            ref double l = ref block.Lanes[block.ComponentIndex[a] * 10 * lanesPerVector];
            TOps.AddToLanes(ref l, sn);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 1 * lanesPerVector), sx0);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 2 * lanesPerVector), sx1);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 3 * lanesPerVector), sx2);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 4 * lanesPerVector), q00);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 5 * lanesPerVector), q01);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 6 * lanesPerVector), q02);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 7 * lanesPerVector), q11);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 8 * lanesPerVector), q12);
            TOps.AddToLanes(ref Unsafe.Add(ref l, 9 * lanesPerVector), q22);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateGeneric<TWeights>(ref KernelBlock<TV> block, int vectors)
        where TWeights : struct, IRowWeights
    {
        int d = block.Dimension, stride = block.Stride, lanesPerVector = TOps.Count;
        int moments = KernelLayout.MomentsPerComponent(d);
        Span<TV> centred = block.Work[..d];
        Span<TV> sums = block.Work.Slice(d, moments);
        ReadOnlySpan<TV> coordinates = block.Coordinates;
        ReadOnlySpan<TV> scores = block.Scores;
        ReadOnlySpan<TV> rows = block.Rows;
        for (int a = 0; a < block.Active; a++)
        {
            ReadOnlySpan<TV> mu = block.Shifts.Slice(a * d, d);
            sums.Clear();
            for (int i = 0; i < vectors; i++)
            {
                TV r = TWeights.Weight<TOps, TV>(scores[a * stride + i], rows[i]);
                for (int j = 0; j < d; j++) centred[j] = TOps.Subtract(coordinates[j * stride + i], mu[j]);
                sums[0] = TOps.Add(sums[0], r);
                int s = 1 + d;
                for (int b = 0; b < d; b++)
                {
                    TV rd = TOps.Multiply(r, centred[b]);
                    sums[1 + b] = TOps.Add(sums[1 + b], rd);
                    for (int c = b; c < d; c++, s++) sums[s] = TOps.MultiplyAdd(rd, centred[c], sums[s]);
                }
            }
            int component = block.ComponentIndex[a];
            for (int j = 0; j < moments; j++)
            {
                TOps.AddToLanes(ref block.Lanes[(component * moments + j) * lanesPerVector], sums[j]);
            }
        }
    }
}
