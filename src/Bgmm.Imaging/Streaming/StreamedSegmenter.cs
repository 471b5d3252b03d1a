using System.Diagnostics;
using System.Globalization;
using Bgmm.Kernels;
using Bgmm.Spatial;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// <see cref="ImageSegmenter.Segment"/> for an image file of any size, read as it streams instead of
/// decoded whole: the same fit, labels and outputs, with memory bounded by the colour table and a
/// preview, never by the pixel count.
/// </summary>
/// <remarks>
/// <para>Pass 1 decodes the file row by row into the colour table (one weighted row per distinct colour,
/// in order of first occurrence: <see cref="RgbImage.ToCompressedDataset"/>'s table) and the pixels under
/// the foreground split's preview of the label map (<see cref="Bgmm.Spatial.LabelPreview"/>, at most 512 a side). The fit makes <see cref="ImageSegmenter.Prepare"/>'s choice: on the table
/// (random initial means drawn from the pixels, read back from the file) or, when the colours are not few
/// enough (or <see cref="ColourCompression.Off"/>), on every pixel, the file read again at each E-step.
/// Either way the E-step folds the same chunks in the same order as in memory, so the fit is the in-memory
/// fit bit for bit. Pass 2 labels every pixel (through the table, or directly) and writes the outputs row by
/// row (<see cref="StreamedOutputs"/>).</para>
/// <para>The foreground split is decided on the labels of those pixels: the same preview the in-memory
/// pipeline samples from its whole label map, so the split is the in-memory one; its share of the image is
/// then counted exactly over every pixel in pass 2.</para>
/// <para>What must be held is bounded by <c>maxHeldPixels</c>: the distinct colours of a 16-bit image (an
/// 8-bit image has at most 2²⁴), and images that cannot be decoded by rows (interlaced PNG, progressive
/// JPEG, …). The Potts smoothing needs every pixel in memory: use <see cref="ImageSegmenter"/>. A prior that
/// depends on the data (<see cref="SegmentationOptions.Prior"/>) is given the colour table.</para>
/// </remarks>
public static class StreamedSegmenter
{
    /// <summary>The entropy drawn brightest in uncertainty.png: log K (a tiny positive number for K = 1).</summary>
    public static double UncertaintyMax(int components) => Math.Max(Math.Log(components), 1e-9);

    /// <summary>Segments the image in <paramref name="path"/>, writing its images to <paramref name="outputs"/> as it goes.</summary>
    /// <param name="path">The image file (PNG, JPEG, …: <see cref="ImageRowReader"/>).</param>
    /// <param name="options">As <see cref="ImageSegmenter.Segment"/>, without smoothing.</param>
    /// <param name="outputs">Where the images go.</param>
    /// <param name="maxHeldPixels">The most distinct colours of a 16-bit image, and the largest image that must be decoded whole.</param>
    /// <param name="progress">Told after every EM iteration of every fit.</param>
    /// <param name="cancellationToken">Stops between bands of rows and between iterations.</param>
    /// <returns>The segmentation (<see cref="ImageSegmentation.IsStreamed"/>: no image, labels or uncertainty held).</returns>
    /// <exception cref="ImageLoadException">The file cannot be read, is not an image, is damaged, changes while read, or holds more than may be held.</exception>
    /// <exception cref="ModelInputException">An option does not fit the image, or smoothing was asked for.</exception>
    public static ImageSegmentation Segment(string path, SegmentationOptions options, StreamedOutputs outputs, long maxHeldPixels = ImageLoader.DefaultMaxPixels,
        IProgress<SegmentationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeldPixels, 1);
        if (options.Smoothing is not null)
            throw new ModelInputException("smoothing", "the smoothing needs every pixel in memory at once: segment the image in memory (ImageSegmenter), not streamed.");
        int[] ks = ImageSegmenter.Candidates(options.ComponentCounts);
        IReadOnlyList<CovarianceModel> models = options.Models ?? [options.Fit.Model];
        var clock = Stopwatch.StartNew();
        ImageFile file = ImageFile.Open(path, maxHeldPixels);
        (ColourTable table, PreviewSample preview) = Scan(file, maxHeldPixels, cancellationToken);
        Dataset colours = table.ToDataset();
        long pixels = file.Header.PixelCount;
        // As in memory: a start from a partition labels pixels, not colours, so every pixel is fitted.
        bool compressed = options.Fit.Initialization.Name != "partition" && (options.Compression == ColourCompression.On
            || (options.Compression == ColourCompression.Auto && colours.Count <= SegmentationOptions.AutoCompressionRatio * pixels));

