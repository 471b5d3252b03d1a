using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bgmm.Kernels;

/// <summary>
/// The vectorised statistics kernel: <see cref="IVectorOps{TV}.Count"/> rows per vector, one generic
/// implementation specialised by the JIT for each vector type (512/256/128-bit, float64 or float32) and
/// storage (<see cref="IPlaneReader"/>).
/// </summary>
/// <remarks>
/// <para><b>Per block</b> of <see cref="KernelLayout.BlockRows"/> rows (the scratch stays in L1): the
/// rows are loaded (<see cref="Simd{TOps, TV}"/>) and scored (<see cref="Simd{TOps, TV}"/>:
/// t_k in bits and m = max_k t_k); then e_k = 2^{t_k − m} (<see cref="Simd{TOps, TV}.Exp2"/>),
/// s = Σ_k e_k ∈ [1, K], the row scale w/s, and the row adds w·(m + log2 s) bits to the log-likelihood
/// (converted to nats once per call); then <see cref="Simd{TOps, TV}"/> adds the moments
/// with r_k = e_k·w/s, and <see cref="Simd{TOps, TV}"/> turns the lanes into statistics at the end.</para>
/// <para><b>Units.</b> Byte planes are widened in registers and never divided: the kernel works in units
/// of 1/s (v = s·x, s = <see cref="Dataset.PlaneScale"/>), with the model scaled once per call, and the
/// lanes are rescaled at the end (<see cref="Simd{TOps, TV}"/>), so byte planes agree with double
/// columns of the same values v/255 to ~1e-15.</para>
/// <para><b>Tail and bad rows.</b> The last n mod Count rows run as one padded vector whose extra
/// lanes have weight 0. A block in which some row has density 0 under every component (m = −∞) is
/// redone by <see cref="ScalarKernel"/>, which skips such rows of weight 0 and rejects the others
/// exactly as the reference does.</para>
/// <para><b>Accuracy</b> (tests/Bgmm.Tests/Kernels; docs/performance.md has the measured figures):
/// float64 statistics within 1e-12 of <see cref="ScalarKernel"/> on well-conditioned data; float32
/// (<see cref="Precision.Single"/>) within 5e-6.</para>
/// </remarks>
internal sealed class StatisticsKernel<TOps, TV> : IStatisticsKernel
    where TOps : struct, IVectorOps<TV>
    where TV : unmanaged
{
    [ThreadStatic]
    private static Tail? t_tail;

    private readonly bool _specialiseD3;

    public StatisticsKernel(bool specialiseD3)
    {
        _specialiseD3 = specialiseD3;
        Name = TOps.Name + (specialiseD3 ? "-d3" : "-generic");
    }

    public string Name { get; }

    public void Accumulate(EStepModel model, Dataset data, int start, int end, Span<double> statistics)
    {
        if (end <= start) return;
        var call = new Call(this, model, data, start, end, statistics);
        data.Storage.Visit(ref call);
    }

    private ref struct Call(StatisticsKernel<TOps, TV> kernel, EStepModel model, Dataset data, int start, int end, Span<double> statistics) : IPlaneVisitor
    {
        private readonly Span<double> _statistics = statistics;

        public readonly void Visit<TReader>(Array[] planes, double scale)
            where TReader : struct, IPlaneReader =>
            kernel.Run<TReader>(model, data, planes, scale, start, end, _statistics);
    }

    // Straight to optimised code: tier-0 vector code is many times slower, and a short fit would run
    // much of its time in it before tiering caught up (docs/performance.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<TReader>(EStepModel model, Dataset data, Array[] planes, double scale, int start, int end, Span<double> statistics)
        where TReader : struct, IPlaneReader
    {
        int k = model.K, d = model.D, lanesPerVector = TOps.Count;
        int blockRows = KernelLayout.BlockRows(k), blockVectors = blockRows / lanesPerVector;
        int moments = KernelLayout.MomentsPerComponent(d);
        KernelBlock<TV> block = KernelScratch<TV>.Current.Create<TOps>(model, scale, blockVectors, _specialiseD3, k * moments + 1);

        ReadOnlySpan<double> weights = data.PointWeights;
        // Unweighted rows need no log per row: the normalisers' running product is taken apart
        // once per block, as long as it cannot overflow.
        int bitsPerRow = Math.Max(1, (int)Math.Ceiling(Math.Log2(Math.Max(1, block.Active))));
        Mode mode = !weights.IsEmpty ? Mode.Weighted
            : blockVectors * bitsPerRow <= TOps.ProductExponentLimit ? Mode.Product
            : Mode.Log;
        int row = start;
        while (end - row >= lanesPerVector)
        {
            int vectors = Math.Min(blockRows, (end - row) / lanesPerVector * lanesPerVector) / lanesPerVector;
            Simd<TOps, TV>.Load<TReader>(ref block, planes, row, vectors, false, scale);
            if (!Process(ref block, vectors, mode, weights.IsEmpty ? default : weights[row..]))
                ScalarKernel.Instance.Accumulate(model, data, row, row + vectors * lanesPerVector, statistics);
            row += vectors * lanesPerVector;
        }
        if (row < end)
        {
            // The tail as one vector: the rows, then copies of the last row with weight 0.
            Tail tail = t_tail ??= new Tail();
            Array[] tailPlanes = tail.Planes<TReader>(d, lanesPerVector);
            int count = end - row, size = TReader.ElementSize;
            for (int j = 0; j < d; j++)
            {
                ref byte source = ref MemoryMarshal.GetArrayDataReference(planes[j]);
                ref byte target = ref MemoryMarshal.GetArrayDataReference(tailPlanes[j]);
                for (int i = 0; i < lanesPerVector; i++)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref target, i * size), ref Unsafe.Add(ref source, (nint)(row + Math.Min(i, count - 1)) * size), (uint)size);
                }
            }
            Span<double> tailWeights = tail.Weights(lanesPerVector);
            for (int i = 0; i < lanesPerVector; i++) tailWeights[i] = i < count ? (weights.IsEmpty ? 1.0 : weights[row + i]) : 0.0;
            Simd<TOps, TV>.Load<TReader>(ref block, tailPlanes, 0, 1, false, scale);
            if (!Process(ref block, 1, Mode.Weighted, tailWeights)) ScalarKernel.Instance.Accumulate(model, data, row, end, statistics);
        }

        Simd<TOps, TV>.AddMoments(model, scale, block.Lanes, statistics);
        statistics[k * MixtureStatistics.Stride(d)] += FastMath.Ln2 * Simd<TOps, TV>.SumLanes(block.Lanes, k * moments, lanesPerVector);
    }

    /// <summary>Scores, normalises and accumulates one loaded block; false when a row is out of range (m = −∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Process(ref KernelBlock<TV> block, int vectors, Mode mode, ReadOnlySpan<double> weights)
    {
        TV lowest = Simd<TOps, TV>.Score(ref block, vectors);
        if (TOps.AnyNegativeInfinity(lowest)) return false;
        Normalise(ref block, vectors, mode, ref MemoryMarshal.GetReference(weights));
        Simd<TOps, TV>.Accumulate<ScaledRows>(ref block, vectors);
        FinishLogLikelihood(ref block, mode);
        return true;
    }

    /// <summary>
    /// After scoring: e_k = 2^{t_k − m} in place, the row scale w/s, and the log-likelihood in bits.
    /// (Exponentials in a second sweep: reloading a t_k right after storing it stalls on store
    /// forwarding; a block later, it comes from L1.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalise(ref KernelBlock<TV> block, int vectors, Mode mode, ref double weight)
    {
        int active = block.Active, stride = block.Stride, n = TOps.Count;
        ref TV e0 = ref MemoryMarshal.GetReference(block.Scores);
        ref TV s0 = ref MemoryMarshal.GetReference(block.Rows);
        TV logLikelihood = TOps.Zero, product = TOps.Broadcast(1.0);
        int i = 0;
        for (; i + 1 < vectors; i += 2)
        {
            // Two vectors at once, as in scoring.
            ref TV slots = ref Unsafe.Add(ref e0, i);
            TV mu = Unsafe.Add(ref s0, i), mv = Unsafe.Add(ref s0, i + 1);
            TV su = TOps.Zero, sv = TOps.Zero;
            for (int a = 0; a < active; a++)
            {
                ref TV slot = ref Unsafe.Add(ref slots, a * stride);
                TV eu = Simd<TOps, TV>.Exp2(TOps.Subtract(slot, mu));
                TV ev = Simd<TOps, TV>.Exp2(TOps.Subtract(Unsafe.Add(ref slot, 1), mv));
                slot = eu;
                Unsafe.Add(ref slot, 1) = ev;
                su = TOps.Add(su, eu);
                sv = TOps.Add(sv, ev);
            }
            Unsafe.Add(ref s0, i) = Finish(mode, mu, su, ref Unsafe.Add(ref weight, (nint)i * n), ref logLikelihood, ref product);
            Unsafe.Add(ref s0, i + 1) = Finish(mode, mv, sv, ref Unsafe.Add(ref weight, (nint)(i + 1) * n), ref logLikelihood, ref product);
        }
        for (; i < vectors; i++)
        {
            ref TV slots = ref Unsafe.Add(ref e0, i);
            TV m = Unsafe.Add(ref s0, i);
            TV sum = TOps.Zero;
            for (int a = 0; a < active; a++)
            {
                ref TV slot = ref Unsafe.Add(ref slots, a * stride);
                TV e = Simd<TOps, TV>.Exp2(TOps.Subtract(slot, m));
                slot = e;
                sum = TOps.Add(sum, e);
            }
            Unsafe.Add(ref s0, i) = Finish(mode, m, sum, ref Unsafe.Add(ref weight, (nint)i * n), ref logLikelihood, ref product);
        }
        block.LogLikelihood = logLikelihood;
        block.Product = product;
    }

    /// <summary>The row scale w/s of one vector, and its log-likelihood in bits added to the running sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Finish(Mode mode, TV m, TV sum, ref double weight, ref TV logLikelihood, ref TV product)
    {
        if (mode == Mode.Weighted)
        {
            TV w = TOps.LoadPlane(ref weight);
            logLikelihood = TOps.MultiplyAdd(w, TOps.Add(m, Simd<TOps, TV>.Log2(sum)), logLikelihood);
            return TOps.Divide(w, sum);
        }
        if (mode == Mode.Product)
        {
            logLikelihood = TOps.Add(logLikelihood, m);
            product = TOps.Multiply(product, sum);
        }
        else
        {
            logLikelihood = TOps.Add(logLikelihood, TOps.Add(m, Simd<TOps, TV>.Log2(sum)));
        }
        return TOps.Divide(TOps.Broadcast(1.0), sum);
    }

    /// <summary>Adds the block's log-likelihood (and the logs of its normaliser product) to the last lane group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishLogLikelihood(ref KernelBlock<TV> block, Mode mode)
    {
        int n = TOps.Count;
        ref double l = ref block.Lanes[block.Lanes.Length - n];
        TOps.AddToLanes(ref l, block.LogLikelihood);
        if (mode == Mode.Product)
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref l, i) += Math.Log2(TOps.Lane(block.Product, i));
        }
    }

    /// <summary>How a block sums the log-likelihood.</summary>
    private enum Mode
    {
        /// <summary>Σ w (m + log2 s): weighted rows and the padded tail.</summary>
        Weighted,

        /// <summary>Σ m + log2 Π s, the product's logarithm taken per lane at the end of the block.</summary>
        Product,

        /// <summary>Σ (m + log2 s): unweighted rows when the product could overflow (huge K).</summary>
        Log,
    }

    /// <summary>The padded tail vector's rows (D planes of room for Count doubles or bytes) and weights, per thread.</summary>
    private sealed class Tail
    {
        private Array[] _planes = [];
        private double[] _weights = [];

        public Array[] Planes<TReader>(int d, int lanes)
            where TReader : struct, IPlaneReader
        {
            if (_planes.Length != d || _planes[0].Length < lanes)
            {
                _planes = new Array[d];
                for (int j = 0; j < d; j++) _planes[j] = new double[lanes];
            }
            return _planes;
        }

        public Span<double> Weights(int lanes) => (_weights.Length >= lanes ? _weights : _weights = new double[lanes]).AsSpan(0, lanes);
    }
}
