using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bgmm.Kernels;

/// <summary>
/// Per-row summaries of the posterior at fixed parameters, in one pass over the rows: the label
/// argmax_k r_nk (ties to the lowest k) and the entropy −Σ_k r_nk ln r_nk, from the shared scoring
/// (<see cref="Simd{TOps, TV}"/>) in float64 on the widest accelerated width, in parallel over
/// fixed chunks of <see cref="ChunkRows"/> rows.
/// </summary>
/// <remarks>
/// Rows are loaded as their exact coordinates (byte planes divided by the plane scale, the IEEE quotient),
/// so every score, and hence every label, is bit for bit the one of double columns holding v / s. The
/// scores are the natural-log ones times log2 e, so a tie within a few ulps may resolve differently from
/// <see cref="GaussianMixture.Predict(ReadOnlySpan{double})"/>; exact ties go to the lowest k in both. The
/// entropy needs no logarithm per component: with e_k = 2^{t_k − m} and s = Σ e_k,
/// H = ln 2 · (log2 s − Σ_k (e_k/s)(t_k − m)), a sum of two non-negative terms.
/// </remarks>
internal static unsafe class LabelKernel
{
    /// <summary>Rows per parallel item.</summary>
    public const int ChunkRows = 1 << 16;

    /// <summary>
    /// Labels (when <paramref name="labels"/> is not empty) and entropies in nats (when
    /// <paramref name="entropy"/> is not empty) of every row, on <paramref name="threads"/> threads (0 = all cores).
    /// </summary>
    public static void Summarise<TLabel>(EStepModel model, Dataset data, Span<TLabel> labels, Span<float> entropy, int threads)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        fixed (TLabel* l = labels)
        fixed (float* h = entropy)
        {
            var work = new Work<TLabel>(model, data, l, labels.Length, h, entropy.Length, null);
            WorkPartitioner.RunOnce(threads, Chunks(data), work);
        }
    }

    /// <summary>Rows per partial sum of the entropy: the statistics' chunk, so that blocks of whole chunks fold to the same total.</summary>
    public const int EntropyChunkRows = StatisticsAccumulator.ChunkRows;

    /// <summary>
    /// <paramref name="total"/> plus the weighted classification entropy Σ_n w_n H_n (nats) of the rows, summed
    /// over fixed chunks of <see cref="EntropyChunkRows"/> rows added in order: data read in blocks of whole
    /// chunks, folded block after block, gives the total of the whole bit for bit.
    /// </summary>
    public static double Entropy(EStepModel model, Dataset data, int threads, double total = 0)
    {
        var sums = new double[(data.Count + EntropyChunkRows - 1) / EntropyChunkRows];
        WorkPartitioner.RunOnce(threads, Chunks(data), new Work<byte>(model, data, null, 0, null, 0, sums));
        foreach (double h in sums) total += h;
        return total;
    }

    /// <summary>Labels of rows [start, end) on one width (for tests).</summary>
    public static void LabelRange(EStepModel model, Dataset data, int start, int end, Span<byte> labels, VectorWidth? width = null)
    {
        var call = new WidthCall<byte>(model, data, start, end, labels, [], false);
        VectorWidths.Dispatch(width ?? VectorWidths.Best, ref call);
    }

    private static int Chunks(Dataset data) => (data.Count + ChunkRows - 1) / ChunkRows;

    /// <summary>The chunks of a call, over pinned outputs.</summary>
    private sealed class Work<TLabel>(EStepModel model, Dataset data, TLabel* labels, int labelCount, float* entropy, int entropyCount, double[]? sums)
        : IPartitionedWork
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        public void Run(int chunk)
        {
            int start = chunk * ChunkRows, end = Math.Min(data.Count, start + ChunkRows);
            // With a sum, one call per entropy chunk: each partial sum starts from 0 at a fixed row.
            int step = sums is null ? ChunkRows : EntropyChunkRows;
            for (int first = start; first < end; first += step)
            {
                var call = new WidthCall<TLabel>(model, data, first, Math.Min(end, first + step),
                    labelCount == 0 ? [] : new Span<TLabel>(labels, labelCount),
                    entropyCount == 0 ? [] : new Span<float>(entropy, entropyCount), sums is not null);
                VectorWidths.Dispatch(VectorWidths.Best, ref call);
                if (sums is not null) sums[first / EntropyChunkRows] = call.WeightedEntropy;
            }
        }
    }

    private ref struct WidthCall<TLabel>(EStepModel model, Dataset data, int start, int end, Span<TLabel> labels, Span<float> entropy, bool sumEntropy) : IWidthCall
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        private readonly Span<TLabel> _labels = labels;
        private readonly Span<float> _entropy = entropy;

        public double WeightedEntropy { get; private set; }

        public void Invoke<TOps, TV>()
            where TOps : struct, IVectorOps<TV>
            where TV : unmanaged
        {
            var call = new ReaderCall<TOps, TV, TLabel>(model, data, start, end, _labels, _entropy, sumEntropy);
            data.Storage.Visit(ref call);
            WeightedEntropy = call.WeightedEntropy;
        }
    }

    private ref struct ReaderCall<TOps, TV, TLabel>(EStepModel model, Dataset data, int start, int end, Span<TLabel> labels, Span<float> entropy, bool sumEntropy) : IPlaneVisitor
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        private readonly Span<TLabel> _labels = labels;
        private readonly Span<float> _entropy = entropy;

        public double WeightedEntropy { get; private set; }

        public void Visit<TReader>(Array[] planes, double scale)
            where TReader : struct, IPlaneReader =>
            WeightedEntropy = Rows<TOps, TV>.Run<TReader, TLabel>(model, data, planes, scale, start, end, _labels, _entropy, sumEntropy);
    }

    private static class Rows<TOps, TV>
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged
    {
        [ThreadStatic]
        private static Array[]? t_tail;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static double Run<TReader, TLabel>(EStepModel model, Dataset data, Array[] planes, double scale, int start, int end,
            Span<TLabel> labels, Span<float> entropy, bool sumEntropy)
            where TReader : struct, IPlaneReader
            where TLabel : unmanaged, IBinaryInteger<TLabel>
        {
            int n = TOps.Count, d = model.D;
            int blockVectors = KernelLayout.BlockRows(model.K) / n;
            KernelBlock<TV> block = KernelScratch<TV>.Current.Create<TOps>(model, 1.0, blockVectors, true, 1);
            bool entropies = !entropy.IsEmpty || sumEntropy;
            double weighted = 0;
            for (int row = start; row < end;)
            {
                int count = Math.Min(end - row, blockVectors * n), vectors = (count + n - 1) / n;
                if (count % n == 0)
                {
                    Simd<TOps, TV>.Load<TReader>(ref block, planes, row, vectors, true, scale);
                }
                else
                {
                    // The last rows padded to a whole vector with copies of the last one (their outputs are dropped).
                    int whole = count / n * n;
                    if (whole > 0) Simd<TOps, TV>.Load<TReader>(ref block, planes, row, whole / n, true, scale);
                    Array[] tail = Tail<TReader>(planes, d, row + whole, count - whole, n);
                    KernelBlock<TV> last = block;
                    last.Coordinates = block.Coordinates[(whole / n)..];
                    Simd<TOps, TV>.Load<TReader>(ref last, tail, 0, 1, true, scale);
                }
                Simd<TOps, TV>.Score(ref block, vectors);
                for (int i = 0; i < count; i += n)
                {
                    int lanes = Math.Min(n, count - i);
                    if (!labels.IsEmpty) StoreLabels(ref block, i / n, labels.Slice(row + i, lanes));
                    if (entropies) weighted += Entropies(ref block, i / n, row + i, lanes, data, entropy.IsEmpty ? [] : entropy.Slice(row + i, lanes));
                }
                row += count;
            }
            return weighted;
        }

        /// <summary>argmax over the active components of vector i's scores; all −∞ gives 0 (as the scalar path).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreLabels<TLabel>(ref KernelBlock<TV> block, int i, Span<TLabel> target)
            where TLabel : unmanaged, IBinaryInteger<TLabel>
        {
            TV best = TOps.Broadcast(double.NegativeInfinity), index = TOps.Zero;
            for (int a = 0; a < block.Active; a++)
            {
                TV t = block.Scores[a * block.Stride + i];
                // Strictly greater: ties keep the lower k.
                index = TOps.SelectGreater(t, best, TOps.Broadcast(block.ComponentIndex[a]), index);
                best = TOps.Max(t, best);
            }
            for (int l = 0; l < target.Length; l++) target[l] = TLabel.CreateTruncating((int)TOps.Lane(index, l));
        }

        /// <summary>Vector i's entropies in nats (into <paramref name="target"/> when not empty); returns their weighted sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double Entropies(ref KernelBlock<TV> block, int i, int row, int lanes, Dataset data, Span<float> target)
        {
            TV m = block.Rows[i], sum = TOps.Zero, moment = TOps.Zero;
            for (int a = 0; a < block.Active; a++)
            {
                TV shifted = TOps.Subtract(block.Scores[a * block.Stride + i], m);
                TV e = Simd<TOps, TV>.Exp2(shifted);
                sum = TOps.Add(sum, e);
                moment = TOps.MultiplyAdd(e, shifted, moment);
            }
            TV h = TOps.Multiply(TOps.Broadcast(FastMath.Ln2), TOps.Subtract(Simd<TOps, TV>.Log2(sum), TOps.Divide(moment, sum)));
            double weighted = 0;
            for (int l = 0; l < lanes; l++)
            {
                // A row whose density underflows under every component has no posterior: entropy 0.
                double value = TOps.Lane(h, l);
                value = double.IsNaN(value) ? 0.0 : Math.Max(0.0, value);
                if (!target.IsEmpty) target[l] = (float)value;
                double w = data.Weight(row + l);
                if (w != 0) weighted += w * value;
            }
            return weighted;
        }

        /// <summary>Rows [row, row + count) then copies of the last, one vector's worth, as planes of the storage's element type.</summary>
        private static Array[] Tail<TReader>(Array[] planes, int d, int row, int count, int lanes)
            where TReader : struct, IPlaneReader
        {
            Array[] tail = t_tail is { } t && t.Length == d ? t : t_tail = new Array[d];
            int size = TReader.ElementSize;
            for (int j = 0; j < d; j++)
            {
                if (tail[j] is not double[] buffer || buffer.Length < lanes) tail[j] = buffer = new double[lanes];
                ref byte source = ref MemoryMarshal.GetArrayDataReference(planes[j]);
                ref byte target = ref MemoryMarshal.GetArrayDataReference((Array)buffer);
                for (int i = 0; i < lanes; i++)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref target, i * size), ref Unsafe.Add(ref source, (nint)(row + Math.Min(i, count - 1)) * size), (uint)size);
                }
            }
            return tail;
        }
    }
}
