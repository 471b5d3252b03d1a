using System.Globalization;
using Bgmm.Kernels;

namespace Bgmm.Spatial;

/// <summary>
/// Fits a Bayesian Gaussian mixture to an image's pixels with a Potts prior on the labels, by
/// mean-field EM (SPEC §6): it ascends
/// F(q, θ) = Σ_n Σ_k q_nk [log π_k + log N(x_n | μ_k, Σ_k)] + β Σ_{n~m} Σ_k q_nk q_mk − Σ_n Σ_k q_nk log q_nk + log p(θ),
/// alternating mean-field sweeps over q with the MAP M-step of SPEC §3 with r = q.
/// </summary>
/// <remarks>
/// <para>This is the library's one EM loop (<see cref="EmDriver"/>) over the mean-field E-step
/// (<see cref="MeanFieldSource"/>). Start from a converged independent-pixel fit (<see cref="MapEmFitter.Fit"/>
/// on the same pixels): q starts at its responsibilities. A cold start with β ≈ 1 tends to collapse to
/// one label.</para>
/// <para>Each iteration is one E-step of <see cref="SmoothingOptions.Sweeps"/> sweeps — in each, the sites
/// of one colour class (the checkerboard for 4 neighbours, a 4-colouring for 8) are updated together:
/// q_nk ∝ π_k N(x_n | μ_k, Σ_k) exp(β Σ_{m~n} q_mk); the classes have no internal edges, so every such
/// update maximises F over the class's q, and F never decreases — then the M-step, which maximises F
/// over θ. The trace records F after each E-step.</para>
/// <para>Memory: q (N·K float32) and a copy of the pixels in the sweeps' order (the dataset's own element
/// size per coordinate) are the per-pixel arrays; everything else is O(K) per thread.</para>
/// </remarks>
public static class MeanFieldEmFitter
{
    /// <summary>Fits θ and q to the image's pixels from <paramref name="start"/>.</summary>
    /// <param name="pixels">Every pixel, row-major (pixel (x, y) is row y·width + x): unweighted and uncompressed.</param>
    /// <param name="width">Image width, ≥ 1.</param>
    /// <param name="height">Image height, ≥ 1; width·height must equal the number of rows.</param>
    /// <param name="start">θ_0, normally the converged independent-pixel fit's mixture (K ≤ 256).</param>
    /// <param name="prior">The prior (as in the independent fit).</param>
    /// <param name="options">β, neighbourhood, sweeps, iterations, tolerance, threads.</param>
    /// <param name="progress">Told after every iteration with F in <see cref="FitProgress.LogJoint"/> (synchronously, on the fitting thread).</param>
    /// <param name="cancellationToken">Stops the fit between colour classes (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ModelInputException">An option, the image size, the data or the starting mixture is invalid.</exception>
    public static SmoothedFitResult Fit(Dataset pixels, int width, int height, GaussianMixture start, MixturePrior prior,
        SmoothingOptions options, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FitOnWidth(pixels, width, height, start, prior, options, VectorWidths.Best, progress, cancellationToken);

    /// <summary>As the public overload, on the given vector width (for tests and benchmarks).</summary>
    internal static SmoothedFitResult FitOnWidth(Dataset pixels, int width, int height, GaussianMixture start, MixturePrior prior,
        SmoothingOptions options, VectorWidth vectorWidth, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(options);
        Validate(pixels, width, height, start, prior, options);

        var grid = new PottsGrid(width, height, options.Neighbours);
        using var source = new MeanFieldSource(pixels, grid, start.ComponentCount, options.Beta, options.Sweeps, options.Threads, vectorWidth);
        EmRun run = EmDriver.Run(source, prior, new EmSettings(options.MaxIterations, options.Tolerance), _ => start, progress, cancellationToken, nameof(start));
        double logLikelihood = MixtureStatistics.Compute(pixels, run.Mixture, options.Threads).LogLikelihood;
        return new SmoothedFitResult(run, prior, options, source.Lattice, source.KernelName, logLikelihood, pixels.PointCount);
    }

    /// <summary>
    /// Memory the smoothing of a W×H image with K components needs beyond the image itself, in bytes: q
    /// (4·K per pixel, with row padding) and the pixels' copy in the sweeps' order.
    /// </summary>
    public static long EstimateMemory(int width, int height, int components, int bytesPerCoordinate, int dimension) =>
        4 * PottsLattice.Floats(width, height, components) + (long)width * height * dimension * bytesPerCoordinate;

    private static void Validate(Dataset pixels, int width, int height, GaussianMixture start, MixturePrior prior, SmoothingOptions options)
    {
        if (pixels.IsCompressed || pixels.IsWeighted)
        {
            throw new ModelInputException(nameof(pixels),
                "the pixels are a compressed or weighted dataset: smoothing needs every pixel once, in row-major order (one row per pixel, not the colour table).");
        }
        if (width < 1) throw new ModelInputException(nameof(width), $"width = {width}: it must be ≥ 1.");
        if (height < 1) throw new ModelInputException(nameof(height), $"height = {height}: it must be ≥ 1.");
        if ((long)width * height != pixels.Count)
        {
            throw new ModelInputException(nameof(width),
                $"width × height = {width} × {height} = {(long)width * height} but the data has {pixels.Count} rows: give the image's own size (one row per pixel).");
        }
        prior.CheckDimension(pixels.Dimension);
        int k = start.ComponentCount;
        if (start.Dimension != pixels.Dimension)
            throw new ModelInputException(nameof(start), $"the starting mixture has D = {start.Dimension} but the data has D = {pixels.Dimension}.");
        if (k > 256)
            throw new ModelInputException(nameof(start), $"the starting mixture has K = {k} components: smoothing labels pixels with bytes, so K must be ≤ 256.");
        if (k > pixels.Count)
            throw new ModelInputException(nameof(start), $"K = {k} but the image has only {pixels.Count} pixels: choose K ≤ {pixels.Count}.");
        if (PottsLattice.Floats(width, height, k) > Array.MaxLength)
            throw new ModelInputException(nameof(pixels), $"q needs {PottsLattice.Floats(width, height, k)} float32 values, more than the largest array .NET allows ({Array.MaxLength}): use a smaller image or fewer components.");
        if (!double.IsFinite(options.Beta) || options.Beta < 0 || options.Beta > SmoothingOptions.MaxBeta)
            throw new ModelInputException("beta", $"beta = {F(options.Beta)} is out of range: it must be a finite number in [0, {SmoothingOptions.MaxBeta.ToString("0e0", CultureInfo.InvariantCulture)}] (0 = independent pixels, no smoothing).");
        if (options.Neighbours is not (Neighbourhood.Four or Neighbourhood.Eight))
            throw new ModelInputException("neighbours", $"neighbours = {(int)options.Neighbours}: it must be 4 or 8.");
        if (options.Sweeps < 1)
            throw new ModelInputException("sweeps", $"sweeps = {options.Sweeps}: it must be ≥ 1 (mean-field sweeps per E-step).");
        if (options.Threads < 0)
            throw new ModelInputException("threads", $"threads = {options.Threads}: it must be ≥ 0 (0 = all cores).");
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
