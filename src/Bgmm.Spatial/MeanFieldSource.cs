using Bgmm.Kernels;

namespace Bgmm.Spatial;

/// <summary>
/// The mean-field E-step of SPEC §6 as a <see cref="StatisticsSource"/>: it holds q (the one per-pixel
/// N×K array, float32, in <see cref="PottsLattice"/>'s layout) and runs the sweeps over it, one colour
/// class at a time, over fixed bands of sub-lattice rows in parallel.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> A site's update reads only its own pixel and neighbours of other colours,
/// none of which change while its colour class is updated, so a class can be updated in any order and on
/// any number of threads with bit-identical q. The bands are fixed by the image's size alone; F's terms
/// and the statistics are summed per band and the bands combined in order.</para>
/// <para><b>F.</b> The final sweep of an E-step sums, per site, Σ_k q̃ log q̃ and β Σ_k q̃_k q̃_mk over its
/// neighbours of lower colour (final already; each edge counted once, at its higher-coloured end), and
/// the moments about μ_k with r = q̃. The remaining term Σ_n Σ_k q̃_nk ℓ_nk (ℓ = log π_k N(x_n | θ_k))
/// is exact from those moments: Σ_n q̃_nk ℓ_nk = N_k c_k − ½ tr(P_k M_k P_kᵀ), M_k the second moment
/// about μ_k (<see cref="DataTerm"/>), so no per-pixel log-density is kept.</para>
/// </remarks>
internal sealed class MeanFieldSource : StatisticsSource, IPartitionedWork
{
    /// <summary>About this many sites per band (whole sub-lattice rows), fixed by the image's size alone.</summary>
    public const int BandSites = 4096;

    private readonly PottsLattice _lattice;
    private readonly PointStorage _pixels;
    private readonly double _beta;
    private readonly int _sweeps;
    private readonly VectorWidth _width;
    private readonly WorkPartitioner _partitioner;
    private readonly Band[][] _bands;
    private readonly Band[] _allBands;
    private readonly double[][][] _bandResults;
    private SitePhase? _phase;
    private Band[] _running = [];
    private int _runningColour;

    public MeanFieldSource(Dataset pixels, PottsGrid grid, int components, double beta, int sweeps, int threads, VectorWidth width)
        : base(pixels.Dimension, pixels.PointCount, pixels.TotalWeight)
    {
        _lattice = new PottsLattice(grid, components);
        _pixels = pixels.Storage.Select(_lattice.PixelOrder);
        _beta = beta;
        _sweeps = sweeps;
        _width = width;
        _partitioner = new WorkPartitioner(threads);
        _bands = new Band[grid.ColourCount][];
        _bandResults = new double[grid.ColourCount][][];
        var all = new List<Band>();
        for (int colour = 0; colour < grid.ColourCount; colour++)
        {
            var bands = new List<Band>();
            foreach (int s in _lattice.SubLattices(colour))
            {
                int rows = Math.Max(1, BandSites / _lattice.SubWidth[s]);
                for (int j = 0; j < _lattice.SubHeight[s]; j += rows) bands.Add(new Band(s, j, Math.Min(_lattice.SubHeight[s], j + rows)));
            }
            _bands[colour] = [.. bands];
            _bandResults[colour] = [.. bands.Select(_ => new double[ResultLength])];
        }
        for (int s = 0; s < 4; s++) all.AddRange(_bands.SelectMany(b => b).Where(b => b.Sub == s));
        _allBands = [.. all];
    }

    public PottsLattice Lattice => _lattice;

    private byte[]? _classes;
    private long _classChanges = -1;

    /// <summary>
    /// Puts the Potts prior on classes of components and clamps pixels out of classes (<see cref="PottsLattice.Restrict"/>);
    /// the source is then <see cref="Settled"/> after an E-step in which no pixel changed class (argmax_c Σ_(k in c) q_nk).
    /// </summary>
    public void Restrict(byte[] classOf, ReadOnlySpan<byte> forbiddenByPixel)
    {
        _lattice.Restrict(classOf, forbiddenByPixel);
        _classes = new byte[_lattice.Grid.PixelCount];
    }

    /// <summary>Pixels whose class changed in the last E-step (−1 before the second E-step, or without classes).</summary>
    public long ClassChanges => _classChanges;

    /// <inheritdoc />
    public override bool Settled => _classChanges == 0;

