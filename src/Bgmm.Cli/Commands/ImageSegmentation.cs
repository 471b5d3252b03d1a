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
internal sealed record ImageSettings(long MaxPixels, CompressionMode Compression, Precision Precision);

/// <summary>What one segmented image produced.</summary>
internal sealed record SegmentationOutcome(string Input, string Folder, GaussianMixture Mixture, FitResult? Fit, string Json, IReadOnlyList<string> Files,
    RgbImage Image, TimeSpan Decode, TimeSpan FitTime, TimeSpan Outputs, bool Compressed, int Rows);

/// <summary>
/// One image through the study's pipeline: decode → pixels as RGB in [0,1] → MAP-EM → labels →
/// result.json, segments.png, labels.png, log_joint.png (written atomically as a set).
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
        using var outputs = new OutputSet(folder, allInputs);
        RgbImage image = ImageLoader.Load(path, settings.MaxPixels);
        TimeSpan decode = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        (Dataset data, bool compressed) = Prepare(image, settings.Compression);
        console.VerboseLine(compressed
            ? $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, {data.Count} distinct colours: fitting the colour table weighted by pixel counts (exact; --compress off to disable)"
            : $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, fitting every pixel");

        int k = model.ComponentCount;
        MixturePrior prior = model.Prior(3, data);
        FitOptions options = model.CreateFitOptions(k) with { Precision = settings.Precision };
        var fitClock = Stopwatch.StartNew();
        FitResult fit = FitProgressDisplay.Run(console, Path.GetFileName(path), options.MaxIterations, options.Restarts,
            progress => MapEmFitter.Fit(data, prior, options, progress, cancellationToken));
        TimeSpan fitTime = fitClock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        var outputClock = Stopwatch.StartNew();
        byte[] labels = PixelLabels(fit.Mixture, data, image);
        string json = FitResultJson.Serialize(fit, w => WriteImageProperties(w, path, image, compressed, data.Count, decode, fitTime));
        WriteImageOutputs(outputs, image, labels, k, json, fit.LogJointTrace, $"{Path.GetFileName(path)}: log joint per EM iteration (K = {k})");
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, fit.Mixture, fit, json, files, image, decode, fitTime, outputClock.Elapsed, compressed, data.Count);
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

    internal static void WriteImageOutputs(OutputSet outputs, RgbImage image, byte[] labels, int components, string json,
        IReadOnlyList<double>? trace, string traceTitle)
    {
        outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        outputs.Add("segments.png", SegmentsFigure.EncodePng(image, labels, components));
        outputs.Add("labels.png", LabelImage.EncodePng(image.Width, image.Height, labels, components));
        if (trace is not null) outputs.Add("log_joint.png", TracePlot.Render(trace, traceTitle));
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
