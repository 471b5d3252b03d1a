using System.Globalization;

namespace Bgmm;

/// <summary>The loop settings of <see cref="EmDriver"/> (validated there).</summary>
/// <param name="MaxIterations">Maximum EM iterations (M-steps) per restart, ≥ 0.</param>
/// <param name="Tolerance">Stop at the first t with |O_t − O_{t−1}| ≤ tol·|O_t| (O the objective); 0 runs every iteration.</param>
/// <param name="Restarts">Initial mixtures to run, ≥ 1; the highest final objective wins.</param>
public sealed record EmSettings(int MaxIterations, double Tolerance, int Restarts = 1)
{
    /// <summary>The covariance model: the M-step and the log prior (default <see cref="CovarianceModel.Full"/>).</summary>
    public CovarianceModel Model { get; init; } = CovarianceModel.Full;
}

/// <summary>
/// The one EM loop of the library (SPEC §3), over any <see cref="StatisticsSource"/>: restarts, the
/// E-step/M-step loop, the stopping rule, progress, cancellation, canonical order and empty
/// components are written here once. The M-step is the covariance model's posterior mode; the objective
/// is the source's data term plus log p(θ) — the log joint L for independent points, F for the Potts model —
/// and EM never decreases it.
/// </summary>
/// <remarks>
/// Trace entry 0 is the objective at θ_0 (after the source's first E-step there), entry t after the t-th
/// M-step and the E-step that follows; a run from a partition has no θ_0 and its entry 0 is the partition's
/// lower bound (the second <c>Run</c>). Restart r starts from <c>initialMixture(r)</c> alone, so restarts
/// are independent and their order does not matter; the first restart with the highest final objective wins.
/// </remarks>
public static class EmDriver
{
    /// <summary>
    /// Components whose responsibility mass is at most this fraction of the total weight are reported
    /// as empty (in practice their mass is exactly 0).
    /// </summary>
    public const double EmptyFraction = 1e-12;

    /// <summary>Runs EM from each restart's initial mixture and returns the best run.</summary>
    /// <param name="source">The E-step's data.</param>
    /// <param name="prior">The prior of the M-step and of the objective.</param>
    /// <param name="settings">Iterations, tolerance, restarts.</param>
    /// <param name="initialMixture">θ_0 of restart r (all of the source's D and one K).</param>
    /// <param name="progress">Told after every E-step (synchronously, on the calling thread).</param>
    /// <param name="cancellationToken">Stops the run between E-steps (throws <see cref="OperationCanceledException"/>).</param>
    /// <param name="initialParameter">How errors about an initial mixture name it (the caller's parameter).</param>
    /// <exception cref="ModelInputException">A setting, the prior or an initial mixture does not fit the source.</exception>
    public static EmRun Run(StatisticsSource source, MixturePrior prior, EmSettings settings, Func<int, GaussianMixture> initialMixture,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default, string initialParameter = "initialMixture")
    {
        ArgumentNullException.ThrowIfNull(initialMixture);
        Validate(source, prior, settings);

        Restart? best = null;
        var finals = new double[settings.Restarts];
        int k = 0;
        for (int r = 0; r < settings.Restarts; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GaussianMixture initial = initialMixture(r) ?? throw new InvalidOperationException($"No initial mixture for restart {r}.");
            if (r == 0) k = initial.ComponentCount;
            ValidateInitial(initial, source, prior, settings.Model, k, initialParameter);
            Restart run = RunRestart(source, prior, settings, initial, null, r, progress, cancellationToken);
            finals[r] = run.Trace[^1];
            if (best is null || run.Trace[^1] > best.Trace[^1]) best = run;
        }
        return Finish(best!, source, prior, settings.Model, finals);
    }