    /// <summary>Each pixel's class, argmax_c Σ_(k in c) q_nk (ties: the lower class), as of the last E-step.</summary>
    public ReadOnlySpan<byte> Classes => _classes;

    private void UpdateClasses(bool first)
    {
        byte[] classOf = _lattice.ClassOf!;
        int k = K;
        Span<float> q = stackalloc float[k];
        Span<double> mass = stackalloc double[8];
        long changes = 0;
        for (int pixel = 0; pixel < _classes!.Length; pixel++)
        {
            _lattice.GetMarginals(pixel, q);
            mass.Clear();
            for (int c = 0; c < k; c++) mass[classOf[c]] += q[c];
            byte best = 0;
            for (byte c = 1; c < 8; c++)
            {
                if (mass[c] > mass[best]) best = c;
            }
            if (_classes[pixel] != best) changes++;
            _classes[pixel] = best;
        }
        _classChanges = first ? -1 : changes;
    }

    public override string KernelName => "mean-field-" + _width.ToString().ToLowerInvariant();

    private int K => _lattice.ComponentCount;

    /// <summary>Per band of a final sweep: the statistics' layout (shifted moments), then Σ q̃ log2 q̃ and the edge sum.</summary>
    private int ResultLength => MixtureStatistics.Length(K, Dimension) + 2;

    /// <summary>q ← the responsibilities at θ_0 (every site at once, β = 0).</summary>
    public override void Start(GaussianMixture initial, CancellationToken cancellationToken)
    {
        RunPhase(new SitePhase(_lattice, _pixels, new EStepModel(initial), 0.0, SitePass.Initial, -1), _allBands, -1, cancellationToken);
        if (_classes is not null) UpdateClasses(first: true);
    }

