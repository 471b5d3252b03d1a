using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Plotting;
using Bgmm.Serialization;
using Bgmm.Spatial;

namespace Bgmm.Cli.Commands;

/// <summary>When to fit the table of distinct colours instead of every pixel.</summary>
internal enum CompressionMode
{
    Auto,
    On,
    Off,
}

/// <summary>Settings of image segmentation beyond the model's.</summary>
internal sealed record ImageSettings(long MaxPixels, CompressionMode Compression, Precision Precision,
    IReadOnlyList<int>? Background = null, SmoothingOptions? Smoothing = null);

/// <summary>What one segmented image produced.</summary>
internal sealed record SegmentationOutcome(string Input, string Folder, GaussianMixture Mixture, FitResult? Fit, string Json,
    IReadOnlyList<string> Files, RgbImage Image, TimeSpan Decode, TimeSpan FitTime, TimeSpan Outputs, bool Compressed, int Rows,
    ModelSelectionResult? Selection = null, ForegroundSplit? Foreground = null, SmoothedFitResult? Smoothed = null);

/// <summary>
/// One image through the study's pipeline: decode → pixels as RGB in [0,1] → MAP-EM (or a choice of
/// K) → labels → foreground/background → result.json, segments.png, labels.png, log_joint.png,
/// mask.png, cutout.png, uncertainty.png (and criterion.png), written atomically as a set.
/// </summary>
internal static class ImageSegmentation
{
    /// <summary>
    /// Compression pays when the distinct colours are clearly fewer than the pixels: the fit's work
    /// is per row, and labelling through the colour table is a lookup.
    /// </summary>
    internal const double AutoCompressionRatio = 0.7;

    public static SegmentationOutcome Run(CliConsole console, string path, string folder, ModelSettings model,
        ImageSettings settings, CancellationToken cancellationToken, IReadOnlyList<string> allInputs)
    {
        var clock = Stopwatch.StartNew();
        using var outputs = new OutputSet(folder, allInputs, cancellationToken);
        RgbImage image = ImageLoader.Load(path, settings.MaxPixels, cancellationToken);
        TimeSpan decode = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        (Dataset data, bool compressed) = Prepare(image, settings.Compression);
        SmoothedFitResult? smoothedResult = null;
        console.VerboseLine(compressed
            ? $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, {data.Count} distinct colours: fitting the colour table weighted by pixel counts (exact; --compress off to disable)"
            : $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, fitting every pixel");

        var fitClock = Stopwatch.StartNew();
        ModelFit modelFit = ModelFitting.Run(console, Path.GetFileName(path), data, model, settings.Precision, cancellationToken);
        FitResult fit = modelFit.Fit;
        int k = fit.Mixture.ComponentCount;
        byte[] labels;
        float[] entropy;
        int? phaseBoundary = null;
        IReadOnlyList<double> trace = fit.LogJointTrace;
        if (settings.Smoothing is SmoothingOptions smoothing)
        {
            // The smoothing needs every pixel in place; the independent fit it starts from was exact on the colour table.
            Dataset pixels = compressed ? image.ToDataset() : data;
            SmoothingOptions options = smoothing with { MaxIterations = model.MaxIterations, Tolerance = model.Tolerance, Threads = model.Threads };
            SmoothedFitResult smoothed = FitProgressDisplay.Run(console, $"{Path.GetFileName(path)} smoothing (β = {Format(smoothing.Beta)})", options.MaxIterations, 1,
                progress => MeanFieldEmFitter.Fit(pixels, image.Width, image.Height, fit.Mixture, modelFit.Prior, options, progress, cancellationToken));
            phaseBoundary = fit.LogJointTrace.Count;
            trace = [.. fit.LogJointTrace, .. smoothed.ObjectiveTrace];
            labels = smoothed.Labels.ToArray();
            entropy = smoothed.ComputeEntropy();
            smoothedResult = smoothed;
        }
        else
        {
            labels = PixelLabels(fit.Mixture, data, image);
            entropy = PixelEntropies(fit.Mixture, data);
        }
        TimeSpan fitTime = fitClock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        var outputClock = Stopwatch.StartNew();
        ForegroundSplit split = settings.Background is null
            ? ForegroundSplit.ByBorder(labels, image.Width, image.Height, k)
            : ForegroundSplit.Given(labels, settings.Background, k);
        void Extra(Utf8JsonWriter w)
        {
            WriteImageProperties(w, path, image, compressed, data.Count, decode, fitTime);
            WriteForeground(w, split);
            if (modelFit.Selection is not null) ModelFitting.WriteSelection(w, modelFit.Selection);
        }
        string json = smoothedResult is null ? FitResultJson.Serialize(fit, Extra) : SmoothedFitJson.Serialize(fit, smoothedResult, Extra);
        GaussianMixture mixture = smoothedResult?.Mixture ?? fit.Mixture;
        string name = Path.GetFileName(path);
        string traceTitle = smoothedResult is null
            ? $"{name}: log joint per EM iteration (K = {k})"
            : $"{name}: log joint, then the smoothed objective F (K = {k}, β = {Format(smoothedResult.Options.Beta)})";
        WriteImageOutputs(outputs, image, labels, k, json, trace, traceTitle, split, entropy, phaseBoundary,
            extra: modelFit.Selection is null ? null : [("criterion.png", () => ModelFitting.CriterionPng(modelFit.Selection, name))]);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, mixture, fit, json, files, image, decode, fitTime, outputClock.Elapsed,
            compressed, data.Count, modelFit.Selection, split, smoothedResult);
    }

