using System.Diagnostics;
using System.Globalization;
using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>
/// The segmentation pipeline of the image study: pixels as RGB in [0, 1] (SPEC §4) → MAP-EM, or a
/// choice of K by BIC/ICL → optionally the Potts smoothing → labels, per-pixel uncertainty and the
/// foreground split. Image in; fit, labels and foreground out. Decoding and writing files are the
/// caller's (<see cref="ImageLoader"/>, the encoders).
/// </summary>
/// <remarks>
/// The distinct colours of an image are identical points, so when they are clearly fewer than the
/// pixels (<see cref="SegmentationOptions.Compression"/>) the fit runs on the colour table weighted by
/// pixel counts: the same fixed point with less work, and random initialisation draws the same pixels.
/// Labels then go through the table (one lookup per pixel). The smoothing needs every pixel in place.
/// </remarks>
public static class ImageSegmenter
{
    /// <summary>Segment labels are bytes (labels.png), so at most this many components.</summary>
    public const int MaxComponents = 256;

    /// <summary>Segments <paramref name="image"/>.</summary>
    /// <param name="image">The image.</param>
    /// <param name="options">K (or the Ks to choose from), prior, EM settings, compression, smoothing, background.</param>
    /// <param name="progress">Told after every EM iteration of every fit (synchronously, on the calling thread).</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <exception cref="ModelInputException">An option does not fit the image (K larger than its distinct colours, …).</exception>
    public static ImageSegmentation Segment(RgbImage image, SegmentationOptions options, IProgress<SegmentationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        int[] ks = Candidates(options.ComponentCounts);
        IReadOnlyList<CovarianceModel> models = options.Models ?? [options.Fit.Model];
        var clock = Stopwatch.StartNew();
        // A start from a partition labels pixels, not colours: every pixel is fitted.
        (Dataset data, bool compressed) = Prepare(image, options.Fit.Initialization.Name == "partition" ? ColourCompression.Off : options.Compression);

        FitResult fit;
        ModelTable? selection = null;
        if (ks.Length == 1 && models.Count == 1)
        {
            FitOptions single = options.Fit with { ComponentCount = ks[0], Model = models[0] };
            fit = FitOne(data, options.Prior(data, models[0], ks[0]), single, $"K = {ks[0]}", progress, cancellationToken);
        }
        else
        {
            IProgress<SelectionProgress>? phases = progress is null ? null : new SelectionPhases(progress, models.Count > 1, options.Fit.MaxIterations);
            selection = ModelSelection.Select(data, (m, k) => options.Prior(data, m, k), options.Fit, ks, models, options.Criterion,
                progress: phases, cancellationToken: cancellationToken);
            fit = selection.Chosen.Candidate!.Fit;
        }
        MixturePrior prior = fit.Prior;

        SmoothedFitResult? smoothed = null;
        byte[] labels;
        float[] uncertainty;
        int threads = options.Fit.Threads;
        if (options.Smoothing is SmoothingOptions smoothing)
        {
            Dataset pixels = compressed ? image.ToDataset() : data;
            SmoothingOptions loop = smoothing with { MaxIterations = options.Fit.MaxIterations, Tolerance = options.Fit.Tolerance, Threads = threads };
            string phase = string.Create(CultureInfo.InvariantCulture, $"smoothing (β = {smoothing.Beta:G4})");
            smoothed = MeanFieldEmFitter.Fit(pixels, image.Width, image.Height, fit.Mixture, prior, loop,
                Phase(progress, phase, loop.MaxIterations), cancellationToken);
            labels = smoothed.Labels.ToArray();
            uncertainty = smoothed.ComputeEntropy();
        }
        else
        {
            (labels, uncertainty) = Summaries(fit.Mixture, data, threads);
        }
        cancellationToken.ThrowIfCancellationRequested();
        ForegroundSplit foreground = Split(labels, image, smoothed?.Mixture ?? fit.Mixture, options.Background);
        return new ImageSegmentation(image, compressed, data.Count, fit, prior, selection, smoothed, null, labels, uncertainty, foreground, clock.Elapsed)
        {
            Warnings = prior.ScaleWarnings(DataMoments.Of(data)),
        };
    }

