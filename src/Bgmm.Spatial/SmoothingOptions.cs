namespace Bgmm.Spatial;

/// <summary>
/// Settings of a mean-field EM fit with a Potts prior on the labels (SPEC §6). The image, the
/// starting mixture and the prior are given separately to <see cref="MeanFieldEmFitter.Fit"/>.
/// </summary>
/// <remarks>
/// β = 0 is the independent-pixel model: the fit then gives the same iterates as
/// <see cref="MapEmFitter"/> (up to the float32 storage of q). Every option is validated by the
/// fitter, which throws <see cref="ModelInputException"/> naming the option and its range.
/// </remarks>
public sealed record SmoothingOptions
{
    /// <summary>Default <see cref="Sweeps"/>: 2.</summary>
    /// <remarks>
    /// One, two and three sweeps per E-step give practically the same labels; on the study's photos
    /// two converge in the least time, and they keep each E-step's q nearer its mean-field fixed point
    /// at θ_t, which is what the trace reports (the measurements: docs/segmentation.md).
    /// </remarks>
    public const int DefaultSweeps = 2;

    /// <summary>
    /// The β the smoothing study recommends for 4 neighbours: 2. (For 8 neighbours, which have
    /// twice the edges, 1.)
    /// </summary>
    /// <remarks>
    /// Weak smoothing can do harm: with heavy noise a small β lets one component take over the image
    /// (F, which has no Potts normaliser, rewards a single label). The study behind the recommendation
    /// (error rates on synthetic images with known segments, and the effect on photos): docs/segmentation.md.
    /// </remarks>
    public const double RecommendedBeta = 2.0;

    /// <summary>Default <see cref="MaxIterations"/>.</summary>
    public const int DefaultMaxIterations = FitOptions.DefaultMaxIterations;

    /// <summary>Default <see cref="Tolerance"/>: the same stopping rule as <see cref="FitOptions.Tolerance"/>, on F.</summary>
    public const double DefaultTolerance = FitOptions.DefaultTolerance;

    /// <summary>
    /// The largest accepted β. Far below it the pair terms already outweigh any colour difference
    /// (a log-density spread of thousands of nats), so larger values only freeze every label at its
    /// start; the bound keeps β·(number of edges) far inside double range.
    /// </summary>
    public const double MaxBeta = 1e6;

    /// <summary>
    /// β ≥ 0, the Potts interaction per unordered neighbour pair (each edge counted once):
    /// the prior adds β to the log-probability of a labelling for every pair of neighbours that
    /// share a label. 0 (default) is the independent-pixel model; see <see cref="RecommendedBeta"/>.
    /// </summary>
    public double Beta { get; init; }

    /// <summary>4- (default) or 8-connected neighbours.</summary>
    public Neighbourhood Neighbours { get; init; } = Neighbourhood.Four;

    /// <summary>
    /// Mean-field sweeps per E-step, ≥ 1: each sweep updates every pixel once, one colour class of
    /// non-neighbouring pixels at a time. Default <see cref="DefaultSweeps"/>.
    /// </summary>
    public int Sweeps { get; init; } = DefaultSweeps;

    /// <summary>Maximum number of EM iterations (M-steps), ≥ 0. Default 1000.</summary>
    public int MaxIterations { get; init; } = DefaultMaxIterations;

    /// <summary>
    /// Stop at the first iteration t with |F_t − F_{t−1}| ≤ tol·|F_t|; 0 runs exactly
    /// <see cref="MaxIterations"/> iterations (and the fit reports not converged). Default 1e-8.
    /// </summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Worker threads; 0 (default) uses every core. Results are bit-identical for any value.</summary>
    public int Threads { get; init; }
}
