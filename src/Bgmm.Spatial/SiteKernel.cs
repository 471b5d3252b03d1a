using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bgmm.Kernels;

namespace Bgmm.Spatial;

/// <summary>What one update of a row of sites does (SPEC §6).</summary>
internal enum SitePass
{
    /// <summary>β = 0 and no neighbours: q ← the responsibilities (the start of every fit).</summary>
    Initial,

    /// <summary>One colour class of a sweep.</summary>
    Sweep,

    /// <summary>One colour class of the last sweep of an E-step: also sums F's terms and the moments.</summary>
    FinalSweep,
}

/// <summary>The fixed inputs of the site updates of one phase (one colour class, or the initial pass).</summary>
internal sealed class SitePhase(PottsLattice lattice, PointStorage pixels, EStepModel model, double beta, SitePass pass, int colour)
{
    public PottsLattice Lattice { get; } = lattice;

    /// <summary>The pixels in the lattice's site order (<see cref="PottsLattice.PixelOrder"/>).</summary>
    public PointStorage Pixels { get; } = pixels;

    public EStepModel Model { get; } = model;

    /// <summary>β·log2 e: the kernels' scores are in bits.</summary>
    public double BetaBits { get; } = beta * FastMath.Log2E;

    public SitePass Pass { get; } = pass;

    public int Colour { get; } = colour;

    public bool UsesNeighbours => Pass != SitePass.Initial && BetaBits != 0;
}

