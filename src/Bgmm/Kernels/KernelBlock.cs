namespace Bgmm.Kernels;

/// <summary>Sizes of the kernels' per-component vectors.</summary>
internal static class KernelLayout
{
    /// <summary>μ (D), the lower triangle of Q row by row (D(D+1)/2), c·log2 e.</summary>
    public static int ParametersPerComponent(int d) => d + d * (d + 1) / 2 + 1;

    /// <summary>Σr, Σr·d (D), the upper triangle of Σr·d·dᵀ row by row (D(D+1)/2).</summary>
    public static int MomentsPerComponent(int d) => 1 + d + d * (d + 1) / 2;

    /// <summary>
    /// Rows per two-phase block: the K×block scratch stays near 16 KB (plus the block's coordinates),
    /// within the L1 of current cores; a multiple of 64 rows so that every vector width divides it.
    /// </summary>
    public static int BlockRows(int k) => Math.Clamp(16384 / (8 * k), 64, 512) & ~63;
}

/// <summary>
/// One block of rows as every kernel sees it: views into a thread's <see cref="KernelScratch{TV}"/>.
/// Loading (from planes, or a gather) fills <see cref="Coordinates"/>; <see cref="Simd{TOps, TV}"/>
/// fills <see cref="Scores"/> and <see cref="Rows"/>; a kernel turns scores into weights;
/// <see cref="Simd{TOps, TV}"/> adds the weighted moments to <see cref="Lanes"/>.
/// </summary>
internal ref struct KernelBlock<TV>
    where TV : unmanaged
{
    /// <summary>D.</summary>
    public int Dimension;

    /// <summary>Components of positive weight (the others have responsibility exactly 0 and are left out).</summary>
    public int Active;

    /// <summary>Vectors per block row of scratch (one spare, see <see cref="KernelScratch{TV}.Create"/>).</summary>
    public int Stride;

    /// <summary>Whether D = 3 runs its register-resident code (false runs the generic loops at D = 3, for tests).</summary>
    public bool SpecialiseD3;

    /// <summary>Per active component: μ, Q's lower triangle, c·log2 e, broadcast (<see cref="KernelLayout.ParametersPerComponent"/>).</summary>
    public Span<TV> Parameters;

    /// <summary>Per active component: the shift c_k the moments are taken about (D, broadcast; <see cref="EStepModel.Shifts"/>).</summary>
    public Span<TV> Shifts;

    /// <summary>Active × Stride: the scores t_k, then what the kernel makes of them (exponentials, q).</summary>
    public Span<TV> Scores;

    /// <summary>Stride: the row maximum of the scores, then the kernel's per-row scale.</summary>
    public Span<TV> Rows;

    /// <summary>D × Stride: the block's coordinates in the kernel's units.</summary>
    public Span<TV> Coordinates;

    /// <summary>The generic paths' centred point and sums (D + moments), then any extra vectors the caller asked for.</summary>
    public Span<TV> Work;

    /// <summary>Per-lane float64 sums: K × moments (by component index, not active index), then one more.</summary>
    public Span<double> Lanes;

    /// <summary>The component index of each active component.</summary>
    public ReadOnlySpan<int> ComponentIndex;

    /// <summary>The block's log-likelihood in bits, and the running product of its row normalisers.</summary>
    public TV LogLikelihood;
    public TV Product;
}

/// <summary>Per-thread buffers of the kernels, grown on demand: no allocation per call once warm.</summary>
internal sealed class KernelScratch<TV>
    where TV : unmanaged
{
    [ThreadStatic]
    private static KernelScratch<TV>? t_current;

    /// <summary>Parameters, scores, rows, coordinates: every vector access is a whole cache line.</summary>
    private AlignedBuffer<TV> _vectors;

    private AlignedBuffer<double> _lanes;
    private int[] _active = [];

    /// <summary>This thread's scratch.</summary>
    public static KernelScratch<TV> Current => t_current ??= new KernelScratch<TV>();

    /// <summary>
    /// A block for <paramref name="model"/>'s components of positive weight, <paramref name="blockVectors"/>
    /// vectors of rows, parameters in units of 1/<paramref name="scale"/>, lanes zeroed.
    /// </summary>
    public KernelBlock<TV> Create<TOps>(EStepModel model, double scale, int blockVectors, bool specialiseD3, int laneSlots, int extraVectors = 0)
        where TOps : struct, IVectorOps<TV>
    {
        int k = model.K, d = model.D;
        if (_active.Length < k) _active = new int[k];
        int active = 0;
        for (int c = 0; c < k; c++)
        {
            if (!double.IsNegativeInfinity(model.Log2Constants[c])) _active[active++] = c;
        }
        // One spare vector per row of scratch: with a stride of exactly 4 KB, component a+1's load
        // aliases component a's store in the low 12 address bits and waits for it (4K aliasing).
        int stride = blockVectors + 1;
        int p = KernelLayout.ParametersPerComponent(d), s = KernelLayout.MomentsPerComponent(d);
        int vectors = active * (p + d) + (active + 1 + d) * stride + d + s + extraVectors;
        _vectors.Ensure(vectors);
        int lanes = laneSlots * TOps.Count;
        _lanes.Ensure(lanes);
        Span<TV> all = _vectors.Span;
        int at = 0;
        var block = new KernelBlock<TV>
        {
            Dimension = d,
            Active = active,
            Stride = stride,
            SpecialiseD3 = specialiseD3,
            Parameters = all.Slice(at, active * p),
            Shifts = all.Slice(at += active * p, active * d),
            Scores = all.Slice(at += active * d, active * stride),
            Rows = all.Slice(at += active * stride, stride),
            Coordinates = all.Slice(at += stride, d * stride),
            Work = all.Slice(at += d * stride, d + s + extraVectors),
            Lanes = _lanes.Span[..lanes],
            ComponentIndex = _active.AsSpan(0, active),
        };
        block.Lanes.Clear();
        Simd<TOps, TV>.FillParameters(model, scale, block.ComponentIndex, block.Parameters);
        int at2 = 0;
        foreach (int c in block.ComponentIndex)
        {
            for (int j = 0; j < d; j++) block.Shifts[at2++] = TOps.Broadcast(scale * model.Shifts[c * d + j]);
        }
        return block;
    }
}
