using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>When to fit the table of distinct colours instead of every pixel.</summary>
public enum ColourCompression
{
    /// <summary>When the distinct colours are at most <see cref="SegmentationOptions.AutoCompressionRatio"/> of the pixels.</summary>
    Auto,

    /// <summary>Always fit the colour table (the same fit: identical colours are identical points).</summary>
    On,

    /// <summary>Always fit every pixel.</summary>
    Off,
}

/// <summary>Reported after every EM iteration of every phase of a segmentation.</summary>
/// <param name="Phase">Which fit: "K = 3", "smoothing (β = 2)", ….</param>
/// <param name="MaxIterations">The phase's iteration limit.</param>
/// <param name="Fit">The iteration's progress (its <see cref="FitProgress.LogJoint"/> is F when smoothing).</param>
public readonly record struct SegmentationProgress(string Phase, int MaxIterations, FitProgress Fit);

/// <summary>
/// How <see cref="ImageSegmenter.Segment"/> segments an image: the numbers of components to try, the prior
/// for each, the EM settings, the colour compression, the optional Potts smoothing and the background.
/// </summary>
public sealed record SegmentationOptions
{
    /// <summary>Compression pays when the distinct colours are clearly fewer than the pixels: the fit's work is per row.</summary>
    public const double AutoCompressionRatio = 0.7;

    /// <summary>The image study's prior: α = 100, ν0 = 4, κ0 = 1, μ0 = 0, Σ0 = I (SPEC §1).</summary>
    public static MixturePrior StudyPrior { get; } = MixturePrior.Create(3, alpha: 100, nu0: 4);

    /// <summary>
    /// The numbers of components to fit (default K = 2). One value fits it; several fit each and keep the
    /// best by <see cref="Criterion"/>.
    /// </summary>
    public IReadOnlyList<int> ComponentCounts { get; init; } = [2];

    /// <summary>How several K are compared (default ICL: prefers well-separated segments).</summary>
    public SelectionCriterion Criterion { get; init; } = SelectionCriterion.Icl;

    /// <summary>
    /// The covariance models to fit (null: <see cref="FitOptions.Model"/> of <see cref="Fit"/> alone). Several models,
    /// or several K, are all fitted and the best by <see cref="Criterion"/> is kept.
    /// </summary>
    public IReadOnlyList<CovarianceModel>? Models { get; init; }

    /// <summary>The prior for a covariance model and K given the data fitted (default: <see cref="StudyPrior"/>).</summary>
    public Func<Dataset, CovarianceModel, int, MixturePrior> Prior { get; init; } = (_, _, _) => StudyPrior;

    /// <summary>
    /// EM settings (iterations, tolerance, restarts, seed, initialisation, threads, precision, covariance
    /// model); its <see cref="FitOptions.ComponentCount"/> is replaced by each of <see cref="ComponentCounts"/>.
    /// The smoothing uses its iterations, tolerance and threads.
    /// </summary>
    public FitOptions Fit { get; init; } = new(2);

    /// <summary>Whether to fit the colour table (default <see cref="ColourCompression.Auto"/>).</summary>
    public ColourCompression Compression { get; init; } = ColourCompression.Auto;

    /// <summary>The Potts smoothing after the independent fit (SPEC §6), or null for independent pixels.</summary>
    public SmoothingOptions? Smoothing { get; init; }

    /// <summary>The background components (canonical indices), or null for the frame rule (<see cref="ForegroundSplit.Decide(ReadOnlySpan{byte}, int, int, GaussianMixture)"/>).</summary>
    public IReadOnlyList<int>? Background { get; init; }
}
