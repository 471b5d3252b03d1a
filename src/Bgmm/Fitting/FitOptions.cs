namespace Bgmm;

/// <summary>Settings of a MAP-EM fit (the prior is separate: <see cref="MixturePrior"/>).</summary>
public sealed record FitOptions
{
    /// <summary>Default <see cref="MaxIterations"/>.</summary>
    public const int DefaultMaxIterations = 1000;

    /// <summary>
    /// Default <see cref="Tolerance"/>: tight, because a loose relative tolerance stops EM far from the
    /// optimum on slowly converging fits.
    /// </summary>
    public const double DefaultTolerance = 1e-8;

    /// <summary>Creates options for K components with every other setting at its default.</summary>
    public FitOptions(int componentCount) => ComponentCount = componentCount;

    /// <summary>K, the number of components (1 ≤ K ≤ number of points).</summary>
    public int ComponentCount { get; init; }

    /// <summary>Maximum number of EM iterations (M-steps), ≥ 0. Default 1000.</summary>
    public int MaxIterations { get; init; } = DefaultMaxIterations;

    /// <summary>
    /// Stop at the first iteration t with |L_t − L_{t−1}| ≤ tol·|L_t|; 0 runs exactly
    /// <see cref="MaxIterations"/> iterations (and the fit reports not converged). Default 1e-8.
    /// </summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Number of initialisations; the fit with the highest final log joint wins. Default 1.</summary>
    public int Restarts { get; init; } = 1;

    /// <summary>Seed: restart i is initialised from (seed, i) alone. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>How each restart starts. Default <see cref="Initialization.Random"/>.</summary>
    public Initialization Initialization { get; init; } = Initialization.Random;

    /// <summary>The covariance model (default <see cref="CovarianceModel.Full"/>, mclust's VVV).</summary>
    public CovarianceModel Model { get; init; } = CovarianceModel.Full;

    /// <summary>Worker threads for the E-step; 0 (default) uses every core. Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Arithmetic of the E-step pass. <see cref="Precision.Double"/> (default) matches a float64
    /// reference to rounding; <see cref="Precision.Single"/> trades accuracy for speed (see its docs).
    /// </summary>
    public Precision Precision { get; init; } = Precision.Double;
}

/// <summary>Arithmetic of the per-point E-step pass.</summary>
public enum Precision
{
    /// <summary>float64 throughout: per-iteration statistics match a scalar float64 reference to rounding.</summary>
    Double,

    /// <summary>
    /// float32 inside each chunk of points with float64 chunk sums and merges: faster, but the
    /// statistics move by ~1e-6 relative per iteration, so fits should stop at a tolerance ≥ 1e-6.
    /// </summary>
    Single,
}

/// <summary>How a restart chooses its initial mixture.</summary>
public abstract class Initialization
{
    private Initialization()
    {
    }

    /// <summary>
    /// The original study's (SPEC §3): π uniform, μ_k = K points with pairwise different values drawn
    /// uniformly without replacement from the input points (rows of weight 0 excluded), Σ_k = Σ0.
    /// </summary>
    public static Initialization Random { get; } = new RandomPoints();

    /// <summary>k-means++ seeding of the means (D² weighting, point weights respected); π uniform, Σ_k = Σ0.</summary>
    public static Initialization KMeansPlusPlus { get; } = new KMeansPlusPlusSeeding();

    /// <summary>Starts every restart from the given mixture (it must have K components and the data's D).</summary>
    public static Initialization FromMixture(GaussianMixture mixture) => new Explicit(mixture ?? throw new ArgumentNullException(nameof(mixture)));

    /// <summary>
    /// Starts from a partition of the data, as mclust's <c>me()</c> starts from <c>unmap(labels)</c>: the
    /// first iteration is the M-step from the hard assignment of row n to component <paramref name="labels"/>[n]
    /// (one label 0..K−1 per row of the dataset; every component must have a row of positive weight). One
    /// start, so <see cref="FitOptions.Restarts"/> and <see cref="FitOptions.Seed"/> do not apply. Trace entry 0
    /// is then the partition's classification log joint at θ_1 (<see cref="EmDriver.Run(StatisticsSource, MixturePrior, EmSettings, MixtureStatistics, IProgress{FitProgress}?, CancellationToken)"/>).
    /// </summary>
    /// <param name="labels">One label per row (copied).</param>
    public static Initialization FromPartition(IReadOnlyList<int> labels) => new Partition([.. labels ?? throw new ArgumentNullException(nameof(labels))]);

    /// <summary>The name used on the command line and in results: "random", "kmeans++", "explicit" or "partition".</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    internal sealed class RandomPoints : Initialization
    {
        public override string Name => "random";
    }

    internal sealed class KMeansPlusPlusSeeding : Initialization
    {
        public override string Name => "kmeans++";
    }

    internal sealed class Partition(int[] labels) : Initialization
    {
        public int[] Labels { get; } = labels;

        public override string Name => "partition";
    }

    internal sealed class Explicit(GaussianMixture mixture) : Initialization
    {
        public GaussianMixture Mixture { get; } = mixture;

        public override string Name => "explicit";
    }
}

/// <summary>Reported after every EM iteration.</summary>
/// <param name="Restart">0-based restart index.</param>
/// <param name="Restarts">Number of restarts.</param>
/// <param name="Iteration">Iterations done in this restart (0 = the initial mixture was evaluated).</param>
/// <param name="MaxIterations">The iteration limit.</param>
/// <param name="LogJoint">L at the current parameters.</param>
public readonly record struct FitProgress(int Restart, int Restarts, int Iteration, int MaxIterations, double LogJoint);
