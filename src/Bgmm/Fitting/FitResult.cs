namespace Bgmm;

/// <summary>The outcome of <see cref="MapEmFitter.Fit"/>: the winning restart's mixture and its history.</summary>
public sealed class FitResult
{
    internal FitResult(EmRun run, MixturePrior prior, FitOptions options, long points, double totalWeight, string kernelName)
    {
        Mixture = run.Mixture;
        Prior = prior;
        Options = options;
        LogJointTrace = run.ObjectiveTrace;
        Iterations = run.Iterations;
        Converged = run.Converged;
        Restart = run.Restart;
        RestartLogJoints = run.RestartObjectives;
        EmptyComponents = run.EmptyComponents;
        ComponentCounts = run.ComponentCounts;
        LogLikelihood = run.DataTerm;
        LogPrior = run.LogPrior;
        Points = points;
        TotalWeight = totalWeight;
        KernelName = kernelName;
    }

    /// <summary>The fitted mixture, components in canonical order (descending weight, ties by mean).</summary>
    public GaussianMixture Mixture { get; }

    /// <summary>The prior the fit used.</summary>
    public MixturePrior Prior { get; }

    /// <summary>The options the fit used.</summary>
    public FitOptions Options { get; }

    /// <summary>
    /// L(θ_t) for t = 0 (the initial mixture) … <see cref="Iterations"/>; it never decreases beyond rounding.
    /// </summary>
    public IReadOnlyList<double> LogJointTrace { get; }

    /// <summary>The final log joint L = log p(X, θ̂): the last entry of the trace.</summary>
    public double LogJoint => LogJointTrace[^1];

    /// <summary>log p(X | θ̂) = Σ_n w_n log Σ_k π_k N(x_n | μ_k, Σ_k), the log-likelihood part of <see cref="LogJoint"/>.</summary>
    public double LogLikelihood { get; }

    /// <summary>log p(θ̂), the prior part of <see cref="LogJoint"/>.</summary>
    public double LogPrior { get; }

    /// <summary>EM iterations (M-steps) run by the winning restart.</summary>
    public int Iterations { get; }

    /// <summary>Whether the tolerance was met (always false with tolerance 0).</summary>
    public bool Converged { get; }

    /// <summary>The winning restart (0-based).</summary>
    public int Restart { get; }

    /// <summary>Final log joint of every restart, in restart order.</summary>
    public IReadOnlyList<double> RestartLogJoints { get; }

    /// <summary>
    /// Components (canonical indices) whose responsibility mass at the final parameters is at most
    /// 1e-12 of the total weight (in practice exactly 0): they hold no data and sit at the prior.
    /// </summary>
    public IReadOnlyList<int> EmptyComponents { get; }

    /// <summary>N_k at the final parameters, in canonical order.</summary>
    public IReadOnlyList<double> ComponentCounts { get; }

    /// <summary>Number of input points with positive weight (the N of BIC).</summary>
    public long Points { get; }

    /// <summary>Sum of the point weights.</summary>
    public double TotalWeight { get; }

    /// <summary>The seed of the fit.</summary>
    public ulong Seed => Options.Seed;

    /// <summary>Which E-step kernel ran (diagnostics).</summary>
    internal string KernelName { get; }

    /// <summary>BIC of the fitted mixture: −2 log p(X | θ̂) + p log N.</summary>
    public double Bic => -2.0 * LogLikelihood + Options.Model.ParameterCount(Mixture.ComponentCount, Mixture.Dimension) * Math.Log(Points);
}
