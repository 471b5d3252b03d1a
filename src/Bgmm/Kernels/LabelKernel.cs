using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bgmm.Kernels;

/// <summary>
/// Labels every row with argmax_k r_nk = argmax_k log π_k N(x_n | μ_k, Σ_k) (ties to the lowest k):
/// the E-step's first half in bits (<see cref="EStepModel.Log2Factors"/>), no exponentials, one byte
/// per row, in float64 on the widest accelerated vectors, in parallel over fixed chunks. The scores
/// are the natural-log ones times log2 e, so a tie within a few ulps may resolve differently from
/// <see cref="GaussianMixture.Predict(ReadOnlySpan{double})"/>; exact ties go to the lowest k in both.
/// </summary>
/// <remarks>
/// Byte planes (<see cref="Dataset.FromBytePlanes"/>) are widened in registers and divided by the
/// plane scale lane by lane: the IEEE quotient, so every coordinate and score, and hence every label,
/// is bit for bit the one of double columns holding v / s. (The statistics kernel avoids that division
/// by working in units of 1/s; labelling runs once per fit, where exact agreement is worth the few
/// divisions per row.)
/// </remarks>
internal static class LabelKernel
{
    /// <summary>Rows per parallel chunk (below two chunks the caller's thread does all).</summary>
    public const int ChunkRows = 1 << 16;

    public static unsafe void Label(EStepModel model, Dataset data, Span<byte> labels)
    {
        int n = data.Count;
        int chunks = (n + ChunkRows - 1) / ChunkRows;
        if (chunks < 2 || Environment.ProcessorCount == 1)
        {
            LabelRange(model, data, 0, n, labels);
            return;
        }
        fixed (byte* pointer = labels)
        {
            nint address = (nint)pointer;
            Parallel.For(0, chunks, chunk =>
            {
                int start = chunk * ChunkRows, end = Math.Min(n, start + ChunkRows);
                LabelRange(model, data, start, end, new Span<byte>((byte*)address, n));
            });
        }
    }

    /// <summary>Rows [start, end) on the widest accelerated width (or <paramref name="width"/>).</summary>
    public static void LabelRange(EStepModel model, Dataset data, int start, int end, Span<byte> labels, KernelWidth? width = null)
    {
        if (data.HasBytePlanes)
            start = LabelVectors<BytePlaneReader>(model, data, start, end, labels, width ?? KernelSelector.BestWidth);
        else
            start = LabelVectors<DoublePlaneReader>(model, data, start, end, labels, width ?? KernelSelector.BestWidth);
        LabelScalar(model, data, start, end, labels);
    }

    /// <summary>Whole vectors of rows on <paramref name="width"/>; returns the first row left.</summary>
    private static int LabelVectors<TPlanes>(EStepModel model, Dataset data, int start, int end, Span<byte> labels, KernelWidth width)
        where TPlanes : struct, IPlaneReader => width switch
    {
        KernelWidth.Vector512 => LabelVectors<Ops512Double, Vector512<double>, TPlanes>(model, data, start, end, labels),
        KernelWidth.Vector256 => LabelVectors<Ops256Double, Vector256<double>, TPlanes>(model, data, start, end, labels),
        KernelWidth.Vector128 => LabelVectors<Ops128Double, Vector128<double>, TPlanes>(model, data, start, end, labels),
        _ => start,
    };

    /// <summary>Whole vectors of rows from <paramref name="start"/>; returns the first row left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int LabelVectors<TOps, TV, TPlanes>(EStepModel model, Dataset data, int start, int end, Span<byte> labels)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged
        where TPlanes : struct, IPlaneReader
    {
        Array[] planes = data.Planes;
        TV scale = TOps.Broadcast(data.PlaneScale);
        int k = model.K, d = model.D, lanes = TOps.Count;
        int perComponent = d + d * (d + 1) / 2 + 1;
        Span<TV> parameters = k * perComponent <= 256 ? stackalloc TV[k * perComponent] : new TV[k * perComponent];
        Span<TV> centred = d <= 16 ? stackalloc TV[d] : new TV[d];
        Span<TV> point = d <= 16 ? stackalloc TV[d] : new TV[d];
        int p = 0;
        for (int c = 0; c < k; c++)
        {
            for (int j = 0; j < d; j++) parameters[p++] = TOps.Broadcast(model.Means[c * d + j]);
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j <= i; j++) parameters[p++] = TOps.Broadcast(model.Log2Factors[c * d * d + i * d + j]);
            }
            parameters[p++] = TOps.Broadcast(model.Log2Constants[c]);
        }

        int row = start;
        for (; end - row >= lanes; row += lanes)
        {
            for (int j = 0; j < d; j++)
            {
                TV v = TPlanes.Load<TOps, TV>(ref MemoryMarshal.GetArrayDataReference(planes[j]), row);
                // Bytes: v / s by IEEE division, exactly the dataset's coordinate.
                point[j] = TPlanes.Converts ? TOps.Divide(v, scale) : v;
            }
            TV best = TOps.Zero, index = TOps.Zero;
            for (int c = 0; c < k; c++)
            {
                ReadOnlySpan<TV> q = parameters.Slice(c * perComponent, perComponent);
                for (int j = 0; j < d; j++) centred[j] = TOps.Subtract(point[j], q[j]);
                TV t = q[perComponent - 1];
                int at = d;
                for (int i = 0; i < d; i++)
                {
                    TV y = TOps.Zero;
                    for (int j = 0; j <= i; j++) y = TOps.MultiplyAdd(q[at++], centred[j], y);
                    t = TOps.NegatedMultiplyAdd(y, y, t);
                }
                if (c == 0)
                {
                    best = t;
                }
                else
                {
                    // Strictly greater: ties keep the lower k.
                    index = TOps.SelectGreater(t, best, TOps.Broadcast(c), index);
                    best = TOps.Max(t, best);
                }
            }
            ref byte target = ref MemoryMarshal.GetReference(labels);
            for (int i = 0; i < lanes; i++) Unsafe.Add(ref target, row + i) = (byte)TOps.Lane(index, i);
        }
        return row;
    }

    private static void LabelScalar(EStepModel model, Dataset data, int start, int end, Span<byte> labels)
    {
        int k = model.K, d = model.D;
        Span<double> centred = d <= 64 ? stackalloc double[d] : new double[d];
        for (int row = start; row < end; row++)
        {
            double best = double.NegativeInfinity;
            int label = 0;
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < d; j++) centred[j] = data[row, j] - model.Means[c * d + j];
                double t = model.Log2Constants[c];
                for (int i = 0; i < d; i++)
                {
                    double y = 0;
                    for (int j = 0; j <= i; j++) y += model.Log2Factors[c * d * d + i * d + j] * centred[j];
                    t -= y * y;
                }
                if (c == 0 || t > best)
                {
                    best = t;
                    label = c;
                }
            }
            labels[row] = (byte)label;
        }
    }
}
