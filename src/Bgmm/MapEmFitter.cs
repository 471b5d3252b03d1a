using System.Globalization;
using Bgmm.Kernels;
using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// Fits a Bayesian Gaussian mixture by MAP expectation–maximisation (SPEC §3): each iteration one
/// E-step pass over the data returns the sufficient statistics and the log-likelihood, and the
/// M-step sets every parameter to the mode of its posterior. The log joint L = log p(X, θ) never
/// decreases.
/// </summary>
/// <remarks>
/// The loop never holds an N×K matrix: the pass (<see cref="MixtureStatistics"/>) hands K·(1+D+D²)
/// numbers to the M-step. The pass runs over fixed chunks merged in chunk order, so results are
/// bit-identical for any thread count. Restarts are independent (restart i is initialised from
/// (seed, i) alone) and the one with the highest final L wins.
/// </remarks>
public static class MapEmFitter
{
    /// <summary>
    /// Components whose responsibility mass is at most this fraction of the total weight are
    /// reported as empty (in practice their mass is exactly 0).
    /// </summary>
    public const double EmptyFraction = 1e-12;

    /// <summary>Fits K components to <paramref name="data"/> under <paramref name="prior"/>.</summary>
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
        prior ??= MixturePrior.Default(data.Dimension);
        prior.CheckDimension(data.Dimension);
        Validate(data, prior, options);

        int k = options.Components;
        using var pass = new StatisticsPass(data, k, ResolveThreads(options.Threads), KernelSelector.Select(data.Dimension, options.Precision));
        bool explicitInit = options.Initialization is Initialization.Explicit;
        int restarts = explicitInit ? 1 : options.Restarts;