    /// <summary>
    /// Runs EM from a partition of the data (one restart): the run starts with the M-step from
    /// <paramref name="partition"/>, the statistics of a hard assignment of every point to one component, as
    /// mclust's <c>me()</c> starts from <c>unmap(labels)</c>. That M-step is iteration 1.
    /// </summary>
    /// <remarks>
    /// Trace entry 0 is EM's lower bound at the start: the partition's classification log joint at θ_1,
    /// log p(X, z, θ_1) = Σ_k [N_k log π_k + Σ_(n: z_n = k) w_n log N(x_n | μ_k, Σ_k)] + log p(θ_1) — what the
    /// first M-step maximised, and never above entry 1 = L(θ_1) (a sum over components is at least its
    /// z_n-th term). The stopping rule is first applied at iteration 2 (entry 0 is not a value of L), as
    /// mclust never stops at its first iteration.
    /// </remarks>
    /// <param name="source">The E-step's data.</param>
    /// <param name="prior">The prior of the M-step and of the objective.</param>
    /// <param name="settings">Iterations (≥ 1), tolerance; restarts are ignored (a partition is one start).</param>
    /// <param name="partition">The hard assignment's statistics (every N_k &gt; 0), e.g. from <see cref="MixtureStatistics.FromPartition(Dataset, ReadOnlySpan{int}, int)"/>.</param>
    /// <param name="progress">Told after every E-step (synchronously, on the calling thread).</param>
    /// <param name="cancellationToken">Stops the run between E-steps (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ModelInputException">A setting, the prior or the partition does not fit the source.</exception>
    public static EmRun Run(StatisticsSource source, MixturePrior prior, EmSettings settings, MixtureStatistics partition,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        Validate(source, prior, settings);
        if (settings.MaxIterations < 1)
            throw new ModelInputException("maxIterations", "max iterations = 0, but a start from a partition needs at least 1: its first iteration is the M-step from the partition.");
        if (partition.Dimension != source.Dimension)
            throw new ModelInputException("partition", $"the partition's statistics have D = {partition.Dimension} but the data has D = {source.Dimension}.");
        if (partition.ComponentCount > source.PointCount)
            throw new ModelInputException("partition", $"K = {partition.ComponentCount} but the data has only {source.PointCount} point{(source.PointCount == 1 ? "" : "s")}: choose K ≤ {source.PointCount}.");
        for (int c = 0; c < partition.ComponentCount; c++)
        {
            if (!(partition.Count(c) > 0))
                throw new ModelInputException("partition", $"component {c} of the partition has no points: every component needs at least one point of positive weight.");
        }
        Restart run = RunRestart(source, prior, settings, null, partition, 0, progress, cancellationToken);
        return Finish(run, source, prior, settings.Model, [run.Trace[^1]]);
    }

    private sealed record Restart(int Index, GaussianMixture Mixture, double[] Trace, int Iterations, bool Converged, EStepResult Last);

    private static Restart RunRestart(StatisticsSource source, MixturePrior prior, EmSettings settings, GaussianMixture? theta,
        MixtureStatistics? partition, int restart, IProgress<FitProgress>? progress, CancellationToken cancellationToken)
    {
        var trace = new List<double>(Math.Min(settings.MaxIterations, 10_000) + 1);
        EStepResult e;
        int iterations = 0;
        if (partition is null)
        {
            source.Start(theta!, cancellationToken);
            e = source.EStep(theta!, cancellationToken);
            trace.Add(Objective(e.DataTerm, prior, settings.Model, theta!));
            progress?.Report(new FitProgress(restart, settings.Restarts, 0, settings.MaxIterations, trace[^1]));
        }
        else
        {
            cancellationToken.ThrowIfCancellationRequested();
            theta = settings.Model.PosteriorMode(partition, prior, null);
            trace.Add(Objective(partition.ClassificationLogLikelihood(theta), prior, settings.Model, theta));
            progress?.Report(new FitProgress(restart, settings.Restarts, 0, settings.MaxIterations, trace[^1]));
            source.Start(theta, cancellationToken);
            e = source.EStep(theta, cancellationToken);
            iterations = 1;
            trace.Add(Objective(e.DataTerm, prior, settings.Model, theta));
            progress?.Report(new FitProgress(restart, settings.Restarts, 1, settings.MaxIterations, trace[^1]));
        }

        bool converged = false;
        while (iterations < settings.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            theta = settings.Model.PosteriorMode(e.Statistics, prior, theta);
            e = source.EStep(theta, cancellationToken);
            double objective = Objective(e.DataTerm, prior, settings.Model, theta);
            iterations++;
            trace.Add(objective);
            progress?.Report(new FitProgress(restart, settings.Restarts, iterations, settings.MaxIterations, objective));
            if (source.Settled || settings.Tolerance > 0 && Math.Abs(objective - trace[^2]) <= settings.Tolerance * Math.Abs(objective))
            {
                converged = true;
                break;
            }
        }
        return new Restart(restart, theta!, [.. trace], iterations, converged, e);
    }

    private static double Objective(double dataTerm, MixturePrior prior, CovarianceModel model, GaussianMixture theta)
    {
        double objective = dataTerm + model.LogPrior(theta, prior);
        if (!double.IsFinite(objective))
        {
            throw new ModelInputException("data",
                $"The objective became {objective.ToString(CultureInfo.InvariantCulture)}: the data or the prior is outside double precision's range. The fit works for data within about 1e12 times their spread of mu0 and for values whose squares stay in double range (up to about 1e150): set mu0 near the data (e.g. the empirical prior), or rescale the data.");
        }
        return objective;
    }

    /// <summary>Puts the components in canonical order and lists the empty ones.</summary>
    private static EmRun Finish(Restart best, StatisticsSource source, MixturePrior prior, CovarianceModel model, double[] finals)
    {
        GaussianMixture theta = best.Mixture;
        int k = theta.ComponentCount;
        int[] order = CanonicalOrder(theta);
        var weights = new double[k];
        var components = new GaussianComponent[k];
        var counts = new double[k];
        var empty = new List<int>();
        for (int i = 0; i < k; i++)
        {
            weights[i] = theta.WeightSpan[order[i]];
            components[i] = theta.Component(order[i]);
            counts[i] = best.Last.Statistics.Count(order[i]);
            if (counts[i] <= EmptyFraction * source.TotalWeight) empty.Add(i);
        }
        var ordered = new GaussianMixture(weights, components);
        return new EmRun(ordered, order, best.Trace, best.Iterations, best.Converged, best.Index, finals, [.. empty], counts,
            best.Last.DataTerm, model.LogPrior(ordered, prior));
    }