    /// <summary>The dataset to fit: the distinct-colour table when it pays (or is asked for), else every pixel.</summary>
    internal static (Dataset Data, bool Compressed) Prepare(RgbImage image, CompressionMode mode)
    {
        if (mode == CompressionMode.Off) return (image.ToDataset(), false);
        Dataset compressed = image.ToCompressedDataset();
        if (mode == CompressionMode.On || compressed.Count <= AutoCompressionRatio * image.PixelCount) return (compressed, true);
        return (image.ToDataset(), false);
    }

    /// <summary>argmax_k r_nk for every pixel, through the colour table when the data is compressed.</summary>
    internal static byte[] PixelLabels(GaussianMixture mixture, Dataset data, RgbImage image)
    {
        ReadOnlySpan<int> source = data.SourceRows;
        if (source.IsEmpty)
        {
            var labels = new byte[image.PixelCount];
            mixture.Predict(data, labels);
            return labels;
        }
        var rowLabels = new byte[data.Count];
        mixture.Predict(data, rowLabels);
        return ExpandRows(rowLabels, source);
    }

    /// <summary>The posterior entropy of every pixel (nats), through the colour table when compressed.</summary>
    internal static float[] PixelEntropies(GaussianMixture mixture, Dataset data)
    {
        float[] rows = Responsibilities.RowEntropies(mixture, data);
        ReadOnlySpan<int> source = data.SourceRows;
        return source.IsEmpty ? rows : ExpandRows(rows, source);
    }

    /// <summary>Per-pixel values from per-row values of a compressed dataset.</summary>
    internal static T[] ExpandRows<T>(T[] rows, ReadOnlySpan<int> sourceRows)
    {
        var pixels = GC.AllocateUninitializedArray<T>(sourceRows.Length);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rows[sourceRows[i]];
        return pixels;
    }

    /// <summary>
    /// Stages result.json and the figures: segments.png, labels.png, log_joint.png (when there is a
    /// trace), mask.png (255 = foreground), cutout.png (background transparent) and uncertainty.png
    /// (posterior entropy, 0 … log K), encoded in parallel.
    /// </summary>
    internal static void WriteImageOutputs(OutputSet outputs, RgbImage image, byte[] labels, int components, string json,
        IReadOnlyList<double>? trace, string traceTitle, ForegroundSplit split, float[] entropy, int? phaseBoundary = null,
        IEnumerable<(string, Func<byte[]>)>? extra = null)
    {
        var files = new List<(string, Func<byte[]>)>
        {
            ("result.json", () => Encoding.UTF8.GetBytes(json)),
            ("segments.png", () => SegmentsFigure.EncodePng(image, labels, components)),
            ("labels.png", () => LabelImage.EncodePng(image.Width, image.Height, labels, components)),
            ("mask.png", () => MaskImage.EncodePng(image.Width, image.Height, labels, split.IsBackground)),
            ("cutout.png", () => Cutout.EncodePng(image, labels, split.IsBackground)),
            ("uncertainty.png", () => HeatMap.EncodePng(image.Width, image.Height, entropy, 0, Math.Max(Math.Log(components), 1e-9))),
        };
        if (trace is not null) files.Add(("log_joint.png", () => TracePlot.Render(trace, traceTitle, phaseBoundary)));
        if (extra is not null) files.AddRange(extra);
        outputs.AddAll(files);
    }

    private static string Format(double x) => x.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);

    internal static void WriteForeground(Utf8JsonWriter w, ForegroundSplit split)
    {
        w.WriteStartObject("foreground");
        w.WriteStartArray("components");
        foreach (int k in split.ForegroundComponents) w.WriteNumberValue(k);
        w.WriteEndArray();
        w.WriteNumber("share", split.Share);
        w.WriteString("rule", split.ByBorderRule ? "border" : "given");
        w.WriteEndObject();
    }

    internal static void WriteImageProperties(Utf8JsonWriter w, string path, RgbImage image, bool compressed, int rows,
        TimeSpan decode, TimeSpan fit)
    {
        w.WriteString("input", Path.GetFullPath(path));
        w.WriteNumber("width", image.Width);
        w.WriteNumber("height", image.Height);
        w.WriteNumber("bits_per_channel", image.BitsPerChannel);
        w.WriteBoolean("compressed", compressed);
        if (compressed) w.WriteNumber("distinct_colours", rows);
        w.WriteStartObject("timings_ms");
        w.WriteNumber("decode", Math.Round(decode.TotalMilliseconds, 3));
        w.WriteNumber("fit", Math.Round(fit.TotalMilliseconds, 3));
        w.WriteEndObject();
    }
}
