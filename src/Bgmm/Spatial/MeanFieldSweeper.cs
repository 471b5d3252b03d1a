using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bgmm.Kernels;

namespace Bgmm.Spatial;

/// <summary>
/// Holds q (the one per-pixel N×K array, float32, stored as K planes of N) and runs the mean-field
/// E-step of SPEC §6 on it: site updates q_nk ∝ π_k N(x_n | μ_k, Σ_k) exp(β Σ_{m~n} q_mk), one colour
/// class at a time, over fixed row bands in parallel.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> A site's update reads only its own pixel and neighbours of other colours,
/// none of which change while its colour class is updated, so a class can be updated in any order
/// and on any number of threads with bit-identical q. The bands (<see cref="BandPixels"/>) are fixed
/// by the image's width alone; F's terms and the M-step's statistics are summed per band and the
/// bands combined in band order, so F and the statistics are bit-identical for any thread count.</para>
/// <para><b>The kernel.</b> Sites are processed in blocks of up to <see cref="BlockSize"/> sites of one
/// colour in one row (every second pixel): a vectorised gather of their pixels and of their
/// neighbours' q (q is planar, so the neighbours in one direction are every second value of a
/// plane's row: <see cref="StridedCopy"/>), the neighbour sums Σ_m q̃_mk (each neighbour row read
/// through <see cref="MarginalRows"/>), log-densities by the E-step's own math (precision factors:
/// ℓ_nk = c_k − ½‖P_k(x_n − μ_k)‖², the same operations as the scalar E-step kernel) and softmax,
/// all over vectors of sites; then a scalar store of the float32 q. In the last sweep of an E-step each site's q is
/// final once its class is done, so that sweep also sums F's terms — the site's
/// Σ_k q̃_k (ℓ_k − log q̃_k) and β Σ_k q̃_k q̃_mk over its neighbours of lower colour, which are
/// final already (each edge counted once, at its higher-coloured end) — and the shifted moments of
/// the M-step with r = q̃. No other per-pixel array is kept: per thread only one block of scratch.</para>
/// </remarks>
internal sealed class MeanFieldSweeper
{
    /// <summary>Sites per block of the kernel (its scratch, ~38 KB for K = 2, then stays in L1).</summary>
    public const int BlockSize = 256;

    /// <summary>
    /// Approximate pixels per band: bands are whole rows, ⌈BandPixels / width⌉ rows each, fixed by
    /// the width alone so that results do not depend on the thread count.
    /// </summary>
    public const int BandPixels = 8192;

    /// <summary>The pixels' double columns, or null when they are byte planes (<see cref="_bytePlanes"/>).</summary>
    private readonly double[][]? _columns;

    /// <summary>The pixels' byte planes (8-bit images), read through <see cref="_byteTable"/>; else null.</summary>
    private readonly byte[][]? _bytePlanes;

    private readonly double[]? _byteTable;
    private readonly PottsGrid _grid;
    private readonly int _k;
    private readonly int _d;
    private readonly float[] _q;
    private readonly int _pixels;
    private readonly int _threads;
    private readonly int _rowsPerBand;
    private readonly int _bandCount;
    private readonly double[][] _bandStatistics;
    private readonly double[] _bandObjective;
    private readonly SiteOutOfRangeException?[] _bandErrors;
    private readonly LaneWidth _lanes;
    private readonly Stack<Scratch> _pool = new();

    public MeanFieldSweeper(Dataset pixels, PottsGrid grid, int components, int threads, LaneWidth lanes = LaneWidth.Auto)
    {
        _columns = pixels.DoubleColumns;
        _bytePlanes = pixels.BytePlanes;
        _byteTable = pixels.ByteTable;
        _grid = grid;
        _k = components;
        _d = pixels.Dimension;
        _pixels = grid.PixelCount;
        _q = new float[checked(Slack + grid.PixelCount * components + Slack)];
        _rowsPerBand = Math.Max(1, (BandPixels + grid.Width - 1) / grid.Width);
        _bandCount = (grid.Height + _rowsPerBand - 1) / _rowsPerBand;
        _threads = Math.Max(1, Math.Min(threads, _bandCount));
        _bandStatistics = new double[_bandCount][];
        for (int b = 0; b < _bandCount; b++) _bandStatistics[b] = new double[MixtureStatistics.Length(components, _d)];
        _bandObjective = new double[_bandCount];
        _bandErrors = new SiteOutOfRangeException?[_bandCount];
        _lanes = LaneSelector.Resolve(lanes);
    }

