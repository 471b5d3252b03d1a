namespace Bgmm;

/// <summary>
/// The seam between the EM driver and the data (<see cref="EmDriver"/>): each E-step hands the current
/// parameters to a source, which makes one pass over its data and returns the mergeable sufficient
/// statistics (<see cref="MixtureStatistics"/>: K·(1 + D + D²) numbers, never an N×K matrix) and the
/// data's terms of the objective. The driver never sees a point.
/// </summary>
/// <remarks>
/// <para>Independent points (in memory, as byte planes or a colour table; streamed from disk; spread over
/// a cluster) return the data's log-likelihood Σ_n w_n log Σ_k π_k N(x_n | μ_k, Σ_k) as the data term, so
/// the objective is the log joint L = log p(X, θ) of SPEC §2. The Potts mean-field source of
/// <c>Bgmm.Spatial</c> keeps a per-pixel q and returns F's site terms, so the objective is F of SPEC §6.
/// Either way the M-step is the same function of the statistics.</para>
/// <para>A source must be deterministic: the same parameters give bit-identical results, whatever the
/// number of threads or machines (statistics of fixed parts of the data merged in a fixed order).</para>
/// </remarks>
public abstract class StatisticsSource : IDisposable
{
    /// <summary>Describes the data behind the source.</summary>
    /// <param name="dimension">D ≥ 1.</param>
    /// <param name="pointCount">Points of positive weight (the N of BIC), ≥ 1.</param>
    /// <param name="totalWeight">The sum of the point weights, finite and positive.</param>
    protected StatisticsSource(int dimension, long pointCount, double totalWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pointCount, 1);
        if (!double.IsFinite(totalWeight) || totalWeight <= 0) throw new ArgumentOutOfRangeException(nameof(totalWeight), totalWeight, "the total weight must be finite and positive.");
        Dimension = dimension;
        PointCount = pointCount;
        TotalWeight = totalWeight;
    }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>Points of positive weight (the N of BIC).</summary>
    public long PointCount { get; }

    /// <summary>The sum of the point weights.</summary>
    public double TotalWeight { get; }

    /// <summary>What computes the E-step (diagnostics, e.g. "v512-f64-d3").</summary>
    public virtual string KernelName => "";

    /// <summary>
    /// Called at the start of every restart, before its first E-step, with θ_0. Sources with state (the
    /// Potts source's q) reset it here; the default does nothing.
    /// </summary>
    public virtual void Start(GaussianMixture initial, CancellationToken cancellationToken)
    {
    }

    /// <summary>One E-step at <paramref name="parameters"/>: the sufficient statistics and the data term.</summary>
    /// <exception cref="ModelInputException">The data cannot be evaluated at these parameters (e.g. a point
    /// whose density underflows under every component).</exception>
    public abstract EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken);

    /// <summary>
    /// The source's own stopping rule, read by the driver after every E-step of the loop: true stops the run as
    /// converged (the two-class Potts source stops when no pixel changed class). The default never stops.
    /// </summary>
    public virtual bool Settled => false;

    /// <summary>Releases the source's threads and buffers.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources (the default has none).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>What one E-step returns.</summary>
/// <param name="Statistics">The sufficient statistics, the M-step's only input.</param>
/// <param name="DataTerm">The objective's data terms at these parameters (the log-likelihood for independent points).</param>
public readonly record struct EStepResult(MixtureStatistics Statistics, double DataTerm);