        using var points = new PixelRows(file, table, cancellationToken);
        FitResult fit;
        ModelTable? selection = null;
        if (ks.Length == 1 && models.Count == 1)
        {
            FitOptions single = options.Fit with { ComponentCount = ks[0], Model = models[0] };
            fit = FitOne(file, colours, compressed, points, options.Prior(colours, models[0], ks[0]), single,
                ImageSegmenter.Phase(progress, $"K = {ks[0]}", single.MaxIterations), cancellationToken);
        }
        else
        {
            IProgress<SelectionProgress>? phases = progress is null ? null : new ImageSegmenter.SelectionPhases(progress, models.Count > 1, options.Fit.MaxIterations);
            // The distinct colours bound K exactly as the distinct pixels would.
            selection = ModelSelection.Select(new DatasetRows(colours, sourcePoints: false), colours.Dimension, pixels, (m, k) => options.Prior(colours, m, k),
                options.Fit, ks, models, options.Criterion, null, phases,
                (prior, o, phase) => FitOne(file, colours, compressed, points, prior, o, phase, cancellationToken),
                mixture => compressed ? Responsibilities.Entropy(mixture, colours, options.Fit.Threads) : PixelEntropy(file, mixture, cancellationToken),
                cancellationToken);
            fit = selection.Chosen.Candidate!.Fit;
        }
        MixturePrior prior = fit.Prior;
        points.Dispose();