    /// <summary>Labels <paramref name="image"/> with an already-fitted mixture (no fit): labels, uncertainty, foreground.</summary>
    /// <param name="image">The image.</param>
    /// <param name="mixture">A mixture of D = 3 (RGB in [0, 1]), K ≤ 256.</param>
    /// <param name="prior">The prior the mixture was fitted with, if known (for the log joint in the JSON).</param>
    /// <param name="background">The background components, or null for the frame rule (<see cref="ForegroundSplit.Decide(ReadOnlySpan{byte}, int, int, GaussianMixture)"/>).</param>
    /// <param name="threads">Threads (0 = every core); results do not depend on it.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    public static ImageSegmentation Apply(RgbImage image, GaussianMixture mixture, MixturePrior? prior = null, IReadOnlyList<int>? background = null,
        int threads = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mixture);
        if (mixture.Dimension != 3)
            throw new ModelInputException(nameof(mixture), $"the mixture has D = {mixture.Dimension}; image mixtures have D = 3 (R, G, B).");
        if (mixture.ComponentCount > MaxComponents)
            throw new ModelInputException(nameof(mixture), $"the mixture has K = {mixture.ComponentCount} components: image labels are bytes, so K must be ≤ {MaxComponents}.");
        var clock = Stopwatch.StartNew();
        (Dataset data, bool compressed) = Prepare(image, ColourCompression.Auto);
        cancellationToken.ThrowIfCancellationRequested();
        (byte[] labels, float[] uncertainty) = Summaries(mixture, data, threads);
        double logLikelihood = mixture.LogLikelihood(data, threads);
        ForegroundSplit foreground = Split(labels, image, mixture, background);
        return new ImageSegmentation(image, compressed, data.Count, null, prior, null, null, (mixture, logLikelihood, data.PointCount),
            labels, uncertainty, foreground, clock.Elapsed);
    }

    /// <summary>The dataset to fit: the distinct-colour table when it pays (or is asked for), else every pixel.</summary>
    public static (Dataset Data, bool Compressed) Prepare(RgbImage image, ColourCompression compression)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (compression == ColourCompression.Off) return (image.ToDataset(), false);
        Dataset table = image.ToCompressedDataset();
        if (compression == ColourCompression.On || table.Count <= SegmentationOptions.AutoCompressionRatio * image.PixelCount) return (table, true);
        return (image.ToDataset(), false);
    }

    internal static int[] Candidates(IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int[] ks = [.. counts.Distinct().Order()];
        if (ks.Length == 0) throw new ModelInputException("componentCounts", "no number of components given: give at least one K.");
        if (ks[0] < 1) throw new ModelInputException("componentCounts", $"K = {ks[0]}: the number of components must be ≥ 1.");
        if (ks[^1] > MaxComponents)
            throw new ModelInputException("componentCounts", $"K = {ks[^1]}: image labels are bytes (labels.png), so K must be ≤ {MaxComponents}.");
        return ks;
    }

    private static FitResult FitOne(Dataset data, MixturePrior prior, FitOptions options, string phase, IProgress<SegmentationProgress>? progress,
        CancellationToken cancellationToken) =>
        MapEmFitter.Fit(data, prior, options, Phase(progress, phase, options.MaxIterations), cancellationToken);

    internal static IProgress<FitProgress>? Phase(IProgress<SegmentationProgress>? progress, string phase, int maxIterations) =>
        progress is null ? null : new PhaseProgress(progress, phase, maxIterations);

    /// <summary>argmax_k r_nk and the posterior entropy of every pixel, through the colour table when the data is one.</summary>
    private static (byte[] Labels, float[] Uncertainty) Summaries(GaussianMixture mixture, Dataset data, int threads)
    {
        var labels = new byte[data.Count];
        mixture.Predict(data, labels, threads);
        float[] entropy = Responsibilities.RowEntropies(mixture, data, threads);
        ReadOnlySpan<int> source = data.SourceRows;
        return source.IsEmpty ? (labels, entropy) : (Expand(labels, source), Expand(entropy, source));
    }

    private static T[] Expand<T>(T[] rows, ReadOnlySpan<int> sourceRows)
    {
        var pixels = GC.AllocateUninitializedArray<T>(sourceRows.Length);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rows[sourceRows[i]];
        return pixels;
    }

    private static ForegroundSplit Split(byte[] labels, RgbImage image, GaussianMixture mixture, IReadOnlyList<int>? background) =>
        background is null
            ? ForegroundSplit.Decide(labels, image.Width, image.Height, mixture)
            : ForegroundSplit.Given(labels, background, mixture.ComponentCount);

    internal sealed class SelectionPhases(IProgress<SegmentationProgress> progress, bool models, int maxIterations) : IProgress<SelectionProgress>
    {
        public void Report(SelectionProgress value) =>
            progress.Report(new SegmentationProgress(models ? $"{value.Model} K = {value.ComponentCount}" : $"K = {value.ComponentCount}", maxIterations, value.Fit));
    }

    private sealed class PhaseProgress(IProgress<SegmentationProgress> progress, string phase, int maxIterations) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => progress.Report(new SegmentationProgress(phase, maxIterations, value));
    }
}