    /// <summary>
    /// Floats before the first plane and after the last, so that the vector loads of a row's
    /// neighbours (up to 32 floats from a pixel inside the image) stay inside the array.
    /// </summary>
    private const int Slack = 32;

    /// <summary>Plane k of q: q_nk for every pixel n (read a pixel's row through <see cref="MarginalRows"/>).</summary>
    public Span<float> Plane(int k) => _q.AsSpan(Slack + k * _pixels, _pixels);

    /// <summary>The array holding q and where plane k starts in it (for the fit's result, which keeps it without a copy).</summary>
    public float[] Storage => _q;

    /// <summary>Where plane k of q starts in <see cref="Storage"/>.</summary>
    public int PlaneOffset(int k) => Slack + k * _pixels;

    /// <summary>The largest N·K: q's planes and their slack must fit in one array.</summary>
    public static long MaxValues => Array.MaxLength - 2 * Slack;

    public int Components => _k;

    public PottsGrid Grid => _grid;

    /// <summary>q ← the responsibilities at θ (the independent-pixel E-step: every site at once, β = 0).</summary>
    public void Initialise(EStepModel model, CancellationToken cancellationToken = default) =>
        RunPhase(new Phase(model, 0.0, Pass.Initial, 0, []), cancellationToken);

    /// <summary>
    /// One E-step: <paramref name="sweeps"/> sweeps over the colour classes at θ. Returns the sum over
    /// sites of F's terms except the log prior (Σ q̃(ℓ − log q̃) + β Σ_edges q̃·q̃) at the final q, and
    /// the M-step's statistics with r = q̃.
    /// </summary>
    public (double SiteTerms, MixtureStatistics Statistics) EStep(EStepModel model, double beta, int sweeps,
        CancellationToken cancellationToken = default)
    {
        foreach (double[] s in _bandStatistics) Array.Clear(s);
        Array.Clear(_bandObjective);
        ReadOnlySpan<(int Dx, int Dy)> offsets = _grid.Offsets;
        for (int sweep = 1; sweep <= sweeps; sweep++)
        {
            Pass pass = sweep == sweeps ? Pass.FinalSweep : Pass.Sweep;
            for (int colour = 0; colour < _grid.ColourCount; colour++)
            {
                var lower = new bool[offsets.Length];
                for (int o = 0; o < offsets.Length; o++) lower[o] = _grid.NeighbourColour(colour, offsets[o]) < colour;
                RunPhase(new Phase(model, beta, pass, colour, lower), cancellationToken);
            }
        }

        double objective = 0;
        foreach (double v in _bandObjective) objective += v;
        var total = new double[MixtureStatistics.Length(_k, _d)];
        foreach (double[] s in _bandStatistics)
        {
            MixtureStatistics.ShiftedToCentred(s, _k, _d, model.Means);
            MixtureStatistics.MergeInto(total, s, _k, _d);
        }
        return (objective, new MixtureStatistics(_k, _d, total));
    }

    /// <summary>
    /// Updates the given sites once each, in the given order, on this thread (for tests). Sites
    /// updated in one call must be pairwise non-adjacent for the order not to matter.
    /// </summary>
    public void UpdateSites(EStepModel model, double beta, ReadOnlySpan<int> sites)
    {
        var phase = new Phase(model, beta, Pass.Sweep, 0, new bool[_grid.Offsets.Length]);
        Scratch s = Rent();
        try
        {
            foreach (int n in sites)
            {
                s.SetBlock(n / _grid.Width, n % _grid.Width, 2);
                ProcessBlock(phase, s, 1, 0);
            }
        }
        catch (SiteOutOfRangeException e)
        {
            throw e.ToModelInput();
        }
        finally
        {
            Return(s);
        }
    }