/// <summary>
/// The vectorised site update of the mean-field E-step over a run of sites of one sub-lattice row:
/// q_nk ∝ π_k N(x_n | μ_k, Σ_k) exp(β Σ_{m~n} q̃_mk), each neighbour's stored row read as a distribution
/// through <see cref="MarginalRows"/>. Scores come from the shared <see cref="Simd{TOps, TV}"/>
/// and, in the final sweep, the M-step's moments from the shared <see cref="Simd{TOps, TV}"/>.
/// </summary>
/// <remarks>
/// <para>Pixels are loaded as their exact coordinates (byte planes divided by their scale), so byte planes
/// and double columns of the same values give bit-identical fits. The lanes past the row's last site
/// hold other pixels; their results are dropped (q is stored as 0 there).</para>
/// <para>Lane slots of the block: K × moments, then Σ q̃ log2 q̃ (bits) and Σ q̃·(neighbours of lower
/// colour) (per edge, without β); <see cref="MeanFieldSource"/> turns them into F.</para>
/// </remarks>
internal static class SiteKernel<TOps, TV>
    where TOps : struct, IVectorOps<TV>
    where TV : unmanaged
{
    /// <summary>
    /// Updates the <paramref name="count"/> sites from column <paramref name="i0"/> of row j of sub-lattice s.
    /// Returns −1, or the first site (column) whose density underflows under every component.
    /// </summary>
    /// <remarks>
    /// Every loop runs component-outer, vector-inner over the block's scratch (as the statistics pass),
    /// so that a component's running values stay in registers; the scratch rows are: the scores t_k, then
    /// t_k + β s_k, then 2^(… − max), then q̃; <see cref="KernelBlock{TV}.Rows"/> the row maxima, then 1/Σ.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int UpdateRow<TReader>(ref KernelBlock<TV> block, SitePhase phase, Array[] planes, int s, int j, int i0, int count)
        where TReader : struct, IPlaneReader
    {
        PottsLattice lattice = phase.Lattice;
        int n = TOps.Count, vectors = (count + n - 1) / n, active = block.Active, stride = block.Stride;
        int site = lattice.SiteStart[s] + j * lattice.SubWidth[s] + i0;
        Simd<TOps, TV>.Load<TReader>(ref block, planes, site, vectors, true, phase.Pixels.Scale);
        TV lowest = Simd<TOps, TV>.Score(ref block, vectors);
        if (TOps.AnyNegativeInfinity(lowest))
        {
            for (int i = 0; i < count; i++)
            {
                if (double.IsNegativeInfinity(TOps.Lane(block.Rows[i / n], i % n))) return i0 + i;
            }
        }

        if (lattice.Forbidden is byte[] forbidden) Forbid(ref block, lattice.ClassOf!, forbidden.AsSpan(site, count));

        int d = block.Dimension, moments = KernelLayout.MomentsPerComponent(d);
        Span<TV> work = block.Work[(d + moments)..];
        Span<TV> lower = work.Slice(0, active * stride);
        Span<TV> factors = work.Slice(active * stride, (8 + active) * stride);
        bool final = phase.Pass == SitePass.FinalSweep, neighbours = phase.UsesNeighbours;
        Span<long> rows = stackalloc long[active];
        for (int a = 0; a < active; a++) rows[a] = lattice.RowOffset(block.ComponentIndex[a], s, j) + i0;
        ref float q = ref MemoryMarshal.GetArrayDataReference(lattice.Marginals);
        ref TV scores = ref MemoryMarshal.GetReference(block.Scores);
        ref TV maxima = ref MemoryMarshal.GetReference(block.Rows);
        if (neighbours)
        {
            AddNeighbourTerms(ref block, phase, s, j, i0, vectors, factors, lower, final);
            // The row maxima of t + β s.
            for (int v = 0; v < vectors; v++) Unsafe.Add(ref maxima, v) = TOps.Broadcast(double.NegativeInfinity);
            for (int a = 0; a < active; a++)
            {
                ref TV t = ref Unsafe.Add(ref scores, a * stride);
                for (int v = 0; v < vectors; v++) Unsafe.Add(ref maxima, v) = TOps.Max(Unsafe.Add(ref maxima, v), Unsafe.Add(ref t, v));
            }
        }
        // q_k ∝ 2^(t_k + β s_k − max), then 1/Σ per vector.
        ref TV totals = ref MemoryMarshal.GetReference(factors);
        for (int v = 0; v < vectors; v++) Unsafe.Add(ref totals, v) = TOps.Zero;
        for (int a = 0; a < active; a++)
        {
            ref TV t = ref Unsafe.Add(ref scores, a * stride);
            for (int v = 0; v < vectors; v++)
            {
                TV e = Simd<TOps, TV>.Exp2(TOps.Subtract(Unsafe.Add(ref t, v), Unsafe.Add(ref maxima, v)));
                Unsafe.Add(ref t, v) = e;
                Unsafe.Add(ref totals, v) = TOps.Add(Unsafe.Add(ref totals, v), e);
            }
        }
        for (int v = 0; v < vectors; v++) Unsafe.Add(ref maxima, v) = TOps.Divide(TOps.Broadcast(1.0), Unsafe.Add(ref totals, v));
        // Lanes past the run's last site keep what is stored there (the next sites, or the row's zero padding).
        int whole = count / n;
        for (int a = 0; a < active; a++)
        {
            ref TV e = ref Unsafe.Add(ref scores, a * stride);
            ref float target = ref Unsafe.Add(ref q, (nint)rows[a]);
            for (int v = 0; v < whole; v++)
            {
                TOps.StoreSingles(TOps.Multiply(Unsafe.Add(ref e, v), Unsafe.Add(ref maxima, v)), ref Unsafe.Add(ref target, v * n));
            }
            if (whole < vectors)
            {
                ref float last = ref Unsafe.Add(ref target, whole * n);
                TV value = TOps.Multiply(Unsafe.Add(ref e, whole), Unsafe.Add(ref maxima, whole));
                TOps.StoreSingles(TOps.SelectGreater(TOps.Broadcast(count - whole * n), LaneIndex, value, TOps.LoadSingles(ref last)), ref last);
            }
        }
        // Components of weight 0 have q exactly 0.
        for (int c = 0, a = 0; c < lattice.ComponentCount; c++)
        {
            if (a < active && block.ComponentIndex[a] == c)
            {
                a++;
                continue;
            }
            lattice.Marginals.AsSpan((int)lattice.RowOffset(c, s, j) + i0, count).Clear();
        }
        if (final) Accumulate(ref block, lattice, rows, vectors, lower, neighbours);
        return -1;
    }

    /// <summary>
    /// t_k += β s_k with s_k = Σ_m q̃_mk over each site's neighbours (in <see cref="PottsGrid.Offsets"/> order),
    /// each stored row read through <see cref="MarginalRows"/> (its factor 1 − e + e², e = Σq − 1, computed
    /// once per neighbour); in the final sweep also the sum over the neighbours of lower colour (F counts
    /// each edge once, at its higher-coloured end), without β.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddNeighbourTerms(ref KernelBlock<TV> block, SitePhase phase, int s, int j, int i0, int vectors,
        Span<TV> factors, Span<TV> lower, bool final)
    {
        PottsLattice lattice = phase.Lattice;
        int n = TOps.Count, active = block.Active, stride = block.Stride;
        ReadOnlySpan<(int Dx, int Dy)> offsets = lattice.Grid.Offsets;
        int neighbours = offsets.Length;
        Span<long> bases = stackalloc long[neighbours * active];
        Span<bool> isLower = stackalloc bool[neighbours];
        for (int o = 0; o < neighbours; o++)
        {
            (int neighbour, int dj, int di) = PottsLattice.Neighbour(s, offsets[o]);
            isLower[o] = final && lattice.Colour(neighbour) < phase.Colour;
            for (int a = 0; a < active; a++) bases[o * active + a] = lattice.RowOffset(block.ComponentIndex[a], neighbour, j + dj) + i0 + di;
        }
        ref float q = ref MemoryMarshal.GetArrayDataReference(lattice.Marginals);
        ref TV f0 = ref MemoryMarshal.GetReference(factors);
        TV one = TOps.Broadcast(1.0);
        // Each neighbour's factor (components of weight 0 store 0 and add nothing to Σq).
        for (int o = 0; o < neighbours; o++)
        {
            ref TV f = ref Unsafe.Add(ref f0, o * stride);
            for (int v = 0; v < vectors; v++) Unsafe.Add(ref f, v) = TOps.Zero;
            for (int a = 0; a < active; a++)
            {
                ref float row = ref Unsafe.Add(ref q, (nint)bases[o * active + a]);
                for (int v = 0; v < vectors; v++) Unsafe.Add(ref f, v) = TOps.Add(Unsafe.Add(ref f, v), TOps.LoadSingles(ref Unsafe.Add(ref row, v * n)));
            }
            for (int v = 0; v < vectors; v++)
            {
                TV e = TOps.Subtract(Unsafe.Add(ref f, v), one);
                Unsafe.Add(ref f, v) = TOps.Add(TOps.Subtract(one, e), TOps.Multiply(e, e));
            }
        }
        // s_k (and the lower-colour sums), all neighbours of a vector at once: their rows are whole vectors.
        Span<TV> sums = factors.Slice(neighbours * stride, active * stride);
        ref TV s0 = ref MemoryMarshal.GetReference(sums);
        ref TV low = ref MemoryMarshal.GetReference(lower);
        Span<nint> rowOf = stackalloc nint[neighbours];
        for (int a = 0; a < active; a++)
        {
            for (int o = 0; o < neighbours; o++) rowOf[o] = (nint)bases[o * active + a];
            ref TV sum = ref Unsafe.Add(ref s0, a * stride);
            if (neighbours == 4 && (!final || isLower[0] == isLower[1] && isLower[1] == isLower[2] && isLower[2] == isLower[3]))
            {
                // 4 neighbours, all of lower colour or none (always, for 4 neighbours: the checkerboard).
                ref float q0 = ref Unsafe.Add(ref q, rowOf[0]), q1 = ref Unsafe.Add(ref q, rowOf[1]);
                ref float q2 = ref Unsafe.Add(ref q, rowOf[2]), q3 = ref Unsafe.Add(ref q, rowOf[3]);
                ref TV g0 = ref f0, g1 = ref Unsafe.Add(ref f0, stride), g2 = ref Unsafe.Add(ref f0, 2 * stride), g3 = ref Unsafe.Add(ref f0, 3 * stride);
                for (int v = 0; v < vectors; v++)
                {
                    int at = v * n;
                    TV all = TOps.Multiply(TOps.LoadSingles(ref Unsafe.Add(ref q0, at)), Unsafe.Add(ref g0, v));
                    all = TOps.Add(all, TOps.Multiply(TOps.LoadSingles(ref Unsafe.Add(ref q1, at)), Unsafe.Add(ref g1, v)));
                    all = TOps.Add(all, TOps.Multiply(TOps.LoadSingles(ref Unsafe.Add(ref q2, at)), Unsafe.Add(ref g2, v)));
                    all = TOps.Add(all, TOps.Multiply(TOps.LoadSingles(ref Unsafe.Add(ref q3, at)), Unsafe.Add(ref g3, v)));
                    Unsafe.Add(ref sum, v) = all;
                    if (final) Unsafe.Add(ref low, a * stride + v) = isLower[0] ? all : TOps.Zero;
                }
                continue;
            }
            for (int v = 0; v < vectors; v++)
            {
                TV all = TOps.Zero, below = TOps.Zero;
                for (int o = 0; o < neighbours; o++)
                {
                    TV value = TOps.Multiply(TOps.LoadSingles(ref Unsafe.Add(ref q, rowOf[o] + v * n)), Unsafe.Add(ref f0, o * stride + v));
                    all = TOps.Add(all, value);
                    if (isLower[o]) below = TOps.Add(below, value);
                }
                Unsafe.Add(ref sum, v) = all;
                if (final) Unsafe.Add(ref low, a * stride + v) = below;
            }
        }
        if (lattice.ClassOf is byte[] classOf) ClassSums(ref block, classOf, sums, lower, vectors, final);
        TV beta = TOps.Broadcast(phase.BetaBits);
        ref TV scores = ref MemoryMarshal.GetReference(block.Scores);
        for (int a = 0; a < active; a++)
        {
            ref TV t = ref Unsafe.Add(ref scores, a * stride);
            ref TV sum = ref Unsafe.Add(ref s0, a * stride);
            for (int v = 0; v < vectors; v++) Unsafe.Add(ref t, v) = TOps.MultiplyAdd(beta, Unsafe.Add(ref sum, v), Unsafe.Add(ref t, v));
        }
    }

    /// <summary>
    /// Final sweep: q̃ of the stored rows (as <see cref="MarginalRows.Normalise"/> computes it), then F's
    /// entropy and edge terms and the shifted moments about μ_k with r = q̃, added to the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate(ref KernelBlock<TV> block, PottsLattice lattice, scoped ReadOnlySpan<long> rows, int vectors, Span<TV> lower, bool neighbours)
    {
        int n = TOps.Count, active = block.Active, stride = block.Stride, k = lattice.ComponentCount;
        int moments = KernelLayout.MomentsPerComponent(block.Dimension);
        ref float q = ref MemoryMarshal.GetArrayDataReference(lattice.Marginals);
        ref TV scores = ref MemoryMarshal.GetReference(block.Scores);
        ref TV factors = ref MemoryMarshal.GetReference(block.Rows);
        TV one = TOps.Broadcast(1.0), entropy = TOps.Zero, edges = TOps.Zero;
        for (int v = 0; v < vectors; v++) Unsafe.Add(ref factors, v) = TOps.Zero;
        for (int a = 0; a < active; a++)
        {
            ref TV r = ref Unsafe.Add(ref scores, a * stride);
            ref float row = ref Unsafe.Add(ref q, (nint)rows[a]);
            for (int v = 0; v < vectors; v++)
            {
                TV stored = TOps.LoadSingles(ref Unsafe.Add(ref row, v * n));
                Unsafe.Add(ref r, v) = stored;
                Unsafe.Add(ref factors, v) = TOps.Add(Unsafe.Add(ref factors, v), stored);
            }
        }
        for (int v = 0; v < vectors; v++)
        {
            TV e = TOps.Subtract(Unsafe.Add(ref factors, v), one);
            Unsafe.Add(ref factors, v) = TOps.Add(TOps.Subtract(one, e), TOps.Multiply(e, e));
        }
        ref TV low = ref MemoryMarshal.GetReference(lower);
        for (int a = 0; a < active; a++)
        {
            ref TV r = ref Unsafe.Add(ref scores, a * stride);
            ref TV l = ref Unsafe.Add(ref low, a * stride);
            for (int v = 0; v < vectors; v++)
            {
                TV value = TOps.Multiply(Unsafe.Add(ref r, v), Unsafe.Add(ref factors, v));
                Unsafe.Add(ref r, v) = value;
                // q̃ log2 q̃, with 0 where q̃ = 0 (0 log 0 = 0; the padding lanes hold 0).
                entropy = TOps.Add(entropy, TOps.SelectGreater(value, TOps.Zero, TOps.Multiply(value, Simd<TOps, TV>.Log2(MinNormal(value))), TOps.Zero));
                if (neighbours) edges = TOps.MultiplyAdd(value, Unsafe.Add(ref l, v), edges);
            }
        }
        Simd<TOps, TV>.Accumulate<PlainRows>(ref block, vectors);
        TOps.AddToLanes(ref block.Lanes[k * moments * n], entropy);
        TOps.AddToLanes(ref block.Lanes[(k * moments + 1) * n], edges);
    }

    /// <summary>
    /// Clamped sites: the scores of the components of every class a site may not take become −∞ (so q is 0
    /// there), and the row maxima are taken again over what is left.
    /// </summary>
    private static void Forbid(ref KernelBlock<TV> block, byte[] classOf, ReadOnlySpan<byte> forbidden)
    {
        if (!forbidden.ContainsAnyExcept((byte)0)) return;
        int n = TOps.Count, plane = block.Stride * n;
        Span<double> scores = MemoryMarshal.Cast<TV, double>(block.Scores);
        Span<double> maxima = MemoryMarshal.Cast<TV, double>(block.Rows);
        for (int i = 0; i < forbidden.Length; i++)
        {
            if (forbidden[i] == 0) continue;
            double max = double.NegativeInfinity;
            for (int a = 0; a < block.Active; a++)
            {
                ref double t = ref scores[a * plane + i];
                if ((forbidden[i] >> classOf[block.ComponentIndex[a]] & 1) != 0) t = double.NegativeInfinity;
                max = Math.Max(max, t);
            }
            maxima[i] = max;
        }
    }

    /// <summary>
    /// The Potts prior on classes: each component's neighbour sum (and lower-colour sum) becomes its class's,
    /// Σ_(j in class) s_j, so the site update weighs exp(β Σ_m Q_m,class) and F's edge term is Σ_c Q_nc Q_mc.
    /// </summary>
    private static void ClassSums(ref KernelBlock<TV> block, byte[] classOf, Span<TV> sums, Span<TV> lower, int vectors, bool final)
    {
        int active = block.Active, stride = block.Stride;
        Span<TV> total = stackalloc TV[8];
        Span<TV> below = stackalloc TV[8];
        for (int v = 0; v < vectors; v++)
        {
            total.Clear();
            below.Clear();
            for (int a = 0; a < active; a++)
            {
                int c = classOf[block.ComponentIndex[a]];
                total[c] = TOps.Add(total[c], sums[a * stride + v]);
                if (final) below[c] = TOps.Add(below[c], lower[a * stride + v]);
            }
            for (int a = 0; a < active; a++)
            {
                int c = classOf[block.ComponentIndex[a]];
                sums[a * stride + v] = total[c];
                if (final) lower[a * stride + v] = below[c];
            }
        }
    }

    /// <summary>x, or the smallest normal double where x is below it (log2 needs a normal number; such lanes, q̃ = 0, are dropped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MinNormal(TV x) => TOps.Max(x, TOps.Broadcast(2.2250738585072014e-308));

    /// <summary>0, 1, …, Count − 1.</summary>
    private static readonly TV LaneIndex = CreateLaneIndex();

    private static TV CreateLaneIndex()
    {
        Span<double> lanes = stackalloc double[TOps.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = i;
        return TOps.LoadPlane(ref lanes[0]);
    }
}
