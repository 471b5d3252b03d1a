using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Plotting;
using Bgmm.Spatial;

namespace Bgmm.Cli.Commands;

/// <summary>Settings of image segmentation beyond the model's.</summary>
internal sealed record ImageSettings(long MaxPixels, ColourCompression Compression, Precision Precision,
    IReadOnlyList<int>? Background = null, SmoothingOptions? Smoothing = null);

/// <summary>What one segmented image produced, for the terminal.</summary>
internal sealed record SegmentationOutcome(string Input, string Folder, ImageSegmentation Result, string Json,
    IReadOnlyList<string> Files, TimeSpan Decode, TimeSpan Outputs);

/// <summary>
/// One image through the study's pipeline (<see cref="ImageSegmenter"/>): decode → segment (with
/// progress on the terminal) → result.json, segments.png, labels.png, log_joint.png, mask.png,
/// cutout.png, uncertainty.png (and criterion.png), written atomically as a set.
/// </summary>
internal static class SegmentRun
{
    public static SegmentationOutcome Run(CliConsole console, string path, string folder, ModelSettings model,
        ImageSettings settings, CancellationToken cancellationToken, IReadOnlyList<string> allInputs)
    {
        var clock = Stopwatch.StartNew();
        using var outputs = new OutputSet(folder, allInputs, cancellationToken);
        RgbImage image = ImageLoader.Load(path, settings.MaxPixels, cancellationToken);
        TimeSpan decode = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        var options = new SegmentationOptions
        {
            ComponentCounts = model.ComponentCounts,
            Models = model.ModelsFor(3),
            Criterion = model.Criterion,
            Prior = model.Prior.For,
            Fit = model.Fit with { Precision = settings.Precision },
            Compression = settings.Compression,
            Smoothing = settings.Smoothing,
            Background = settings.Background,
        };
        string name = Path.GetFileName(path);
        ImageSegmentation result = FitProgressDisplay.RunPhases(console, name,
            progress => ImageSegmenter.Segment(image, options, progress, cancellationToken));
        console.VerboseLine(result.Compressed
            ? $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, {result.FittedRows} distinct colours: the colour table was fitted, weighted by pixel counts (exact; --compress off to disable)"
            : $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, every pixel fitted");

        var outputClock = Stopwatch.StartNew();
        string json = result.ToJson(w => WriteRunProperties(w, path, decode, result.Elapsed));
        int k = result.Mixture.ComponentCount;
        string traceTitle = result.Smoothing is null
            ? $"{name}: log joint per EM iteration (K = {k})"
            : $"{name}: log joint, then the smoothed objective F (K = {k}, β = {result.Smoothing.Options.Beta:G4})";
        WriteImageOutputs(outputs, result, json, traceTitle,
            extra: result.Selection is null ? null : [("criterion.png", () => ModelFitting.CriterionPng(result.Selection, name))]);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, result, json, files, decode, outputClock.Elapsed);
    }

    /// <summary>
    /// Stages result.json and the figures: segments.png, labels.png, log_joint.png (when there is a
    /// trace), mask.png (255 = foreground), cutout.png (background transparent) and uncertainty.png
    /// (posterior entropy, 0 … log K), encoded in parallel.
    /// </summary>
    internal static void WriteImageOutputs(OutputSet outputs, ImageSegmentation result, string json, string traceTitle,
        IEnumerable<(string, Func<byte[]>)>? extra = null)
    {
        RgbImage image = result.Image;
        byte[] labels = result.Labels.ToArray();
        float[] uncertainty = result.Uncertainty.ToArray();
        int components = result.Mixture.ComponentCount;
        bool[] background = result.Foreground.IsBackground;
        var files = new List<(string, Func<byte[]>)>
        {
            ("result.json", () => Encoding.UTF8.GetBytes(json)),
            ("segments.png", () => SegmentsFigure.EncodePng(image, labels, components)),
            ("labels.png", () => LabelImage.EncodePng(image.Width, image.Height, labels, components)),
            ("mask.png", () => MaskImage.EncodePng(image.Width, image.Height, labels, background)),
            ("cutout.png", () => Cutout.EncodePng(image, labels, background)),
            ("uncertainty.png", () => HeatMap.EncodePng(image.Width, image.Height, uncertainty, 0, Math.Max(Math.Log(components), 1e-9))),
        };
        IReadOnlyList<double> trace = result.ObjectiveTrace;
        if (trace.Count > 0) files.Add(("log_joint.png", () => TracePlot.Render(trace, traceTitle, result.SmoothingStart)));
        if (extra is not null) files.AddRange(extra);
        outputs.AddAll(files);
    }

    /// <summary>The run's own keys of result.json: the input's path and the timings.</summary>
    internal static void WriteRunProperties(Utf8JsonWriter w, string path, TimeSpan decode, TimeSpan fit)
    {
        w.WriteString("input", Path.GetFullPath(path));
        w.WriteStartObject("timings_ms");
        w.WriteNumber("decode", Math.Round(decode.TotalMilliseconds, 3));
        w.WriteNumber("fit", Math.Round(fit.TotalMilliseconds, 3));
        w.WriteEndObject();
    }
}
