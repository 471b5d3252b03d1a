using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// Fits a Bayesian Gaussian mixture to a <see cref="Dataset"/> by MAP expectation–maximisation (SPEC §3):
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
        Validate(data, options);

        ArgumentNullException.ThrowIfNull(options.Model, nameof(options));
        options.Model.CheckDimension(data.Dimension);

        bool oneStart = options.Initialization is Initialization.Explicit or Initialization.Partition;
        var settings = new EmSettings(options.MaxIterations, options.Tolerance, oneStart ? 1 : options.Restarts) { Model = options.Model };
        MixtureStatistics? partition = options.Initialization is Initialization.Partition p
            ? MixtureStatistics.FromPartition(data, p.Labels, options.ComponentCount)
            : null;
        using var source = new DatasetSource(data, options.ComponentCount, options.Threads, options.Precision);
        EmRun run = partition is not null
            ? EmDriver.Run(source, prior, settings, partition, progress, cancellationToken)
            : EmDriver.Run(source, prior, settings, r => Initialize(data, prior, options, r), progress, cancellationToken, "initialization");
        return new FitResult(run, prior, options, data.PointCount, data.TotalWeight, source.KernelName);
    }

    /// <summary>The M-step (SPEC §3): the posterior mode of every component and of the weights.</summary>
    /// <param name="statistics">The E-step's sufficient statistics.</param>
    /// <param name="prior">The prior.</param>
    /// <param name="model">The covariance model (default <see cref="CovarianceModel.Full"/>).</param>
    /// <exception cref="ModelInputException">A covariance lost positive definiteness to rounding: the data's scale is extreme relative to Σ0.</exception>
    public static GaussianMixture MStep(MixtureStatistics statistics, MixturePrior prior, CovarianceModel? model = null) =>
        (model ?? CovarianceModel.Full).PosteriorMode(statistics, prior);

    private static GaussianMixture Initialize(Dataset data, MixturePrior prior, FitOptions options, int restart)
    {
        var rng = new RandomStream(options.Seed, (ulong)restart);
        return options.Initialization switch
        {
            Initialization.Explicit e => e.Mixture,
            Initialization.KMeansPlusPlusSeeding => Initializers.FromRows(data, Initializers.KMeansPlusPlusRows(data, options.ComponentCount, rng), prior, options.Model),
            _ => Initializers.FromRows(data, Initializers.RandomRows(data, options.ComponentCount, rng), prior, options.Model),
        };
    }

    private static void Validate(Dataset data, FitOptions options)
    {
        int k = options.ComponentCount;
        if (k < 1)
            throw new ModelInputException("componentCount", $"K = {k}: the number of components must be ≥ 1.");
        if (k > data.PointCount)
            throw new ModelInputException("componentCount", $"K = {k} but the data has only {data.PointCount} point{(data.PointCount == 1 ? "" : "s")}: choose K ≤ {data.PointCount}.");
        if (options.Threads < 0)
            throw new ModelInputException("threads", $"threads = {options.Threads}: it must be ≥ 0 (0 = all cores).");
        if (options.Initialization is not (Initialization.Explicit or Initialization.Partition)) Initializers.RequireDistinct(data, k);
    }
}
