using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bgmm.Kernels;

/// <summary>
/// The vectorised statistics kernel: <see cref="IVectorOps{TV}.Count"/> rows per vector, one generic
/// implementation specialised by the JIT for each vector type (512/256/128-bit, float64 or float32).
/// D = 3 (colour images) has its own code with every coordinate, mean and factor entry in registers;
/// any other D (or D = 3 when built with <c>specialiseD3: false</c>) runs the generic loops.
/// </summary>
/// <remarks>
/// <para><b>Per row.</b> In bits (<see cref="EStepModel.Log2Factors"/>): t_k = c_k·log2 e − ‖Q_k (x − μ_k)‖²
/// (one triangular mat-vec and a squared norm, nothing inverted), m = max_k t_k, e_k = 2^{t_k − m}
/// (<see cref="IVectorOps{TV}.Exp2"/>), s = Σ_k e_k ∈ [1, K], r_k = w·e_k/s, and the row adds
/// w·(m + log2 s) bits to the log-likelihood (<see cref="IVectorOps{TV}.Log2"/>; converted to nats once
/// per chunk).</para>
/// <para><b>Two phases per block</b> of <see cref="BlockRows"/> rows (the scratch stays in L1):
/// phase 1 computes t_k, m, e_k and r_k of every row into a K×block scratch; phase 2 walks it once per
/// component, accumulating Σr, Σr·d and the upper triangle of Σr·d·dᵀ with d = x − μ_k (moments
/// about the current mean, which <see cref="MixtureStatistics.ShiftedToCentred"/> turns into the
/// centred layout at the end of the chunk). Vector accumulators are added to per-lane float64 sums
/// after every block and the lanes are summed in a fixed order at the end of the call, so the
/// result depends on the rows alone, never on the thread that ran them.</para>
/// <para><b>Storage.</b> Rows come as double columns or as byte planes (8-bit images, 3 bytes per
/// pixel instead of 24; <see cref="Dataset.FromBytePlanes"/>), read through an <see cref="IPlaneReader"/>
/// that the JIT specialises, so each storage runs the same generic block code. Bytes are widened in
/// registers (<see cref="IVectorOps{TV}.LoadBytes"/>: vpmovzxbd + vcvtdq2pd/ps) and never divided:
/// the kernel works in units of 1/s (v = s·x, s = <see cref="Dataset.PlaneScale"/> = 255), with the
/// model scaled once per call (s·μ_k and Q_k/s, so that Q_k/s·(v − s·μ_k) = Q_k(x − μ_k)); the moments
/// summed in those units are rescaled at the end of the call (÷s, ÷s²) and moved from the shift the
/// lanes subtracted, fl(s·μ_k)/s, to μ_k by an exactly computed δ (<see cref="ShiftOffsets"/>). Each
/// of these steps rounds once per call, not per row, so byte planes agree with double columns of the
/// same values v/255 to the same ~1e-15. For double columns s = 1 and δ = 0 in float64: every step is
/// exact and the path is unchanged. (In float32 the lanes' shift is μ_k rounded to float, which δ now
/// corrects for double columns too.)</para>
/// <para><b>Tail and bad rows.</b> The last n mod Count rows run as one padded vector whose extra
/// lanes have weight 0. A block in which some row has density 0 under every component (m = −∞) is
/// redone by <see cref="ScalarKernel"/>, which skips such rows of weight 0 and rejects the others
/// exactly as the reference does.</para>
/// <para><b>Accuracy contract</b> (tested in tests/Bgmm.Tests/Kernels; relative = normwise
/// ‖a − b‖∞/‖b‖∞ against <see cref="ScalarKernel"/>, the float64 reference with the library's exp/log).
/// float64 (the default): statistics within 1e-9 per iteration and the log-likelihood within 1e-10 on
/// the study's images; measured ≤ 7.1e-15 (N_k, x̄_k, W_k per component) and ≤ 4.4e-15 (L) on fox, cow,
/// owl and zebra, per pixel (byte planes and double columns) and compressed, five iterations at K = 3;
/// ≤ 2.3e-15 on random double columns and ≤ 6.1e-15 on random byte planes of every length 0..257, every
/// width, D = 1..5, K = 1..6 (tested at 1e-12). Fits from the reference fixtures' inits (synthetic_3d,
/// owl K = 2, 3, cow K = 2; 100 iterations) reproduce trace and parameters to 1e-9 on either storage.
/// float32 (<see cref="Precision.Single"/>): float32 inside a block, float64 block sums (flushed every
/// ≤ 512 rows) and merges; within 5e-6 per iteration, measured ≤ 1.0e-6 on random double columns,
/// ≤ 1.5e-6 on random byte planes (4.1e-6 for one row alone whose log-likelihood is 0.33: 1.4e-6
/// nats), ≤ 1.4e-6 (double columns) and ≤ 3.0e-6 (byte planes) on the
/// images; its fits stop at tol ≥ 1e-6 (where float64 stops, ±1 iteration) and its fixed point is
/// the float64 optimum to 2.9e-6 (owl, K = 2; the contract is 1e-4).</para>
/// <para><b>Speed</b> (this project's 2-core AMD EPYC Zen 5, AVX-512; single-thread CPU time, fox.png
/// every pixel, K = 2, best of many runs on a machine shared with other jobs): on the image's byte
/// planes float64 1.67 ns per row (0.84 per row per component), float32 1.01; on the same values as
/// double columns, in the same runs, 1.79 and 1.32 (earlier, with a misaligned scratch: 1.84 and
/// 1.47). On double columns, the same code on Vector256 with EVEX
/// (DOTNET_PreferredVectorBitWidth=256) 3.3 / 1.8, on AVX2 (DOTNET_EnableAVX512=0) 3.8 / 2.1, on
/// Vector128 without FMA (DOTNET_EnableAVX2=0) 10.1 / 6.0. bgmm bench prints the current figures.</para>
/// </remarks>
internal sealed class SimdKernel<TOps, TV> : IStatisticsKernel
    where TOps : struct, IVectorOps<TV>
    where TV : unmanaged
{
    [ThreadStatic]
    private static Scratch? t_scratch;

    private readonly bool _specialiseD3;

    public SimdKernel(bool specialiseD3)
    {
        _specialiseD3 = specialiseD3;
        Name = TOps.Name + (specialiseD3 ? "-d3" : "-generic");
    }

    public string Name { get; }

    /// <summary>
    /// Rows per two-phase block: the K×block responsibility scratch stays near 16 KB (plus the
    /// block's coordinates), within the 32–48 KB L1 of current cores; a multiple of 64 rows so that
    /// every vector width divides it.
    /// </summary>
    public static int BlockRows(int k) => Math.Clamp(16384 / (8 * k), 64, 512) & ~63;

    // Straight to optimised code: tier-0 vector code is ~15× slower, and a short fit would run
    // much of its time in it before tiering caught up (measured: 30 vs 2 ns per row). The same for
    // the helpers called per block or per call (FinishLogLikelihood, FillParameters, SumLanes,
    // ShiftOffsets): at tier 0 their vector calls are not expanded, and tiering waits while a fit
    // keeps compiling new methods (measured on fox.png, K = 2, one thread: the first ~30 fits of a
    // process ran at 0.75 ms per iteration in float32, later ones at 0.43).
    public void Accumulate(EStepModel model, Dataset data, int start, int end, Span<double> statistics)
    {
        if (end <= start) return;
        if (data.HasBytePlanes)
            Accumulate<BytePlaneReader>(model, data, start, end, statistics);
        else
            Accumulate<DoublePlaneReader>(model, data, start, end, statistics);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accumulate<TPlanes>(EStepModel model, Dataset data, int start, int end, Span<double> statistics)
        where TPlanes : struct, IPlaneReader
    {
        int k = model.K, d = model.D, lanesPerVector = TOps.Count;
        int statisticsPerComponent = 1 + d + d * (d + 1) / 2;
        int parametersPerComponent = d + d * (d + 1) / 2 + 1;
        int blockRows = BlockRows(k), blockVectors = blockRows / lanesPerVector;
        // One spare vector per row of scratch: with a stride of exactly 4 KB, component a+1's load
        // aliases component a's store in the low 12 address bits and waits for it (4K aliasing).
        int stride = blockVectors + 1;

        Scratch scratch = t_scratch ??= new Scratch();
        int laneCount = (k * statisticsPerComponent + 1) * lanesPerVector;
        int vectorCount = k * parametersPerComponent + (k + 1 + d) * stride + d + statisticsPerComponent;
        scratch.Ensure(vectorCount, laneCount, k, d, lanesPerVector);
        // Components of weight 0 (c = −∞) have responsibility exactly 0: they are left out of the
        // loops and their statistics stay 0, as in the reference.
        int active = 0;
        for (int c = 0; c < k; c++)
        {
            if (!double.IsNegativeInfinity(model.Log2Constants[c])) scratch.Active[active++] = c;
        }
        Span<TV> vectors = scratch.Vectors.Span;
        int at = 0;
        Span<TV> parameters = vectors.Slice(at, active * parametersPerComponent);
        at += parameters.Length;
        var block = new Block
        {
            Active = active,
            Stride = stride,
            Exponentials = vectors.Slice(at, active * stride),
            Scales = vectors.Slice(at += active * stride, stride),
            Coordinates = vectors.Slice(at += stride, d * stride),
            Work = vectors.Slice(at + d * stride, d + statisticsPerComponent),
            Lanes = scratch.Lanes.Span[..laneCount],
            Components = scratch.Active.AsSpan(0, active),
        };
        block.Lanes.Clear();
        // Stored values v are the coordinates times `scale` (1 for double columns, 255 for 8-bit
        // planes): the kernel works in those units, with the model scaled to match.
        double scale = data.PlaneScale;
        FillParameters(model, scale, block.Components, parameters);

        bool d3 = _specialiseD3 && d == 3;
        Array[] planes = data.Planes;
        ReadOnlySpan<double> weights = data.Weights;
        // Unweighted rows need no log per row: the normalisers' running product is taken apart
        // once per block, as long as it cannot overflow.
        int bitsPerRow = Math.Max(1, (int)Math.Ceiling(Math.Log2(active)));
        Mode mode = !weights.IsEmpty ? Mode.Weighted
            : blockVectors * bitsPerRow <= TOps.ProductExponentLimit ? Mode.Product
            : Mode.Log;
        int row = start;
        while (end - row >= lanesPerVector)
        {
            int rows = Math.Min(blockRows, (end - row) / lanesPerVector * lanesPerVector);
            bool ok = d3
                ? BlockD3<TPlanes>(ref block, parameters, planes, weights, row, rows / lanesPerVector, mode)
                : BlockGeneric<TPlanes>(ref block, d, parameters, planes, weights, row, rows / lanesPerVector, mode);
            if (!ok) ScalarKernel.Instance.Accumulate(model, data, row, row + rows, statistics);
            row += rows;
        }
        if (row < end)
        {
            // The tail as one vector: the rows, then copies of the last row with weight 0.
            int count = end - row, size = TPlanes.ElementSize;
            byte[][] tail = scratch.TailPlanes;
            double[] tailWeights = scratch.TailWeights;
            for (int j = 0; j < d; j++)
            {
                ref byte source = ref MemoryMarshal.GetArrayDataReference(planes[j]);
                for (int i = 0; i < lanesPerVector; i++)
                {
                    Unsafe.CopyBlockUnaligned(ref tail[j][i * size], ref Unsafe.Add(ref source, (nint)(row + Math.Min(i, count - 1)) * size), (uint)size);
                }
            }
            for (int i = 0; i < lanesPerVector; i++) tailWeights[i] = i < count ? (weights.IsEmpty ? 1.0 : weights[row + i]) : 0.0;
            bool ok = d3
                ? BlockD3<TPlanes>(ref block, parameters, tail, tailWeights, 0, 1, Mode.Weighted)
                : BlockGeneric<TPlanes>(ref block, d, parameters, tail, tailWeights, 0, 1, Mode.Weighted);
            if (!ok) ScalarKernel.Instance.Accumulate(model, data, row, end, statistics);
        }

        // Lanes to the statistics layout, each sum in lane order, back in the data's units (÷ scale,
        // ÷ scale²) and moved from the shift the lanes used to μ_k.
        ReadOnlySpan<double> lanes = block.Lanes;
        int layoutStride = MixtureStatistics.Stride(d);
        double scale2 = scale * scale;
        Span<double> s1 = stackalloc double[d];
        Span<double> delta = stackalloc double[d];
        for (int c = 0; c < k; c++)
        {
            Span<double> target = statistics.Slice(c * layoutStride, layoutStride);
            int lane = c * statisticsPerComponent;
            double n = SumLanes(lanes, lane++, lanesPerVector);
            for (int i = 0; i < d; i++) s1[i] = SumLanes(lanes, lane++, lanesPerVector) / scale;
            bool shifted = ShiftOffsets(model, c, scale, delta);
            target[0] += n;
            if (!shifted)
            {
                for (int i = 0; i < d; i++) target[1 + i] += s1[i];
                for (int i = 0; i < d; i++)
                {
                    for (int j = i; j < d; j++) target[1 + d + i * d + j] += SumLanes(lanes, lane++, lanesPerVector) / scale2;
                }
                continue;
            }
            // About μ rather than the used shift μ + δ: Σr(x − μ) = Σr(x − μ − δ) + Nδ, and
            // Σr(x − μ)(x − μ)ᵀ = Σr(x − μ − δ)(x − μ − δ)ᵀ + Σr(x − μ − δ)δᵀ + δΣr(x − μ − δ)ᵀ + Nδδᵀ.
            for (int i = 0; i < d; i++) target[1 + i] += s1[i] + n * delta[i];
            for (int i = 0; i < d; i++)
            {
                for (int j = i; j < d; j++)
                {
                    double second = SumLanes(lanes, lane++, lanesPerVector) / scale2;
                    target[1 + d + i * d + j] += second + delta[i] * s1[j] + s1[i] * delta[j] + n * delta[i] * delta[j];
                }
            }
        }
        statistics[k * layoutStride] += FastMath.Ln2 * SumLanes(lanes, k * statisticsPerComponent, lanesPerVector);
    }

    /// <summary>
    /// δ = (the shift the lanes subtracted) − μ_k, in the data's units: the lanes subtract
    /// scale·μ_k rounded to double and then to the lane type. δ is 0 for double columns in float64;
    /// otherwise ~1e-16 (float64) or ~3e-8 (float32) relative to μ_k, and computed exactly up to
    /// one rounding (the product's error by a fused multiply-add). Returns whether any δ is non-zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ShiftOffsets(EStepModel model, int component, double scale, Span<double> delta)
    {
        int d = model.D;
        bool any = false;
        for (int i = 0; i < d; i++)
        {
            double mean = model.Means[component * d + i];
            double used = TOps.Lane(TOps.Broadcast(scale * mean), 0);
            delta[i] = Math.FusedMultiplyAdd(-scale, mean, used) / scale;
            any |= delta[i] != 0;
        }
        return any;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumLanes(ReadOnlySpan<double> lanes, int index, int lanesPerVector)
    {
        double sum = 0;
        foreach (double v in lanes.Slice(index * lanesPerVector, lanesPerVector)) sum += v;
        return sum;
    }

    /// <summary>
    /// Per active component, in units of 1/<paramref name="scale"/> (v = scale·x): scale·μ (D), the
    /// lower triangle of Q/scale row by row, c·log2 e — broadcast. Then Q/scale·(v − scale·μ) = Q(x − μ),
    /// each scaled value one rounding from the exact one (none when scale = 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillParameters(EStepModel model, double scale, ReadOnlySpan<int> components, Span<TV> parameters)
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
    /// Phase 1's second sweep, after t_k of every vector is in the exponentials scratch and m in
    /// the scales: e_k = 2^{t_k − m} in place, the row scale w/s, and the log-likelihood in bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalise(ref Block block, int vectors, Mode mode, ref double weight)
    {
        int active = block.Active, stride = block.Stride, n = TOps.Count;
        ref TV e0 = ref MemoryMarshal.GetReference(block.Exponentials);
        ref TV s0 = ref MemoryMarshal.GetReference(block.Scales);
        TV logLikelihood = TOps.Zero, product = TOps.Broadcast(1.0);
        int i = 0;
        for (; i + 1 < vectors; i += 2)
        {
            // Two vectors at once, as in phase 1's first sweep.
            ref TV slots = ref Unsafe.Add(ref e0, i);
            TV mu = Unsafe.Add(ref s0, i), mv = Unsafe.Add(ref s0, i + 1);
            TV su = TOps.Zero, sv = TOps.Zero;
            for (int a = 0; a < active; a++)
            {
                ref TV slot = ref Unsafe.Add(ref slots, a * stride);
                TV eu = TOps.Exp2(TOps.Subtract(slot, mu));
                TV ev = TOps.Exp2(TOps.Subtract(Unsafe.Add(ref slot, 1), mv));
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
                TV e = TOps.Exp2(TOps.Subtract(slot, m));
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
            logLikelihood = TOps.MultiplyAdd(w, TOps.Add(m, TOps.Log2(sum)), logLikelihood);
            return TOps.Divide(w, sum);
        }
        if (mode == Mode.Product)
        {
            logLikelihood = TOps.Add(logLikelihood, m);
            product = TOps.Multiply(product, sum);
        }
        else
        {
            logLikelihood = TOps.Add(logLikelihood, TOps.Add(m, TOps.Log2(sum)));
        }
        return TOps.Divide(TOps.Broadcast(1.0), sum);
    }

    /// <summary>Adds the block's log-likelihood (and the logs of its normaliser product) to the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishLogLikelihood(ref Block block, int lane, Mode mode)
    {
        int n = TOps.Count;
        ref double l = ref block.Lanes[lane * n];
        TOps.AddToLanes(ref l, block.LogLikelihood);
        if (mode == Mode.Product)
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref l, i) += Math.Log2(TOps.Lane(block.Product, i));
        }
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

    /// <summary>
    /// Whether phase 1 keeps a block's converted coordinates in the (L1-resident) scratch for phase 2,
    /// instead of phase 2 loading and converting them again for every component: whenever a load
    /// converts, narrowing doubles to float or widening bytes. Measured on fox.png's byte planes with
    /// the scratch on 64-byte boundaries (pass alone, one thread, best of 40): kept 0.71 ms (K = 2)
    /// and 0.99 ms (K = 3) in float64, converted again 0.78 and 1.10; float32 2–5 % in favour too.
    /// (With a misaligned scratch, whose stores split cache lines, converting again had looked faster.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool KeepsCoordinates<TPlanes>()
        where TPlanes : struct, IPlaneReader => TOps.NarrowsOnLoad || TPlanes.Converts;

    /// <summary>
    /// One vector of a plane (rows <paramref name="offset"/> on), and for double columns a prefetch of
    /// the same lines <see cref="PrefetchDistance"/> rows on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LoadAndPrefetch<TPlanes>(ref byte plane, nint offset)
        where TPlanes : struct, IPlaneReader
    {
        if (TPlanes.Prefetches)
        {
            Prefetch(ref Unsafe.Add(ref plane, (offset + PrefetchDistance) * TPlanes.ElementSize));
            // float32: a vector spans two cache lines of each column.
            if (TOps.Count * TPlanes.ElementSize > 64) Prefetch(ref Unsafe.Add(ref plane, (offset + 64 / TPlanes.ElementSize + PrefetchDistance) * TPlanes.ElementSize));
        }
        return TPlanes.Load<TOps, TV>(ref plane, offset);
    }

    /// <summary>Plane j from row <paramref name="row"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte PlaneAt<TPlanes>(Array[] planes, int j, int row)
        where TPlanes : struct, IPlaneReader =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(planes[j]), (nint)row * TPlanes.ElementSize);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool BlockD3<TPlanes>(ref Block block, ReadOnlySpan<TV> parameters, Array[] planes, ReadOnlySpan<double> weights,
        int row, int vectors, Mode mode)
        where TPlanes : struct, IPlaneReader
    {
        int n = TOps.Count, active = block.Active, stride = block.Stride;
        ref byte x0 = ref PlaneAt<TPlanes>(planes, 0, row);
        ref byte x1 = ref PlaneAt<TPlanes>(planes, 1, row);
        ref byte x2 = ref PlaneAt<TPlanes>(planes, 2, row);
        ref double w = ref mode == Mode.Weighted ? ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), row) : ref Unsafe.NullRef<double>();
        ref TV p0 = ref MemoryMarshal.GetReference(parameters);
        ref TV e0 = ref MemoryMarshal.GetReference(block.Exponentials);
        ref TV a0 = ref MemoryMarshal.GetReference(block.Coordinates);
        ref TV a1 = ref Unsafe.Add(ref a0, stride);
        ref TV a2 = ref Unsafe.Add(ref a0, 2 * stride);
        ref TV s0 = ref MemoryMarshal.GetReference(block.Scales);
        TV lowest = TOps.Zero;
        TV negativeInfinity = TOps.Broadcast(double.NegativeInfinity);

        int i = 0;
        for (; i + 1 < vectors; i += 2)
        {
            // Two vectors at once: twice the independent work in flight per component.
            nint offset = (nint)i * n;
            TV u0 = LoadAndPrefetch<TPlanes>(ref x0, offset), u1 = LoadAndPrefetch<TPlanes>(ref x1, offset), u2 = LoadAndPrefetch<TPlanes>(ref x2, offset);
            TV v0 = LoadAndPrefetch<TPlanes>(ref x0, offset + n), v1 = LoadAndPrefetch<TPlanes>(ref x1, offset + n), v2 = LoadAndPrefetch<TPlanes>(ref x2, offset + n);
            if (KeepsCoordinates<TPlanes>())
            {
                Unsafe.Add(ref a0, i) = u0;
                Unsafe.Add(ref a1, i) = u1;
                Unsafe.Add(ref a2, i) = u2;
                Unsafe.Add(ref a0, i + 1) = v0;
                Unsafe.Add(ref a1, i + 1) = v1;
                Unsafe.Add(ref a2, i + 1) = v2;
            }
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
            nint offset = (nint)i * n;
            TV v0 = LoadAndPrefetch<TPlanes>(ref x0, offset), v1 = LoadAndPrefetch<TPlanes>(ref x1, offset), v2 = LoadAndPrefetch<TPlanes>(ref x2, offset);
            if (KeepsCoordinates<TPlanes>())
            {
                Unsafe.Add(ref a0, i) = v0;
                Unsafe.Add(ref a1, i) = v1;
                Unsafe.Add(ref a2, i) = v2;
            }
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
        if (TOps.AnyNegativeInfinity(lowest)) return false;
        // Exponentials in a second sweep: reloading a 64-byte t_k right after storing it stalls on
        // store forwarding; a block later, it comes from L1.
        Normalise(ref block, vectors, mode, ref w);

        int lanesPerVector = TOps.Count;
        for (int a = 0; a < active; a++)
        {
            ref TV p = ref Unsafe.Add(ref p0, a * 10);
            TV mu0 = p, mu1 = Unsafe.Add(ref p, 1), mu2 = Unsafe.Add(ref p, 2);
            TV sn = TOps.Zero, sx0 = TOps.Zero, sx1 = TOps.Zero, sx2 = TOps.Zero;
            TV q00 = TOps.Zero, q01 = TOps.Zero, q02 = TOps.Zero, q11 = TOps.Zero, q12 = TOps.Zero, q22 = TOps.Zero;
            ref TV ea = ref Unsafe.Add(ref e0, a * stride);
            for (int j = 0; j < vectors; j++)
            {
                TV r = TOps.Multiply(Unsafe.Add(ref ea, j), Unsafe.Add(ref s0, j));
                TV v0, v1, v2;
                if (KeepsCoordinates<TPlanes>())
                {
                    v0 = Unsafe.Add(ref a0, j);
                    v1 = Unsafe.Add(ref a1, j);
                    v2 = Unsafe.Add(ref a2, j);
                }
                else
                {
                    nint offset = (nint)j * n;
                    v0 = TPlanes.Load<TOps, TV>(ref x0, offset);
                    v1 = TPlanes.Load<TOps, TV>(ref x1, offset);
                    v2 = TPlanes.Load<TOps, TV>(ref x2, offset);
                }
                TV d0 = TOps.Subtract(v0, mu0);
                TV d1 = TOps.Subtract(v1, mu1);
                TV d2 = TOps.Subtract(v2, mu2);
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
            ref double l = ref block.Lanes[block.Components[a] * 10 * lanesPerVector];
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
        FinishLogLikelihood(ref block, block.Lanes.Length / lanesPerVector - 1, mode);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool BlockGeneric<TPlanes>(ref Block block, int d, ReadOnlySpan<TV> parameters, Array[] planes, ReadOnlySpan<double> weights,
        int row, int vectors, Mode mode)
        where TPlanes : struct, IPlaneReader
    {
        int n = TOps.Count, active = block.Active, stride = block.Stride;
        int perComponent = d + d * (d + 1) / 2 + 1;
        int statisticsPerComponent = 1 + d + d * (d + 1) / 2;
        ref double w = ref mode == Mode.Weighted ? ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), row) : ref Unsafe.NullRef<double>();
        Span<TV> centred = block.Work[..d];
        Span<TV> sums = block.Work.Slice(d, statisticsPerComponent);
        Span<TV> coordinates = block.Coordinates;
        Span<TV> exponentials = block.Exponentials;
        TV lowest = TOps.Zero;

        for (int i = 0; i < vectors; i++)
        {
            nint offset = (nint)i * n;
            for (int j = 0; j < d; j++)
            {
                coordinates[j * stride + i] = TPlanes.Load<TOps, TV>(ref PlaneAt<TPlanes>(planes, j, row), offset);
            }
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
                exponentials[a * stride + i] = t;
                m = TOps.Max(m, t);
            }
            lowest = TOps.Min(lowest, m);
            block.Scales[i] = m;
        }
        if (TOps.AnyNegativeInfinity(lowest)) return false;
        Normalise(ref block, vectors, mode, ref w);

        int lanesPerVector = TOps.Count;
        ReadOnlySpan<TV> scales = block.Scales;
        for (int a = 0; a < active; a++)
        {
            ReadOnlySpan<TV> mu = parameters.Slice(a * perComponent, d);
            sums.Clear();
            for (int i = 0; i < vectors; i++)
            {
                TV r = TOps.Multiply(exponentials[a * stride + i], scales[i]);
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
            int component = block.Components[a];
            for (int j = 0; j < statisticsPerComponent; j++)
            {
                TOps.AddToLanes(ref block.Lanes[(component * statisticsPerComponent + j) * lanesPerVector], sums[j]);
            }
        }
        FinishLogLikelihood(ref block, block.Lanes.Length / lanesPerVector - 1, mode);
        return true;
    }

    /// <summary>
    /// Rows ahead to prefetch while streaming the columns: a block is swept once for phase 1 and
    /// again from L1 for phase 2, a pattern the hardware prefetcher follows poorly.
    /// </summary>
    private const int PrefetchDistance = 512;

    /// <summary>Prefetches the cache line at <paramref name="address"/> (never faults: a hint past the end is harmless).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref byte address)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref address));
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

    /// <summary>The scratch of one call, views into <see cref="Scratch"/>, and a block's running sums.</summary>
    private ref struct Block
    {
        /// <summary>Components of positive weight.</summary>
        public int Active;

        /// <summary>Vectors per block: the stride of the per-component and per-coordinate scratch.</summary>
        public int Stride;

        /// <summary>t_k, then 2^{t_k − m}: Active × Stride.</summary>
        public Span<TV> Exponentials;

        /// <summary>w/s per vector of rows.</summary>
        public Span<TV> Scales;

        /// <summary>The block's coordinates when <see cref="KeepsCoordinates{TPlanes}"/>: D × Stride.</summary>
        public Span<TV> Coordinates;

        /// <summary>The generic path's centred point and sums.</summary>
        public Span<TV> Work;

        /// <summary>Per-lane float64 sums of the call: K × statistics, then the log-likelihood in bits.</summary>
        public Span<double> Lanes;

        /// <summary>Index of each active component.</summary>
        public ReadOnlySpan<int> Components;

        public TV LogLikelihood;
        public TV Product;
    }

    /// <summary>Per-thread buffers, grown on demand: no allocation per call once warm.</summary>
    private sealed class Scratch
    {
        /// <summary>Parameters, t_k/e_k, scales, coordinates: every vector access is a whole cache line.</summary>
        public AlignedBuffer<TV> Vectors;

        /// <summary>Per-lane sums, added to a vector at a time.</summary>
        public AlignedBuffer<double> Lanes;

        public int[] Active = [];
        /// <summary>The padded tail vector's rows, D planes of room for Count doubles (or bytes).</summary>
        public byte[][] TailPlanes = [];
        public double[] TailWeights = [];

        public void Ensure(int vectors, int lanes, int k, int d, int lanesPerVector)
        {
            Vectors.Ensure(vectors);
            Lanes.Ensure(lanes);
            if (Active.Length < k) Active = new int[k];
            if (TailPlanes.Length != d || (d > 0 && TailPlanes[0].Length != lanesPerVector * sizeof(double)))
            {
                TailPlanes = new byte[d][];
                for (int j = 0; j < d; j++) TailPlanes[j] = new byte[lanesPerVector * sizeof(double)];
            }
            if (TailWeights.Length != lanesPerVector) TailWeights = new double[lanesPerVector];
        }
    }
}
