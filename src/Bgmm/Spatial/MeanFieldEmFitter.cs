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
/// <para>Start from a converged independent-pixel fit (<see cref="MapEmFitter.Fit"/> on the same
/// pixels): q starts at its responsibilities. A cold start with β ≈ 1 tends to collapse to one label.</para>
/// <para>Each iteration is one E-step of <see cref="SmoothingOptions.Sweeps"/> sweeps — in each, the
/// sites of one colour class (the checkerboard for 4 neighbours, a 4-colouring for 8) are updated
/// together: q_nk ∝ π_k N(x_n | μ_k, Σ_k) exp(β Σ_{m~n} q_mk); the classes have no internal edges, so
/// every such update maximises F over the class's q, and F never decreases — then the M-step, which
/// maximises F over θ. The trace records F after each E-step, so it never decreases either
/// (up to rounding); <see cref="SmoothingOptions.Tolerance"/> applies to it as
/// <see cref="FitOptions.Tolerance"/> applies to L.</para>
/// <para>Memory: q (N·K float32) is the one per-pixel array; everything else is O(K) per thread or
/// O(K) per band of ~8 000 pixels. Results are bit-identical for any thread count.</para>
/// </remarks>
public static class MeanFieldEmFitter
{
    /// <summary>Fits θ and q to the image's pixels from <paramref name="start"/>.</summary>
    /// <param name="pixels">Every pixel, row-major (pixel (x, y) is row y·width + x; e.g. <c>RgbImage.ToDataset()</c>): unweighted and uncompressed.</param>
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
        FitWithLanes(pixels, width, height, start, prior, options, LaneWidth.Auto, progress, cancellationToken);