        ForegroundSplit split = LabelAndWrite(file, table, colours, preview, compressed, fit.Mixture, options.Background, options.Fit.Threads, outputs, cancellationToken);
        ImageHeader h = file.Header;
        return new ImageSegmentation(h.Width, h.Height, h.BitsPerChannel, compressed, compressed ? colours.Count : pixels, fit, prior, selection,
            null, null, [], [], split, clock.Elapsed);
    }

    /// <summary>
    /// <see cref="ImageSegmenter.Apply"/> for an image file of any size: labels it with an already-fitted mixture
    /// (no fit), writing its images to <paramref name="outputs"/> as it goes; the log-likelihood is summed as in memory.
    /// </summary>
    /// <param name="path">The image file.</param>
    /// <param name="mixture">A mixture of D = 3 (RGB in [0, 1]), K ≤ 256.</param>
    /// <param name="prior">The prior the mixture was fitted with, if known (for the log joint in the JSON).</param>
    /// <param name="background">The background components, or null for the border rule.</param>
    /// <param name="outputs">Where the images go.</param>
    /// <param name="maxHeldPixels">As for <see cref="Segment"/>.</param>
    /// <param name="threads">Threads (0 = every core); results do not depend on it.</param>
    /// <param name="cancellationToken">Stops between bands of rows.</param>
    public static ImageSegmentation Apply(string path, GaussianMixture mixture, MixturePrior? prior, IReadOnlyList<int>? background, StreamedOutputs outputs,
        long maxHeldPixels = ImageLoader.DefaultMaxPixels, int threads = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeldPixels, 1);
        if (mixture.Dimension != 3)
            throw new ModelInputException(nameof(mixture), $"the mixture has D = {mixture.Dimension}; image mixtures have D = 3 (R, G, B).");
        if (mixture.ComponentCount > ImageSegmenter.MaxComponents)
            throw new ModelInputException(nameof(mixture), $"the mixture has K = {mixture.ComponentCount} components: image labels are bytes, so K must be ≤ {ImageSegmenter.MaxComponents}.");
        var clock = Stopwatch.StartNew();
        ImageFile file = ImageFile.Open(path, maxHeldPixels);
        (ColourTable table, PreviewSample preview) = Scan(file, maxHeldPixels, cancellationToken);
        Dataset colours = table.ToDataset();
        long pixels = file.Header.PixelCount;
        bool compressed = colours.Count <= SegmentationOptions.AutoCompressionRatio * pixels;
        double logLikelihood;
        if (compressed)
        {
            logLikelihood = mixture.LogLikelihood(colours, threads);
        }
        else
        {
            using var source = new ImagePixelSource(file, mixture.ComponentCount, threads, Precision.Double);
            logLikelihood = source.EStep(mixture, cancellationToken).Statistics.LogLikelihood;
        }
        ForegroundSplit split = LabelAndWrite(file, table, colours, preview, compressed, mixture, background, threads, outputs, cancellationToken);
        ImageHeader h = file.Header;
        return new ImageSegmentation(h.Width, h.Height, h.BitsPerChannel, compressed, compressed ? colours.Count : pixels, null, prior, null,
            null, (mixture, logLikelihood, pixels), [], [], split, clock.Elapsed);
    }

    /// <summary>The foreground split from the preview's labels, then pass 2; returns the split with its exact share.</summary>
    private static ForegroundSplit LabelAndWrite(ImageFile file, ColourTable table, Dataset colours, PreviewSample preview, bool compressed,
        GaussianMixture mixture, IReadOnlyList<int>? background, int threads, StreamedOutputs outputs, CancellationToken cancellationToken)
    {
        (ColourTable, byte[], float[])? lookup = null;
        byte[] previewLabels = new byte[preview.PixelCount];
        if (compressed)
        {
            var colourLabels = new byte[colours.Count];
            mixture.Predict(colours, colourLabels, threads);
            lookup = (table, colourLabels, Responsibilities.RowEntropies(mixture, colours, threads));
            for (int i = 0; i < previewLabels.Length; i++)
            {
                (int r, int g, int b) = preview.Stored(i);
                previewLabels[i] = colourLabels[table.RowOf(r, g, b)];
            }
        }
        else
        {
            mixture.Predict(preview.ToDataset(), previewLabels, threads);
        }
        cancellationToken.ThrowIfCancellationRequested();
        // The split reads the preview alone; its share is counted over every pixel below.
        var previewCounts = new long[mixture.ComponentCount];
        foreach (byte label in previewLabels) previewCounts[label]++;
        ForegroundSplit split = background is null
            ? ForegroundSplit.Decide(previewLabels, preview.Width, preview.Height, mixture, previewCounts)
            : ForegroundSplit.Given(previewLabels, background, mixture.ComponentCount);

        var pass = new OutputPass(file, mixture, split.IsBackground, threads);
        pass.Run(lookup, outputs, cancellationToken);
        long foreground = 0;
        for (int k = 0; k < pass.Counts.Length; k++)
        {
            if (!split.IsBackground[k]) foreground += pass.Counts[k];
        }
        return split with { Share = (double)foreground / file.Header.PixelCount };
    }

    /// <summary>Pass 1: the colour table and the preview sample.</summary>
    private static (ColourTable Table, PreviewSample Preview) Scan(ImageFile file, long maxHeldPixels, CancellationToken cancellationToken)
    {
        ImageHeader header = file.Header;
        var table = ColourTable.Create(header.BitsPerChannel, maxHeldPixels);
        var preview = new PreviewSample(header);
        using var bands = new ImageBands(file, cancellationToken);
        try
        {
            while (bands.Next())
            {
                if (bands.Is16Bit) table.Add(bands.Red16, bands.Green16, bands.Blue16);
                else table.Add(bands.Red8, bands.Green8, bands.Blue8);
                preview.Add(bands);
            }
        }
        catch (ColourTableFullException full)
        {
            throw new ImageLoadException(file.Path, ImageLoadFailure.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"this 16-bit image has more than {full.Limit:N0} distinct colours, and its colour table must be held in memory to fit it; raise the limit with --max-pixels (about 100 bytes per colour) or convert the image to 8 bits per channel."));
        }
        return (table, preview);
    }

    private static FitResult FitOne(ImageFile file, Dataset colours, bool compressed, PixelRows points, MixturePrior prior, FitOptions options,
        IProgress<FitProgress>? phase, CancellationToken cancellationToken)
    {
        if (compressed)
        {
            using var source = new ColourTableSource(colours, file.Header.PixelCount, options.ComponentCount, options.Threads, options.Precision);
            return MapEmFitter.FitTable(source, new DatasetRows(colours, sourcePoints: false), points, prior, options, phase, cancellationToken);
        }
        using var pixels = new ImagePixelSource(file, options.ComponentCount, options.Threads, options.Precision);
        return MapEmFitter.FitSource(pixels, points, prior, options, phase, cancellationToken);
    }

    /// <summary>
    /// The classification entropy over every pixel, as <see cref="Responsibilities.Entropy"/> sums it for the
    /// image in memory: over chunks of <see cref="LabelKernel.ChunkRows"/> pixels, in order.
    /// </summary>
    private static double PixelEntropy(ImageFile file, GaussianMixture mixture, CancellationToken cancellationToken)
    {
        var model = new EStepModel(mixture);
        double total = 0;
        new PixelBlocks(file.Header.BitsPerChannel).ForEach(file, block => total += LabelKernel.Entropy(model, block, threads: 1), cancellationToken);
        return total;
    }
}