    /// <summary>Descending weight; ties broken by the mean, lexicographically ascending.</summary>
    internal static int[] CanonicalOrder(GaussianMixture mixture)
    {
        int[] order = [.. Enumerable.Range(0, mixture.ComponentCount)];
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

    private static void Validate(StatisticsSource source, MixturePrior prior, EmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(settings.Model, nameof(settings));
        if (settings.MaxIterations < 0)
            throw new ModelInputException("maxIterations", $"max iterations = {settings.MaxIterations}: it must be ≥ 0.");
        if (!double.IsFinite(settings.Tolerance) || settings.Tolerance < 0)
            throw new ModelInputException("tolerance", $"tolerance = {F(settings.Tolerance)}: it must be a finite number ≥ 0 (0 runs every iteration).");
        if (settings.Restarts < 1)
            throw new ModelInputException("restarts", $"restarts = {settings.Restarts}: it must be ≥ 1.");
        prior.CheckDimension(source.Dimension);
        settings.Model.CheckDimension(source.Dimension);
    }

    private static void ValidateInitial(GaussianMixture initial, StatisticsSource source, MixturePrior prior, CovarianceModel model, int k, string name)
    {
        if (initial.ComponentCount != k)
            throw new ModelInputException(name, $"the initial mixture has {initial.ComponentCount} components but K = {k}: give K weights, means and covariances.");
        if (initial.Dimension != source.Dimension)
            throw new ModelInputException(name, $"the initial mixture has D = {initial.Dimension} but the data has D = {source.Dimension}.");
        if (k > source.PointCount)
            throw new ModelInputException(name, $"K = {k} but the data has only {source.PointCount} point{(source.PointCount == 1 ? "" : "s")}: choose K ≤ {source.PointCount}.");
        if (prior.WeightPrior.Alpha > 1.0)
        {
            for (int c = 0; c < k; c++)
            {
                if (initial.WeightSpan[c] == 0)
                    throw new ModelInputException(name, $"initial weight {c} is 0, which has zero prior density with alpha = {F(prior.WeightPrior.Alpha)} > 1: give every component a positive weight.");
            }
        }
        if (!model.Contains(initial))
            throw new ModelInputException(name, $"the initial mixture's covariances are not of model {model.Name} ({model.Description}): start from a mixture of this model (e.g. the result of a {model.Name} fit) or from a partition of the data.");
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>The outcome of <c>EmDriver.Run</c>: the winning restart, components in canonical order.</summary>
public sealed class EmRun
{
    internal EmRun(GaussianMixture mixture, int[] order, double[] trace, int iterations, bool converged, int restart,
        double[] restartObjectives, int[] emptyComponents, double[] componentCounts, double dataTerm, double logPrior)
    {
        Mixture = mixture;
        CanonicalOrder = order;
        ObjectiveTrace = trace;
        Iterations = iterations;
        Converged = converged;
        Restart = restart;
        RestartObjectives = restartObjectives;
        EmptyComponents = emptyComponents;
        ComponentCounts = componentCounts;
        DataTerm = dataTerm;
        LogPrior = logPrior;
    }

    /// <summary>θ_T, components in canonical order (descending weight, ties by mean).</summary>
    public GaussianMixture Mixture { get; }

    /// <summary>Canonical component i is the run's component <c>CanonicalOrder[i]</c> (as the source numbered them).</summary>
    public IReadOnlyList<int> CanonicalOrder { get; }

    /// <summary>The objective at θ_0 … θ_T; it never decreases beyond rounding.</summary>
    public IReadOnlyList<double> ObjectiveTrace { get; }

    /// <summary>EM iterations (M-steps) of the winning restart.</summary>
    public int Iterations { get; }

    /// <summary>Whether the tolerance was met (always false with tolerance 0).</summary>
    public bool Converged { get; }

    /// <summary>The winning restart (0-based).</summary>
    public int Restart { get; }

    /// <summary>The final objective of every restart, in restart order.</summary>
    public IReadOnlyList<double> RestartObjectives { get; }

    /// <summary>Components (canonical indices) whose mass at θ_T is at most <see cref="EmDriver.EmptyFraction"/> of the total weight.</summary>
    public IReadOnlyList<int> EmptyComponents { get; }

    /// <summary>N_k at θ_T, canonical order.</summary>
    public IReadOnlyList<double> ComponentCounts { get; }

    /// <summary>The source's data term at θ_T (the log-likelihood for independent points).</summary>
    public double DataTerm { get; }

    /// <summary>log p(θ_T).</summary>
    public double LogPrior { get; }
}
