using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Plotting;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>When to fit the table of distinct colours instead of every pixel.</summary>
internal enum CompressionMode
{
    Auto,
    On,
    Off,
}

/// <summary>Settings of image segmentation beyond the model's.</summary>
internal sealed record ImageSettings(long MaxPixels, CompressionMode Compression, Precision Precision, IReadOnlyList<int>? Background = null);

/// <summary>What one segmented image produced.</summary>
internal sealed record SegmentationOutcome(string Input, string Folder, GaussianMixture Mixture, FitResult? Fit, string Json,
    IReadOnlyList<string> Files, RgbImage Image, TimeSpan Decode, TimeSpan FitTime, TimeSpan Outputs, bool Compressed, int Rows,
    ModelSelectionResult? Selection = null, ForegroundSplit? Foreground = null);

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
        RgbImage image = ImageLoader.Load(path, settings.MaxPixels);
        TimeSpan decode = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        (Dataset data, bool compressed) = Prepare(image, settings.Compression);
        console.VerboseLine(compressed
            ? $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, {data.Count} distinct colours: fitting the colour table weighted by pixel counts (exact; --compress off to disable)"
            : $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, fitting every pixel");

        var fitClock = Stopwatch.StartNew();
        ModelFit modelFit = ModelFitting.Run(console, Path.GetFileName(path), data, model, settings.Precision, cancellationToken);
        FitResult fit = modelFit.Fit;
        TimeSpan fitTime = fitClock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        var outputClock = Stopwatch.StartNew();
        int k = fit.Mixture.Components;
        byte[] labels = PixelLabels(fit.Mixture, data, image);
        float[] entropy = PixelEntropies(fit.Mixture, data, image);
        ForegroundSplit split = settings.Background is null
            ? ForegroundSplit.ByBorder(labels, image.Width, image.Height, k)
            : ForegroundSplit.Given(labels, settings.Background, k);
        string json = FitResultJson.Serialize(fit, w =>
        {
            WriteImageProperties(w, path, image, compressed, data.Count, decode, fitTime);
            WriteForeground(w, split);
            if (modelFit.Selection is not null) ModelFitting.WriteSelection(w, modelFit.Selection);
        });
        string name = Path.GetFileName(path);
        WriteImageOutputs(outputs, image, labels, k, json, fit.LogJointTrace, $"{name}: log joint per EM iteration (K = {k})");
        WriteForegroundOutputs(outputs, image, labels, split, entropy, k);
        if (modelFit.Selection is not null) ModelFitting.AddSelectionOutputs(outputs, modelFit.Selection, name);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, fit.Mixture, fit, json, files, image, decode, fitTime, outputClock.Elapsed,
            compressed, data.Count, modelFit.Selection, split);
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
        int[] rowLabels = mixture.Predict(data);
        var labels = new byte[image.PixelCount];
        ReadOnlySpan<int> source = data.SourceRows;
        if (source.IsEmpty)
        {
            for (int i = 0; i < labels.Length; i++) labels[i] = (byte)rowLabels[i];
        }
        else
        {
            for (int i = 0; i < labels.Length; i++) labels[i] = (byte)rowLabels[source[i]];
        }
        return labels;
    }

    /// <summary>The posterior entropy of every pixel (nats), through the colour table when compressed.</summary>
    internal static float[] PixelEntropies(GaussianMixture mixture, Dataset data, RgbImage image)
    {
        var rows = new float[data.Count];
        Responsibilities.RowEntropies(mixture, data, rows);
        ReadOnlySpan<int> source = data.SourceRows;
        if (source.IsEmpty) return rows;
        var pixels = new float[image.PixelCount];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rows[source[i]];
        return pixels;
    }

    internal static void WriteImageOutputs(OutputSet outputs, RgbImage image, byte[] labels, int components, string json,
        IReadOnlyList<double>? trace, string traceTitle, int? phaseBoundary = null)
    {
        outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        outputs.Add("segments.png", () => SegmentsFigure.EncodePng(image, labels, components));
        outputs.Add("labels.png", () => LabelImage.EncodePng(image.Width, image.Height, labels, components));
        if (trace is not null) outputs.Add("log_joint.png", () => TracePlot.Render(trace, traceTitle, phaseBoundary));
    }

    /// <summary>mask.png (255 = foreground), cutout.png (background transparent), uncertainty.png (entropy heat map, 0 … log K).</summary>
    internal static void WriteForegroundOutputs(OutputSet outputs, RgbImage image, byte[] labels, ForegroundSplit split, float[] entropy, int components)
    {
        outputs.Add("mask.png", () => MaskImage.EncodePng(image.Width, image.Height, labels, split.IsBackground));
        outputs.Add("cutout.png", () => Cutout.EncodePng(image, labels, split.IsBackground));
        outputs.Add("uncertainty.png", () => HeatMap.EncodePng(image.Width, image.Height, entropy, 0, Math.Max(Math.Log(components), 1e-9)));
    }

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