        RestartOutcome? best = null;
        var finals = new double[restarts];
        for (int r = 0; r < restarts; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GaussianMixture initial = Initialize(data, prior, options, r);
            RestartOutcome outcome = RunRestart(pass, data, prior, options, initial, r, restarts, progress, cancellationToken);
            finals[r] = outcome.Trace[^1];
            if (best is null || outcome.Trace[^1] > best.Trace[^1]) best = outcome;
        }
        return Finish(best!, data, prior, options, finals, pass.KernelName);
    }

    /// <summary>The M-step (SPEC §3): the posterior mode of every component and of the weights.</summary>
    /// <param name="statistics">The E-step's sufficient statistics.</param>
    /// <param name="prior">The prior.</param>
    public static GaussianMixture MStep(MixtureStatistics statistics, MixturePrior prior)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(prior);
        prior.CheckDimension(statistics.Dimension);
        int k = statistics.Components, d = statistics.Dimension;
        var counts = new double[k];
        var components = new GaussianComponent[k];
        for (int c = 0; c < k; c++)
        {
            counts[c] = statistics.Count(c);
            var mean = new double[d];
            var covariance = new double[d * d];
            prior.Components.PosteriorMode(counts[c], statistics.Mean(c), statistics.Scatter(c), mean, covariance);
            components[c] = GaussianComponent.TryCreate(mean, covariance)
                ?? throw new InvalidOperationException(
                    $"Covariance {c} lost positive definiteness to rounding: the data's scale is extreme relative to sigma0. Rescale the data or choose sigma0 on the data's scale.");
        }
        // N = Σ_k N_k (equal to the total weight up to rounding), so the weights sum to 1 to rounding.
        var weights = new double[k];
        prior.Weights.PosteriorMode(counts, weights);
        return new GaussianMixture(weights, components);
    }

    internal static int ResolveThreads(int threads) => threads > 0 ? threads : Environment.ProcessorCount;

    private sealed record RestartOutcome(int Restart, GaussianMixture Mixture, double[] Trace, int Iterations,
        bool Converged, MixtureStatistics Statistics);

    private static RestartOutcome RunRestart(StatisticsPass pass, Dataset data, MixturePrior prior, FitOptions options,
        GaussianMixture theta, int restart, int restarts, IProgress<FitProgress>? progress, CancellationToken cancellationToken)
    {
        var trace = new List<double>(Math.Min(options.MaxIterations, 10_000) + 1);
        MixtureStatistics statistics = pass.Run(new EStepModel(theta), cancellationToken);
        trace.Add(LogJoint(statistics, prior, theta));
        progress?.Report(new FitProgress(restart, restarts, 0, options.MaxIterations, trace[^1]));

        int iterations = 0;
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            theta = MStep(statistics, prior);
            statistics = pass.Run(new EStepModel(theta), cancellationToken);
            double l = LogJoint(statistics, prior, theta);
            iterations++;
            trace.Add(l);
            progress?.Report(new FitProgress(restart, restarts, iterations, options.MaxIterations, l));
            if (options.Tolerance > 0 && Math.Abs(l - trace[^2]) <= options.Tolerance * Math.Abs(l))
            {
                converged = true;
                break;
            }
        }
        return new RestartOutcome(restart, theta, [.. trace], iterations, converged, statistics);
    }

    private static double LogJoint(MixtureStatistics statistics, MixturePrior prior, GaussianMixture theta)
    {
        double l = statistics.LogLikelihood + prior.LogDensity(theta);
        if (!double.IsFinite(l))
        {
            throw new InvalidOperationException(
                $"The log joint became {l.ToString(CultureInfo.InvariantCulture)}: the data or the prior is outside double precision's range. Rescale the data.");
        }
        return l;
    }

    private static GaussianMixture Initialize(Dataset data, MixturePrior prior, FitOptions options, int restart)
    {
        var rng = new RandomStream(options.Seed, (ulong)restart);
        return options.Initialization switch
        {
            Initialization.Explicit e => e.Mixture,
            Initialization.KMeansPlusPlusSeeding => Initializers.FromRows(data, Initializers.KMeansPlusPlusRows(data, options.Components, rng), prior),
            _ => Initializers.FromRows(data, Initializers.RandomRows(data, options.Components, rng), prior),
        };
    }

    /// <summary>Puts the components in canonical order and lists the empty ones.</summary>
    private static FitResult Finish(RestartOutcome best, Dataset data, MixturePrior prior, FitOptions options,
        double[] finals, string kernel)
    {
        GaussianMixture theta = best.Mixture;
        int k = theta.Components;
        int[] order = CanonicalOrder(theta);
        var weights = new double[k];
        var components = new GaussianComponent[k];
        var counts = new double[k];
        var empty = new List<int>();
        for (int i = 0; i < k; i++)
        {
            weights[i] = theta.WeightSpan[order[i]];
            components[i] = theta.Component(order[i]);
            counts[i] = best.Statistics.Count(order[i]);
            if (counts[i] <= EmptyFraction * data.TotalWeight) empty.Add(i);
        }
        var ordered = new GaussianMixture(weights, components);
        return new FitResult(ordered, prior, options, best.Trace, best.Iterations, best.Converged, best.Restart,
            finals, [.. empty], counts, best.Statistics.LogLikelihood, prior.LogDensity(ordered), data.PointCount, data.TotalWeight, kernel);
    }

    /// <summary>Descending weight; ties broken by the mean, lexicographically ascending.</summary>
    internal static int[] CanonicalOrder(GaussianMixture mixture)
    {
        int[] order = [.. Enumerable.Range(0, mixture.Components)];
        Array.Sort(order, (a, b) =>
        {
            int byWeight = mixture.WeightSpan[b].CompareTo(mixture.WeightSpan[a]);
            if (byWeight != 0) return byWeight;
            double[] ma = mixture.Component(a).Mean, mb = mixture.Component(b).Mean;
            for (int j = 0; j < ma.Length; j++)
            {
                int byMean = ma[j].CompareTo(mb[j]);
                if (byMean != 0) return byMean;
            }
            return a.CompareTo(b);
        });
        return order;
    }

    private static void Validate(Dataset data, MixturePrior prior, FitOptions options)
    {
        int k = options.Components;
        if (k < 1)
            throw new ModelInputException("components", $"K = {k}: the number of components must be ≥ 1.");
        if (k > data.PointCount)
            throw new ModelInputException("components", $"K = {k} but the data has only {data.PointCount} point{(data.PointCount == 1 ? "" : "s")}: choose K ≤ {data.PointCount}.");
        if (options.MaxIterations < 0)
            throw new ModelInputException("maxIterations", $"max iterations = {options.MaxIterations}: it must be ≥ 0.");
        if (!double.IsFinite(options.Tolerance) || options.Tolerance < 0)
            throw new ModelInputException("tolerance", $"tolerance = {options.Tolerance.ToString(CultureInfo.InvariantCulture)}: it must be a finite number ≥ 0 (0 runs every iteration).");
        if (options.Restarts < 1)
            throw new ModelInputException("restarts", $"restarts = {options.Restarts}: it must be ≥ 1.");
        if (options.Threads < 0)
            throw new ModelInputException("threads", $"threads = {options.Threads}: it must be ≥ 0 (0 = all cores).");
        ArgumentNullException.ThrowIfNull(options.Initialization);
        if (options.Initialization is Initialization.Explicit e)
        {
            GaussianMixture m = e.Mixture;
            if (m.Components != k)
                throw new ModelInputException("init", $"the initial mixture has {m.Components} components but K = {k}: give K weights, means and covariances.");
            if (m.Dimension != data.Dimension)
                throw new ModelInputException("init", $"the initial mixture has D = {m.Dimension} but the data has D = {data.Dimension}.");
            if (prior.Weights.Alpha > 1.0)
            {
                for (int c = 0; c < k; c++)
                {
                    if (m.WeightSpan[c] == 0)
                        throw new ModelInputException("init", $"initial weight {c} is 0, which has zero prior density with alpha = {prior.Weights.Alpha.ToString(CultureInfo.InvariantCulture)} > 1: give every component a positive weight.");
                }
            }
        }
        else
        {
            Initializers.RequireDistinct(data, k);
        }
    }
}
