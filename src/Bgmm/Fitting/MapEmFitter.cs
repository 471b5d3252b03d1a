using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// Fits a Bayesian Gaussian mixture to a <see cref="Dataset"/> (or, by <see cref="FitSource"/>, to the data behind
/// any <see cref="StatisticsSource"/>) by MAP expectation–maximisation (SPEC §3):
/// each iteration one E-step pass over the data returns the sufficient statistics and the
/// log-likelihood, and the M-step sets every parameter to the mode of its posterior. The log joint
/// L = log p(X, θ) never decreases.
/// </summary>
/// <remarks>
/// This is <see cref="EmDriver"/> over the dataset's <see cref="StatisticsSource"/>, with the initial
/// mixtures of <see cref="FitOptions.Initialization"/>. The pass never holds an N×K matrix: it hands
/// K·(1+D+D²) numbers to the M-step, over fixed chunks merged in chunk order, so results are
/// bit-identical for any thread count. Restart i is initialised from (seed, i) alone and the one with
/// the highest final L wins.
/// </remarks>
public static class MapEmFitter
{
    /// <summary>Fits <see cref="FitOptions.ComponentCount"/> components to <paramref name="data"/> under <paramref name="prior"/>.</summary>
    /// <param name="data">The points (N×D), optionally weighted.</param>
    /// <param name="prior">The prior; null for <see cref="MixturePrior.Default"/> of the data's D.</param>
    /// <param name="options">K, iterations, tolerance, restarts, seed, initialisation, threads.</param>
    /// <param name="progress">Told after every iteration (synchronously, on the fitting thread).</param>
    /// <param name="cancellationToken">Stops the fit between iterations (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ModelInputException">An option, the prior or the initial mixture does not fit the data.</exception>
    public static FitResult Fit(Dataset data, MixturePrior? prior, FitOptions options,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Initialization, nameof(options));
        prior ??= MixturePrior.Default(data.Dimension);
        prior.CheckDimension(data.Dimension);
        var rows = new DatasetRows(data, sourcePoints: false);
        Validate(data.PointCount, rows, options, cancellationToken);
        MixtureStatistics? partition = options.Initialization is Initialization.Partition p
            ? MixtureStatistics.FromPartition(data, p.Labels, options.ComponentCount)
            : null;
        using var source = new DatasetSource(data, options.ComponentCount, options.Threads, options.Precision);
        return Run(source, new DatasetRows(data, sourcePoints: true), rows, prior, options, partition, progress, cancellationToken);
    }

    /// <summary>
    /// Fits <see cref="FitOptions.ComponentCount"/> components to the data behind <paramref name="source"/>
    /// (files read in chunks, the parts of a data set), whose rows <paramref name="rows"/> reads: what
    /// <see cref="Fit"/> does for a dataset, with the same checks and the same initial mixtures. A source
    /// whose statistics are those of an uncompressed dataset, with a reader of that dataset's rows, gives
    /// the dataset's fit bit for bit.
    /// </summary>
    /// <param name="source">The E-step over the data; its threads and arithmetic are its own (<see cref="FitOptions.Threads"/> and <see cref="FitOptions.Precision"/> are not used).</param>
    /// <param name="rows">The same rows, in the order that defines the draws of the initialisation.</param>
    /// <param name="prior">The prior; null for <see cref="MixturePrior.Default"/> of the data's D.</param>
    /// <param name="options">K, iterations, tolerance, restarts, seed, initialisation (a partition labels the rows of <paramref name="rows"/>).</param>
    /// <param name="progress">Told after every iteration (synchronously, on the fitting thread).</param>
    /// <param name="cancellationToken">Stops the fit between iterations and between the blocks of the initialisation's scans.</param>
    /// <exception cref="ModelInputException">An option, the prior or the initial mixture does not fit the data.</exception>
    public static FitResult FitSource(StatisticsSource source, IRowReader rows, MixturePrior? prior, FitOptions options,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FitPool(source, rows, rows, prior, options, progress, cancellationToken);

    /// <summary>
    /// As <see cref="FitSource(StatisticsSource, IRowReader, MixturePrior?, FitOptions, IProgress{FitProgress}?, CancellationToken)"/>
    /// for a source over a table of distinct rows weighted by counts (<paramref name="rows"/>), whose random
    /// draws come from the source points <paramref name="points"/> (an image's pixels): the fit of a
    /// compressed dataset, without holding every point's row.
    /// </summary>
    internal static FitResult FitTable(StatisticsSource source, IRowReader rows, ISourcePointRows points, MixturePrior? prior, FitOptions options,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FitPool(source, points, rows, prior, options, progress, cancellationToken);

    private static FitResult FitPool(StatisticsSource source, IRowReader pool, IRowReader rows, MixturePrior? prior, FitOptions options,
        IProgress<FitProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Initialization, nameof(options));
        if (rows.Dimension != source.Dimension)
            throw new ArgumentException($"the rows have D = {rows.Dimension} but the source has D = {source.Dimension}.", nameof(rows));
        if (pool.Dimension != source.Dimension)
            throw new ArgumentException($"the points have D = {pool.Dimension} but the source has D = {source.Dimension}.", nameof(pool));
        if (options.Initialization is Initialization.Partition && !ReferenceEquals(pool, rows))
            throw new ModelInputException("initialization", "a partition labels the source's points, not a table of distinct rows: fit every point to start from it.");
        prior ??= MixturePrior.Default(source.Dimension);
        prior.CheckDimension(source.Dimension);
        Validate(source.PointCount, rows, options, cancellationToken);
        MixtureStatistics? partition = options.Initialization is Initialization.Partition p
            ? MixtureStatistics.FromPartition(rows, p.Labels, options.ComponentCount, cancellationToken)
            : null;
        return Run(source, pool, rows, prior, options, partition, progress, cancellationToken);
    }

    /// <summary>The M-step (SPEC §3): the posterior mode of every component and of the weights.</summary>
    /// <param name="statistics">The E-step's sufficient statistics.</param>
    /// <param name="prior">The prior.</param>
    /// <param name="model">The covariance model (default <see cref="CovarianceModel.Full"/>).</param>
    /// <exception cref="ModelInputException">A covariance lost positive definiteness to rounding: the data's scale is extreme relative to Σ0.</exception>
    public static GaussianMixture MStep(MixtureStatistics statistics, MixturePrior prior, CovarianceModel? model = null) =>
        (model ?? CovarianceModel.Full).PosteriorMode(statistics, prior);

    /// <summary>EM from the initial mixtures: random rows drawn from <paramref name="pool"/>, k-means++ over <paramref name="rows"/>.</summary>
    private static FitResult Run(StatisticsSource source, IRowReader pool, IRowReader rows, MixturePrior prior, FitOptions options,
        MixtureStatistics? partition, IProgress<FitProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options.Model, nameof(options));
        options.Model.CheckDimension(source.Dimension);
        bool oneStart = options.Initialization is Initialization.Explicit or Initialization.Partition;
        var settings = new EmSettings(options.MaxIterations, options.Tolerance, oneStart ? 1 : options.Restarts) { Model = options.Model };
        EmRun run = partition is not null
            ? EmDriver.Run(source, prior, settings, partition, progress, cancellationToken)
            : EmDriver.Run(source, prior, settings, r => Initialize(pool, rows, prior, options, r, cancellationToken), progress, cancellationToken, "initialization");
        return new FitResult(run, prior, options, source.PointCount, source.TotalWeight, source.KernelName);
    }

    private static GaussianMixture Initialize(IRowReader pool, IRowReader rows, MixturePrior prior, FitOptions options, int restart, CancellationToken cancellationToken)
    {
        var rng = new RandomStream(options.Seed, (ulong)restart);
        switch (options.Initialization)
        {
            case Initialization.Explicit e:
                return e.Mixture;
            case Initialization.KMeansPlusPlusSeeding:
                long first = RowOf(pool, rows, Initializers.RandomRows(pool, 1, rng)[0]);
                return Initializers.FromRows(rows, Initializers.KMeansPlusPlusRows(rows, first, options.ComponentCount, rng, cancellationToken), prior, options.Model);
            default:
                return Initializers.FromRows(pool, Initializers.RandomRows(pool, options.ComponentCount, rng), prior, options.Model);
        }
    }

    /// <summary>The row of <paramref name="rows"/> that row <paramref name="row"/> of <paramref name="pool"/> reads (they differ for a compressed dataset).</summary>
    private static long RowOf(IRowReader pool, IRowReader rows, long row) =>
        pool != rows && pool is ISourcePointRows points ? points.TableRow(row) : row;

    private static void Validate(long points, IRowReader rows, FitOptions options, CancellationToken cancellationToken)
    {
        int k = options.ComponentCount;
        if (k < 1)
            throw new ModelInputException("componentCount", $"K = {k}: the number of components must be ≥ 1.");
        if (k > points)
            throw new ModelInputException("componentCount", $"K = {k} but the data has only {points} point{(points == 1 ? "" : "s")}: choose K ≤ {points}.");
        if (options.Threads < 0)
            throw new ModelInputException("threads", $"threads = {options.Threads}: it must be ≥ 0 (0 = all cores).");
        if (options.Initialization is not (Initialization.Explicit or Initialization.Partition)) Initializers.RequireDistinct(rows, k, cancellationToken);
    }
}