    /// <summary>One E-step: the sweeps at θ; F's site terms and the statistics with r = q̃ from the last.</summary>
    public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken)
    {
        var model = new EStepModel(parameters);
        for (int sweep = 1; sweep <= _sweeps; sweep++)
        {
            SitePass pass = sweep == _sweeps ? SitePass.FinalSweep : SitePass.Sweep;
            for (int colour = 0; colour < _bands.Length; colour++)
            {
                RunPhase(new SitePhase(_lattice, _pixels, model, _beta, pass, colour), _bands[colour], colour, cancellationToken);
            }
        }
        int k = K, d = Dimension, layout = MixtureStatistics.Length(k, d);
        var total = new double[layout];
        double entropyBits = 0, edges = 0;
        foreach (double[][] colour in _bandResults)
        {
            foreach (double[] band in colour)
            {
                MixtureStatistics.ShiftedToCentred(band, k, d, model.Means);
                band[layout - 1] = 0;
                MixtureStatistics.MergeInto(total, band, k, d);
                entropyBits += band[layout];
                edges += band[layout + 1];
            }
        }
        if (_classes is not null) UpdateClasses(first: false);
        var statistics = new MixtureStatistics(k, d, total);
        double f = DataTerm(statistics, model) - FastMath.Ln2 * entropyBits + _beta * edges;
        return new EStepResult(statistics, f);
    }

    /// <summary>
    /// Updates the given sites once each, in the given order, on this thread (for tests). Sites updated
    /// in one call must be pairwise non-adjacent for the order not to matter.
    /// </summary>
    public void UpdateSites(GaussianMixture parameters, double beta, ReadOnlySpan<int> pixels)
    {
        var model = new EStepModel(parameters);
        foreach (int pixel in pixels)
        {
            (int s, int i, int j) = _lattice.SiteOf(pixel);
            _phase = new SitePhase(_lattice, _pixels, model, beta, SitePass.Sweep, _lattice.Colour(s));
            var call = new BandCall(this, new Band(s, j, j + 1), i, 1, null);
            VectorWidths.Dispatch(_width, ref call);
        }
        _phase = null;
    }

    /// <summary>Σ_n Σ_k q̃_nk ℓ_nk from the statistics: N_k c_k − ½ (tr(P_k W_k P_kᵀ) + N_k ‖P_k (x̄_k − μ_k)‖²).</summary>
    private static double DataTerm(MixtureStatistics statistics, EStepModel model)
    {
        int d = model.D;
        double sum = 0;
        Span<double> offset = stackalloc double[d];
        for (int c = 0; c < model.K; c++)
        {
            double n = statistics.Count(c);
            if (n == 0) continue;
            ReadOnlySpan<double> mean = statistics.Mean(c);
            for (int i = 0; i < d; i++) offset[i] = mean[i] - model.Means[c * d + i];
            ReadOnlySpan<double> factor = model.PrecisionFactors.AsSpan(c * d * d, d * d);
            double quadratic = Numerics.SmallMatrix.TraceCongruence(factor, statistics.Scatter(c), d)
                + n * Numerics.SmallMatrix.LowerTimesVectorSquaredNorm(factor, offset, d);
            sum += n * model.LogConstants[c] - 0.5 * quadratic;
        }
        return sum;
    }

    private void RunPhase(SitePhase phase, Band[] bands, int colour, CancellationToken cancellationToken)
    {
        _phase = phase;
        _running = bands;
        _runningColour = colour;
        if (phase.Pass == SitePass.FinalSweep)
        {
            foreach (double[] result in _bandResults[colour]) Array.Clear(result);
        }
        try
        {
            _partitioner.Run(bands.Length, this, 1, cancellationToken);
        }
        finally
        {
            _phase = null;
        }
    }

    void IPartitionedWork.Run(int item)
    {
        double[]? result = _phase!.Pass == SitePass.FinalSweep ? _bandResults[_runningColour][item] : null;
        var call = new BandCall(this, _running[item], 0, -1, result);
        VectorWidths.Dispatch(_width, ref call);
    }

    protected override void Dispose(bool disposing) => _partitioner.Dispose();

    /// <summary>Rows [J0, J1) of sub-lattice <see cref="Sub"/>.</summary>
    private readonly record struct Band(int Sub, int J0, int J1);

    /// <summary>One band (or, with a count, one run of sites) on one width.</summary>
    private readonly struct BandCall(MeanFieldSource source, Band band, int firstSite, int siteCount, double[]? result) : IWidthCall
    {
        public void Invoke<TOps, TV>()
            where TOps : struct, IVectorOps<TV>
            where TV : unmanaged
        {
            var rows = new RowsCall<TOps, TV>(source, band, firstSite, siteCount, result);
            source._pixels.Visit(ref rows);
        }
    }

    private readonly struct RowsCall<TOps, TV>(MeanFieldSource source, Band band, int firstSite, int siteCount, double[]? result) : IPlaneVisitor
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged
    {
        public void Visit<TReader>(Array[] planes, double scale)
            where TReader : struct, IPlaneReader
        {
            SitePhase phase = source._phase!;
            PottsLattice lattice = source._lattice;
            int k = lattice.ComponentCount, d = source.Dimension, n = TOps.Count;
            int blockSites = KernelLayout.BlockRows(k), blockVectors = blockSites / n;
            int moments = KernelLayout.MomentsPerComponent(d);
            KernelBlock<TV> block = KernelScratch<TV>.Current.Create<TOps>(phase.Model, 1.0, blockVectors, true, k * moments + 2,
                (2 * k + 8) * (blockVectors + 1));
            int width = lattice.SubWidth[band.Sub];
            for (int j = band.J0; j < band.J1; j++)
            {
                int end = siteCount < 0 ? width : firstSite + siteCount;
                for (int i = siteCount < 0 ? 0 : firstSite; i < end; i += blockSites)
                {
                    int failed = SiteKernel<TOps, TV>.UpdateRow<TReader>(ref block, phase, planes, band.Sub, j, i, Math.Min(blockSites, end - i));
                    if (failed >= 0) throw OutOfRange(band.Sub, failed, j);
                }
            }
            if (result is null) return;
            int layout = MixtureStatistics.Length(k, d);
            Simd<TOps, TV>.AddMoments(phase.Model, 1.0, block.Lanes, result);
            result[layout] += Simd<TOps, TV>.SumLanes(block.Lanes, k * moments, n);
            result[layout + 1] += Simd<TOps, TV>.SumLanes(block.Lanes, k * moments + 1, n);
        }
    }

    private static ModelInputException OutOfRange(int sub, int i, int j) => new("pixels",
        $"The density of pixel (x = {2 * i + (sub & 1)}, y = {2 * j + (sub >> 1)}) underflows to 0 under every component: the data spans too many orders of magnitude for double precision. Rescale the data.");
}