    private enum Pass
    {
        /// <summary>Every pixel, β = 0: q ← responsibilities.</summary>
        Initial,

        /// <summary>One colour class.</summary>
        Sweep,

        /// <summary>One colour class in the last sweep of an E-step: also sums F's terms and the statistics.</summary>
        FinalSweep,
    }

    /// <summary>What one phase (one colour class, or the initial pass) does.</summary>
    /// <param name="Model">θ in the kernel's form.</param>
    /// <param name="Beta">β.</param>
    /// <param name="Pass">Which kind of pass.</param>
    /// <param name="Colour">The colour class updated (0 for the initial pass).</param>
    /// <param name="Lower">For each neighbour offset, whether that neighbour has a lower colour (final sweep).</param>
    private sealed record Phase(EStepModel Model, double Beta, Pass Pass, int Colour, bool[] Lower)
    {
        public bool UsesNeighbours => Pass != Pass.Initial && Beta != 0;
    }

    private void RunPhase(Phase phase, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Array.Clear(_bandErrors);
        if (_threads == 1)
        {
            for (int b = 0; b < _bandCount; b++) ProcessBand(phase, b);
        }
        else
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };
            Parallel.For(0, _bandCount, options, b => ProcessBand(phase, b));
        }
        // Every band ran to its end or its first bad pixel; report the first band's, so the error
        // is the one a single thread meets first, whatever the thread count.
        foreach (SiteOutOfRangeException? error in _bandErrors)
        {
            if (error is not null) throw error.ToModelInput();
        }
    }

    private void ProcessBand(Phase phase, int band)
    {
        Scratch s = Rent();
        try
        {
            int width = _grid.Width;
            int y0 = band * _rowsPerBand, y1 = Math.Min(_grid.Height, y0 + _rowsPerBand);
            for (int y = y0; y < y1; y++)
            {
                int x0 = 0, step = 1;
                if (phase.Pass != Pass.Initial)
                {
                    if (!_grid.RowHasColour(y, phase.Colour)) continue;
                    x0 = _grid.FirstX(y, phase.Colour);
                    step = 2;
                }
                int sites = (width - x0 + step - 1) / step;
                for (int first = 0; first < sites; first += BlockSize)
                {
                    s.SetBlock(y, x0 + first * step, step);
                    ProcessBlock(phase, s, Math.Min(BlockSize, sites - first), band);
                }
            }
        }
        catch (SiteOutOfRangeException e)
        {
            _bandErrors[band] = e;
        }
        finally
        {
            Return(s);
        }
    }

    private void ProcessBlock(Phase phase, Scratch s, int count, int band)
    {
        int lanes = LaneSelector.Count(_lanes);
        int padded = (count + lanes - 1) / lanes * lanes;
        Gather(phase, s, count, padded);
        switch (_lanes)
        {
            case LaneWidth.V512:
                Update<Lanes512, Vector512<double>>(phase, s, count, padded, band);
                break;
            case LaneWidth.V256:
                Update<Lanes256, Vector256<double>>(phase, s, count, padded, band);
                break;
            case LaneWidth.V128:
                Update<Lanes128, Vector128<double>>(phase, s, count, padded, band);
                break;
            default:
                Update<ScalarLanes, double>(phase, s, count, padded, band);
                break;
        }
    }

    /// <summary>
    /// Copies the block's pixels and its neighbours' stored q into the scratch (zeros for a neighbour
    /// outside the image: a row of zeros then adds exactly 0 to every sum), and pads the block to
    /// whole vectors by repeating its last site.
    /// </summary>
    private void Gather(Phase phase, Scratch s, int count, int padded)
    {
        const int B = BlockSize;
        int width = _grid.Width, height = _grid.Height, k = _k, d = _d;
        int y = s.Row, x0 = s.FirstX, step = s.Step, start = y * width + x0;
        for (int m = 0; m < d; m++)
        {
            Span<double> pixels = s.Pixels.AsSpan(m * B, B);
            if (_columns is not null)
                StridedCopy.Copy(_columns[m], start, step, pixels, count, _lanes);
            else
                StridedCopy.Copy(_bytePlanes![m], _byteTable!, start, step, pixels, count);
            pixels[count..padded].Fill(pixels[count - 1]);
        }
        if (!phase.UsesNeighbours) return;

        ReadOnlySpan<(int Dx, int Dy)> offsets = _grid.Offsets;
        int xLast = x0 + step * (count - 1);
        for (int o = 0; o < offsets.Length; o++)
        {
            (int dx, int dy) = offsets[o];
            int ny = y + dy;
            for (int c = 0; c < k; c++)
            {
                Span<float> rows = s.NeighbourRows.AsSpan((o * k + c) * B, B);
                if ((uint)ny >= (uint)height)
                {
                    rows[..padded].Clear();
                    continue;
                }
                StridedCopy.Copy(_q, Slack + c * _pixels + ny * width + x0 + dx, step, rows, count, _lanes);
                if (x0 + dx < 0) rows[0] = 0f;
                if (xLast + dx >= width) rows[count - 1] = 0f;
                rows[count..padded].Fill(rows[count - 1]);
            }
        }
    }

    /// <summary>
    /// s_k = Σ_m q̃_mk over each site's neighbours, in <see cref="PottsGrid.Offsets"/> order, each
    /// row read through <see cref="MarginalRows"/> (operation for operation, so bit for bit); in the
    /// final sweep also the sum over neighbours of lower colour.
    /// </summary>
    private void NeighbourSums<TL, TV>(Phase phase, Scratch s, int padded)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int k = _k, w = TL.Count, neighbours = _grid.Offsets.Length;
        bool final = phase.Pass == Pass.FinalSweep;
        bool[] isLower = phase.Lower;
        ref float rows = ref MemoryMarshal.GetArrayDataReference(s.NeighbourRows);
        ref double sums = ref MemoryMarshal.GetArrayDataReference(s.Sums);
        ref double lower = ref MemoryMarshal.GetArrayDataReference(s.LowerSums);
        Span<TV> all = stackalloc TV[k];
        Span<TV> low = stackalloc TV[k];
        TV one = TL.Broadcast(1.0), zero = TL.Broadcast(0.0);
        for (int v = 0; v < padded; v += w)
        {
            all.Fill(zero);
            low.Fill(zero);
            for (int o = 0; o < neighbours; o++)
            {
                ref float row = ref Unsafe.Add(ref rows, o * k * B + v);
                TV sum = zero;
                for (int c = 0; c < k; c++) sum = TL.Add(sum, TL.LoadSingles(ref Unsafe.Add(ref row, c * B)));
                TV e = TL.Subtract(sum, one);
                TV factor = TL.Add(TL.Subtract(one, e), TL.Multiply(e, e));
                bool addLower = final && isLower[o];
                for (int c = 0; c < k; c++)
                {
                    TV value = TL.Multiply(TL.LoadSingles(ref Unsafe.Add(ref row, c * B)), factor);
                    all[c] = TL.Add(all[c], value);
                    if (addLower) low[c] = TL.Add(low[c], value);
                }
            }
            for (int c = 0; c < k; c++)
            {
                TL.Store(all[c], ref Unsafe.Add(ref sums, c * B + v));
                if (final) TL.Store(low[c], ref Unsafe.Add(ref lower, c * B + v));
            }
        }
    }

    /// <summary>The vectorised part of a block: log-densities, softmax, store; in the final sweep F's terms and the statistics.</summary>
    private void Update<TL, TV>(Phase phase, Scratch s, int count, int padded, int band)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int k = _k, d = _d, w = TL.Count;
        EStepModel model = phase.Model;
        ref double pixels = ref MemoryMarshal.GetArrayDataReference(s.Pixels);
        ref double logDensity = ref MemoryMarshal.GetArrayDataReference(s.LogDensities);
        ref double p = ref MemoryMarshal.GetArrayDataReference(s.Probabilities);
        ref double sums = ref MemoryMarshal.GetArrayDataReference(s.Sums);
        Span<TV> dx = stackalloc TV[d];

        if (phase.UsesNeighbours) NeighbourSums<TL, TV>(phase, s, padded);

        // ℓ_k = c_k − ½‖P_k (x − μ_k)‖², operation for operation as the scalar E-step kernel.
        for (int c = 0; c < k; c++)
        {
            double constant = model.LogConstants[c];
            if (double.IsNegativeInfinity(constant))
            {
                s.LogDensities.AsSpan(c * B, padded).Fill(double.NegativeInfinity);
                continue;
            }
            ReadOnlySpan<double> mean = model.Means.AsSpan(c * d, d);
            ReadOnlySpan<double> factor = model.PrecisionFactors.AsSpan(c * d * d, d * d);
            if (d == 3)
                LogDensities3<TL, TV>(ref pixels, ref Unsafe.Add(ref logDensity, c * B), padded, constant, mean, factor);
            else
                LogDensities<TL, TV>(ref pixels, ref Unsafe.Add(ref logDensity, c * B), padded, constant, mean, factor, dx);
        }

        // q_k ∝ exp(ℓ_k + β s_k), by the max-shifted softmax.
        bool neighbours = phase.UsesNeighbours;
        TV beta = TL.Broadcast(phase.Beta);
        for (int v = 0; v < padded; v += w)
        {
            TV max = TL.Broadcast(double.NegativeInfinity);
            for (int c = 0; c < k; c++)
            {
                TV a = TL.Load(ref Unsafe.Add(ref logDensity, c * B + v));
                if (neighbours) a = TL.Add(a, TL.Multiply(beta, TL.Load(ref Unsafe.Add(ref sums, c * B + v))));
                TL.Store(a, ref Unsafe.Add(ref p, c * B + v));
                max = TL.Max(max, a);
            }
            if (TL.AnyNegativeInfinity(max)) throw OutOfRange(s, v, w, count);
            TV total = TL.Broadcast(0.0);
            for (int c = 0; c < k; c++)
            {
                ref double slot = ref Unsafe.Add(ref p, c * B + v);
                TV e = TL.Exp(TL.Subtract(TL.Load(ref slot), max));
                TL.Store(e, ref slot);
                total = TL.Add(total, e);
            }
            for (int c = 0; c < k; c++)
            {
                ref double slot = ref Unsafe.Add(ref p, c * B + v);
                TL.Store(TL.Divide(TL.Load(ref slot), total), ref slot);
            }
        }

        int start = Slack + s.Row * _grid.Width + s.FirstX, step = s.Step;
        for (int c = 0; c < k; c++)
        {
            Span<float> plane = _q.AsSpan(start + c * _pixels);
            ReadOnlySpan<double> values = s.Probabilities.AsSpan(c * B, count);
            for (int i = 0; i < values.Length; i++) plane[i * step] = (float)values[i];
        }

        if (phase.Pass == Pass.FinalSweep) Accumulate<TL, TV>(phase, s, count, padded, band);
    }

    /// <summary>ℓ = c − ½‖P (x − μ)‖² for one component over a block, any D.</summary>
    private static void LogDensities<TL, TV>(ref double pixels, ref double destination, int padded, double constant,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> factor, Span<TV> dx)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int d = mean.Length, w = TL.Count;
        TV cv = TL.Broadcast(constant), half = TL.Broadcast(0.5);
        for (int v = 0; v < padded; v += w)
        {
            for (int m = 0; m < d; m++) dx[m] = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, m * B + v)), TL.Broadcast(mean[m]));
            TV quad = TL.Broadcast(0.0);
            for (int i = 0; i < d; i++)
            {
                TV y = TL.Broadcast(0.0);
                for (int m = 0; m <= i; m++) y = TL.Add(y, TL.Multiply(TL.Broadcast(factor[i * d + m]), dx[m]));
                quad = TL.Add(quad, TL.Multiply(y, y));
            }
            TL.Store(TL.Subtract(cv, TL.Multiply(half, quad)), ref Unsafe.Add(ref destination, v));
        }
    }

    /// <summary>
    /// The same for D = 3 (colour) with every constant in a register: the same operations in the
    /// same order (0 + a = a exactly), so bit for bit the general loop's and the scalar E-step's result.
    /// </summary>
    private static void LogDensities3<TL, TV>(ref double pixels, ref double destination, int padded, double constant,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> factor)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int w = TL.Count;
        TV cv = TL.Broadcast(constant), half = TL.Broadcast(0.5);
        TV m0 = TL.Broadcast(mean[0]), m1 = TL.Broadcast(mean[1]), m2 = TL.Broadcast(mean[2]);
        TV p00 = TL.Broadcast(factor[0]);
        TV p10 = TL.Broadcast(factor[3]), p11 = TL.Broadcast(factor[4]);
        TV p20 = TL.Broadcast(factor[6]), p21 = TL.Broadcast(factor[7]), p22 = TL.Broadcast(factor[8]);
        for (int v = 0; v < padded; v += w)
        {
            TV x0 = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, v)), m0);
            TV x1 = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, B + v)), m1);
            TV x2 = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, 2 * B + v)), m2);
            TV y0 = TL.Multiply(p00, x0);
            TV y1 = TL.Add(TL.Multiply(p10, x0), TL.Multiply(p11, x1));
            TV y2 = TL.Add(TL.Add(TL.Multiply(p20, x0), TL.Multiply(p21, x1)), TL.Multiply(p22, x2));
            TV quad = TL.Add(TL.Add(TL.Multiply(y0, y0), TL.Multiply(y1, y1)), TL.Multiply(y2, y2));
            TL.Store(TL.Subtract(cv, TL.Multiply(half, quad)), ref Unsafe.Add(ref destination, v));
        }
    }

    /// <summary>
    /// Final sweep: q̃ of the stored rows (as <see cref="MarginalRows.Normalise"/> computes it, bit for
    /// bit), F's site terms and the shifted moments about μ_k, added to the band's sums.
    /// </summary>
    private void Accumulate<TL, TV>(Phase phase, Scratch s, int count, int padded, int band)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int k = _k, d = _d, w = TL.Count;
        EStepModel model = phase.Model;
        ref double pixels = ref MemoryMarshal.GetArrayDataReference(s.Pixels);
        ref double logDensity = ref MemoryMarshal.GetArrayDataReference(s.LogDensities);
        ref double p = ref MemoryMarshal.GetArrayDataReference(s.Probabilities);
        ref double lower = ref MemoryMarshal.GetArrayDataReference(s.LowerSums);

        TV one = TL.Broadcast(1.0);
        for (int v = 0; v < padded; v += w)
        {
            TV sum = TL.Broadcast(0.0);
            for (int c = 0; c < k; c++)
            {
                ref double slot = ref Unsafe.Add(ref p, c * B + v);
                TV f = TL.RoundToSingle(TL.Load(ref slot));
                TL.Store(f, ref slot);
                sum = TL.Add(sum, f);
            }
            TV e = TL.Subtract(sum, one);
            TV factor = TL.Add(TL.Subtract(one, e), TL.Multiply(e, e));
            for (int c = 0; c < k; c++)
            {
                ref double slot = ref Unsafe.Add(ref p, c * B + v);
                TL.Store(TL.Multiply(TL.Load(ref slot), factor), ref slot);
            }
        }
        // Padding lanes carry no site: weight 0 removes them from every sum below.
        for (int c = 0; c < k; c++) s.Probabilities.AsSpan(c * B + count, padded - count).Clear();

        bool neighbours = phase.UsesNeighbours;
        TV beta = TL.Broadcast(phase.Beta);
        TV objective = TL.Broadcast(0.0);
        for (int v = 0; v < padded; v += w)
        {
            for (int c = 0; c < k; c++)
            {
                TV qv = TL.Load(ref Unsafe.Add(ref p, c * B + v));
                TV l = TL.Load(ref Unsafe.Add(ref logDensity, c * B + v));
                // q (ℓ − log q), with 0·(anything) = 0 where q = 0 (0 log 0 = 0; ℓ may be −∞ there).
                objective = TL.Add(objective, TL.WherePositive(qv, TL.Multiply(qv, TL.Subtract(l, TL.Log(qv)))));
                if (neighbours) objective = TL.Add(objective, TL.Multiply(beta, TL.Multiply(qv, TL.Load(ref Unsafe.Add(ref lower, c * B + v)))));
            }
        }
        _bandObjective[band] += TL.Sum(objective);

        int moments = 1 + d + d * (d + 1) / 2;
        Span<TV> acc = stackalloc TV[moments];
        Span<TV> dx = stackalloc TV[d];
        Span<double> statistics = _bandStatistics[band];
        int stride = MixtureStatistics.Stride(d);
        for (int c = 0; c < k; c++)
        {
            ReadOnlySpan<double> mean = model.Means.AsSpan(c * d, d);
            ref double r = ref Unsafe.Add(ref p, c * B);
            if (d == 3)
                ShiftedMoments3<TL, TV>(ref pixels, ref r, padded, mean, acc);
            else
                ShiftedMoments<TL, TV>(ref pixels, ref r, padded, mean, acc, dx);
            Span<double> target = statistics.Slice(c * stride, stride);
            target[0] += TL.Sum(acc[0]);
            for (int i = 0; i < d; i++) target[1 + i] += TL.Sum(acc[1 + i]);
            int u = 1 + d;
            for (int i = 0; i < d; i++)
            {
                for (int j = i; j < d; j++) target[1 + d + i * d + j] += TL.Sum(acc[u++]);
            }
        }
    }

    /// <summary>
    /// Lane sums of r, r·(x − μ) and the upper triangle of r·(x − μ)(x − μ)ᵀ over a block, in
    /// <paramref name="acc"/>: [Σr, Σr dx_i (i &lt; D), Σr dx_i dx_j (i ≤ j, row by row)].
    /// </summary>
    private static void ShiftedMoments<TL, TV>(ref double pixels, ref double r, int padded, ReadOnlySpan<double> mean, Span<TV> acc, Span<TV> dx)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int d = mean.Length, w = TL.Count;
        acc.Fill(TL.Broadcast(0.0));
        for (int v = 0; v < padded; v += w)
        {
            TV weight = TL.Load(ref Unsafe.Add(ref r, v));
            acc[0] = TL.Add(acc[0], weight);
            for (int m = 0; m < d; m++) dx[m] = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, m * B + v)), TL.Broadcast(mean[m]));
            int t = 1 + d;
            for (int i = 0; i < d; i++)
            {
                TV ri = TL.Multiply(weight, dx[i]);
                acc[1 + i] = TL.Add(acc[1 + i], ri);
                for (int j = i; j < d; j++) acc[t] = TL.Add(acc[t++], TL.Multiply(ri, dx[j]));
            }
        }
    }

    /// <summary>The same for D = 3 with the ten sums in registers (the same operations in the same order).</summary>
    private static void ShiftedMoments3<TL, TV>(ref double pixels, ref double r, int padded, ReadOnlySpan<double> mean, Span<TV> acc)
        where TL : struct, ILanes<TV>
        where TV : unmanaged
    {
        const int B = BlockSize;
        int w = TL.Count;
        TV m0 = TL.Broadcast(mean[0]), m1 = TL.Broadcast(mean[1]), m2 = TL.Broadcast(mean[2]);
        TV n = TL.Broadcast(0.0), s0 = n, s1 = n, s2 = n, s00 = n, s01 = n, s02 = n, s11 = n, s12 = n, s22 = n;
        for (int v = 0; v < padded; v += w)
        {
            TV weight = TL.Load(ref Unsafe.Add(ref r, v));
            TV x0 = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, v)), m0);
            TV x1 = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, B + v)), m1);
            TV x2 = TL.Subtract(TL.Load(ref Unsafe.Add(ref pixels, 2 * B + v)), m2);
            n = TL.Add(n, weight);
            TV r0 = TL.Multiply(weight, x0), r1 = TL.Multiply(weight, x1), r2 = TL.Multiply(weight, x2);
            s0 = TL.Add(s0, r0);
            s00 = TL.Add(s00, TL.Multiply(r0, x0));
            s01 = TL.Add(s01, TL.Multiply(r0, x1));
            s02 = TL.Add(s02, TL.Multiply(r0, x2));
            s1 = TL.Add(s1, r1);
            s11 = TL.Add(s11, TL.Multiply(r1, x1));
            s12 = TL.Add(s12, TL.Multiply(r1, x2));
            s2 = TL.Add(s2, r2);
            s22 = TL.Add(s22, TL.Multiply(r2, x2));
        }
        acc[0] = n;
        acc[1] = s0;
        acc[2] = s1;
        acc[3] = s2;
        acc[4] = s00;
        acc[5] = s01;
        acc[6] = s02;
        acc[7] = s11;
        acc[8] = s12;
        acc[9] = s22;
    }

    /// <summary>The first site of the vector at <paramref name="start"/> whose a_k (stored in the probabilities) are all −∞.</summary>
    private SiteOutOfRangeException OutOfRange(Scratch s, int start, int lanes, int count)
    {
        int end = Math.Min(start + lanes, count), site = end - 1;
        for (int j = start; j < end; j++)
        {
            bool all = true;
            for (int c = 0; c < _k; c++) all &= double.IsNegativeInfinity(s.Probabilities[c * BlockSize + j]);
            if (all)
            {
                site = j;
                break;
            }
        }
        return new SiteOutOfRangeException(s.Row, s.FirstX + s.Step * site);
    }

    private Scratch Rent()
    {
        lock (_pool)
        {
            if (_pool.Count > 0) return _pool.Pop();
        }
        return new Scratch(_k, _d);
    }

    private void Return(Scratch s)
    {
        lock (_pool) _pool.Push(s);
    }

    /// <summary>One worker's block scratch: O(K·D·BlockSize), independent of the image size.</summary>
    private sealed class Scratch(int k, int d)
    {
        /// <summary>The neighbours' stored q, [(offset·K + k)·BlockSize + site], with 16 floats of slack for wide loads.</summary>
        public readonly float[] NeighbourRows = new float[8 * k * BlockSize + 16];
        /// <summary>The block: sites (FirstX + Step·i, Row), i &lt; count.</summary>
        public int Row { get; private set; }

        public int FirstX { get; private set; }

        public int Step { get; private set; }

        public void SetBlock(int row, int firstX, int step) => (Row, FirstX, Step) = (row, firstX, step);

        public readonly double[] Pixels = new double[d * BlockSize];
        public readonly double[] Sums = new double[k * BlockSize];
        public readonly double[] LowerSums = new double[k * BlockSize];
        public readonly double[] LogDensities = new double[k * BlockSize];
        public readonly double[] Probabilities = new double[k * BlockSize];
    }
}

/// <summary>A pixel whose density underflows to 0 under every component (recorded per band, reported after the phase).</summary>
internal sealed class SiteOutOfRangeException(int y, int x) : Exception($"pixel ({x}, {y}) is out of range")
{
    public int Y { get; } = y;
    public int X { get; } = x;

    public ModelInputException ToModelInput() => new("pixels",
        $"The density of pixel (x = {X}, y = {Y}) underflows to 0 under every component: the data spans too many orders of magnitude for double precision. Rescale the data.");
}