    /// <summary>As the public overload, with the kernel's vector width chosen (for tests and benchmarks).</summary>
    internal static SmoothedFitResult FitWithLanes(Dataset pixels, int width, int height, GaussianMixture start, MixturePrior prior,
        SmoothingOptions options, LaneWidth lanes, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(options);
        Validate(pixels, width, height, start, prior, options);

        var grid = new PottsGrid(width, height, options.Neighbours);
        var sweeper = new MeanFieldSweeper(pixels, grid, start.Components, MapEmFitter.ResolveThreads(options.Threads), lanes);
        GaussianMixture theta = start;
        var model = new EStepModel(theta);
        sweeper.Initialise(model, cancellationToken);
        (double siteTerms, MixtureStatistics statistics) = sweeper.EStep(model, options.Beta, options.Sweeps, cancellationToken);

        var trace = new List<double>(Math.Min(options.MaxIterations, 10_000) + 1) { Objective(siteTerms, prior, theta) };
        progress?.Report(new FitProgress(0, 1, 0, options.MaxIterations, trace[^1]));
        int iterations = 0;
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            theta = MapEmFitter.MStep(statistics, prior);
            model = new EStepModel(theta);
            (siteTerms, statistics) = sweeper.EStep(model, options.Beta, options.Sweeps, cancellationToken);
            double f = Objective(siteTerms, prior, theta);
            iterations++;
            trace.Add(f);
            progress?.Report(new FitProgress(0, 1, iterations, options.MaxIterations, f));
            if (options.Tolerance > 0 && Math.Abs(f - trace[^2]) <= options.Tolerance * Math.Abs(f))
            {
                converged = true;
                break;
            }
        }
        return Finish(sweeper, theta, statistics, prior, options, [.. trace], iterations, converged,
            "mean-field-" + LaneSelector.Resolve(lanes).ToString().ToLowerInvariant());
    }

    /// <summary>F = the sites' terms + log p(θ), which must be finite.</summary>
    private static double Objective(double siteTerms, MixturePrior prior, GaussianMixture theta)
    {
        double f = siteTerms + prior.LogDensity(theta);
        if (!double.IsFinite(f))
        {
            throw new InvalidOperationException(
                $"F became {f.ToString(CultureInfo.InvariantCulture)}: the data or the prior is outside double precision's range. Rescale the data.");
        }
        return f;
    }

    /// <summary>Canonical order for θ, and q, labels and counts permuted to match.</summary>
    private static SmoothedFitResult Finish(MeanFieldSweeper sweeper, GaussianMixture theta, MixtureStatistics statistics,
        MixturePrior prior, SmoothingOptions options, double[] trace, int iterations, bool converged, string kernel)
    {
        int k = theta.Components;
        int[] order = MapEmFitter.CanonicalOrder(theta);
        var weights = new double[k];
        var components = new GaussianComponent[k];
        var counts = new double[k];
        var empty = new List<int>();
        int n = sweeper.Grid.PixelCount;
        for (int i = 0; i < k; i++)
        {
            weights[i] = theta.WeightSpan[order[i]];
            components[i] = theta.Component(order[i]);
            counts[i] = statistics.Count(order[i]);
            if (counts[i] <= MapEmFitter.EmptyFraction * n) empty.Add(i);
        }
        var ordered = new GaussianMixture(weights, components);

        // q stays where it is; the result reads plane order[i] as canonical component i.
        float[] storage = sweeper.Storage;
        int[] offsets = [.. order.Select(sweeper.PlaneOffset)];
        var labels = new byte[n];
        for (int i = 1; i < k; i++)
        {
            ReadOnlySpan<float> plane = storage.AsSpan(offsets[i], n);
            for (int p = 0; p < n; p++)
            {
                // Strictly greater than the best so far: ties keep the lowest k.
                if (plane[p] > storage[offsets[labels[p]] + p]) labels[p] = (byte)i;
            }
        }
        return new SmoothedFitResult(ordered, prior, options, sweeper.Grid.Width, sweeper.Grid.Height, trace, iterations,
            converged, prior.LogDensity(ordered), storage, offsets, labels, counts, [.. empty], kernel);
    }

    private static void Validate(Dataset pixels, int width, int height, GaussianMixture start, MixturePrior prior, SmoothingOptions options)
    {
        if (pixels.IsCompressed || pixels.IsWeighted)
        {
            throw new ModelInputException(nameof(pixels),
                "the pixels are a compressed or weighted dataset: smoothing needs every pixel once, in row-major order (RgbImage.ToDataset(), not ToCompressedDataset()).");
        }
        if (width < 1) throw new ModelInputException(nameof(width), $"width = {width}: it must be ≥ 1.");
        if (height < 1) throw new ModelInputException(nameof(height), $"height = {height}: it must be ≥ 1.");
        if ((long)width * height != pixels.Count)
        {
            throw new ModelInputException(nameof(width),
                $"width × height = {width} × {height} = {(long)width * height} but the data has {pixels.Count} rows: give the image's own size (one row per pixel).");
        }
        prior.CheckDimension(pixels.Dimension);
        int k = start.Components;
        if (start.Dimension != pixels.Dimension)
            throw new ModelInputException(nameof(start), $"the starting mixture has D = {start.Dimension} but the data has D = {pixels.Dimension}.");
        if (k > 256)
            throw new ModelInputException(nameof(start), $"the starting mixture has K = {k} components: smoothing labels pixels with bytes, so K must be ≤ 256.");
        if (k > pixels.Count)
            throw new ModelInputException(nameof(start), $"K = {k} but the image has only {pixels.Count} pixels: choose K ≤ {pixels.Count}.");
        if ((long)pixels.Count * k > MeanFieldSweeper.MaxValues)
            throw new ModelInputException(nameof(pixels), $"N·K = {(long)pixels.Count * k} exceeds the largest array .NET allows ({MeanFieldSweeper.MaxValues}): q needs N·K float32 values. Use a smaller image or fewer components.");
        if (prior.Weights.Alpha > 1.0)
        {
            for (int c = 0; c < k; c++)
            {
                if (start.WeightSpan[c] == 0)
                    throw new ModelInputException(nameof(start), $"starting weight {c} is 0, which has zero prior density with alpha = {F(prior.Weights.Alpha)} > 1: give every component a positive weight.");
            }
        }

        if (!double.IsFinite(options.Beta) || options.Beta < 0 || options.Beta > SmoothingOptions.MaxBeta)
            throw new ModelInputException("beta", $"beta = {F(options.Beta)} is out of range: it must be a finite number in [0, {SmoothingOptions.MaxBeta.ToString("0e0", CultureInfo.InvariantCulture)}] (0 = independent pixels, no smoothing).");
        if (options.Neighbours is not (Neighbourhood.Four or Neighbourhood.Eight))
            throw new ModelInputException("neighbours", $"neighbours = {(int)options.Neighbours}: it must be 4 or 8.");
        if (options.Sweeps < 1)
            throw new ModelInputException("sweeps", $"sweeps = {options.Sweeps}: it must be ≥ 1 (mean-field sweeps per E-step).");
        if (options.MaxIterations < 0)
            throw new ModelInputException("maxIterations", $"max iterations = {options.MaxIterations}: it must be ≥ 0.");
        if (!double.IsFinite(options.Tolerance) || options.Tolerance < 0)
            throw new ModelInputException("tolerance", $"tolerance = {F(options.Tolerance)}: it must be a finite number ≥ 0 (0 runs every iteration).");
        if (options.Threads < 0)
            throw new ModelInputException("threads", $"threads = {options.Threads}: it must be ≥ 0 (0 = all cores).");
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
