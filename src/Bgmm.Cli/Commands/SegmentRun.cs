using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using System.Globalization;
using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;
using Bgmm.Plotting;
using Bgmm.Spatial;

namespace Bgmm.Cli.Commands;

/// <summary>Whether an image is read row by row (<see cref="StreamedSegmenter"/>) or decoded whole.</summary>
internal enum StreamMode
{
    /// <summary>Streamed when the image exceeds --max-pixels or its in-memory segmentation would not fit the available memory.</summary>
    Auto,

    /// <summary>Always streamed (not with --smooth).</summary>
    On,

    /// <summary>Always decoded whole.</summary>
    Off,
}

/// <summary>Settings of image segmentation beyond the model's.</summary>
internal sealed record ImageSettings(long MaxPixels, ColourCompression Compression, Precision Precision,
    IReadOnlyList<int>? Background = null, SmoothingOptions? Smoothing = null, StreamMode Stream = StreamMode.Auto);

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
        SegmentationOptions options = Options(model, settings);
        if (Streamed(path, model, settings)) return RunStreamed(console, path, folder, options, settings, cancellationToken, allInputs);

        var clock = Stopwatch.StartNew();
        using var outputs = new OutputSet(folder, allInputs, cancellationToken);
        RgbImage image = ImageLoader.Load(path, settings.MaxPixels, cancellationToken);
        TimeSpan decode = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        string name = Path.GetFileName(path);
        ImageSegmentation result = FitProgressDisplay.RunPhases(console, name,
            progress => ImageSegmenter.Segment(image, options, progress, cancellationToken));
        console.VerboseLine(result.Compressed
            ? $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, {result.FittedRows} distinct colours: the colour table was fitted, weighted by pixel counts (exact; --compress off to disable)"
            : $"{path}: {image.Width}×{image.Height} = {image.PixelCount} pixels, every pixel fitted");

        var outputClock = Stopwatch.StartNew();
        string json = result.ToJson(w => WriteRunProperties(w, path, decode, result.Elapsed));
        WriteImageOutputs(outputs, result, json, TraceTitle(name, result),
            extra: result.Selection is null ? null : [("criterion.png", () => ModelFitting.CriterionPng(result.Selection, name))]);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, result, json, files, decode, outputClock.Elapsed);
    }

    private static SegmentationOptions Options(ModelSettings model, ImageSettings settings) => new()
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

    /// <summary>
    /// Whether to stream the image (<see cref="StreamMode"/>); with --smooth, checks from the header that the
    /// in-memory run fits the available memory, and refuses it otherwise.
    /// </summary>
    private static bool Streamed(string path, ModelSettings model, ImageSettings settings)
    {
        if (settings.Smoothing is not null)
        {
            if (settings.Stream == StreamMode.On)
                throw new UserError("--smooth needs every pixel of the image in memory, so it cannot be streamed: drop --stream on (or --smooth).");
            CheckSmoothingMemory(path, model.ComponentCounts.Max(), settings);
            return false;
        }
        return Streamed(path, settings);
    }

    private static void CheckSmoothingMemory(string path, int components, ImageSettings settings)
    {
        ImageHeader header = ImageRowReader.ReadHeader(path, settings.MaxPixels, long.MaxValue);
        long needs = SegmentationMemory.WithSmoothing(header, components), has = SegmentationMemory.Available();
        if (needs <= has) return;
        throw new UserError(string.Create(CultureInfo.InvariantCulture,
            $"{path}: smoothing (--smooth) this {header.Width}×{header.Height} image with K = {components} needs about {Gigabytes(needs)} of memory (every pixel, and q: K numbers per pixel), but {Gigabytes(has)} is available; downscale the image, use fewer components, or drop --smooth (without it the image is streamed in bounded memory)."));

        static string Gigabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.0} GB");
    }

    /// <summary>
    /// One image through <see cref="StreamedSegmenter"/>: labels.png, mask.png, cutout.png, uncertainty.png and
    /// segments.png are staged as they are written, then result.json, log_joint.png (and criterion.png).
    /// </summary>
    private static SegmentationOutcome RunStreamed(CliConsole console, string path, string folder, SegmentationOptions options, ImageSettings settings,
        CancellationToken cancellationToken, IReadOnlyList<string> allInputs)
    {
        using var outputs = new OutputSet(folder, allInputs, cancellationToken);
        string name = Path.GetFileName(path);
        ImageSegmentation result = Stream(outputs, streams => FitProgressDisplay.RunPhases(console, name,
            progress => StreamedSegmenter.Segment(path, options, streams, settings.MaxPixels, progress, cancellationToken)));
        console.VerboseLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {result.Width}×{result.Height} = {(long)result.Width * result.Height} pixels, streamed; {(result.Compressed ? $"{result.FittedRows} distinct colours: the colour table was fitted, weighted by pixel counts" : "every pixel fitted, the file read at each iteration")}"));

        var outputClock = Stopwatch.StartNew();
        string json = result.ToJson(w => WriteRunProperties(w, path, TimeSpan.Zero, result.Elapsed));
        var files = new List<(string, Func<byte[]>)> { ("result.json", () => Encoding.UTF8.GetBytes(json)) };
        if (result.ObjectiveTrace.Count > 0) files.Add(("log_joint.png", () => TracePlot.Render(result.ObjectiveTrace, TraceTitle(name, result), result.SmoothingStart)));
        if (result.Selection is not null) files.Add(("criterion.png", () => ModelFitting.CriterionPng(result.Selection, name)));
        outputs.AddAll(files);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> written = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, result, json, written, TimeSpan.Zero, outputClock.Elapsed);
    }

    /// <summary>Runs a streamed segmentation whose images are staged in <paramref name="outputs"/> as they are written.</summary>
    internal static ImageSegmentation Stream(OutputSet outputs, Func<StreamedOutputs, ImageSegmentation> segment)
    {
        ImageSegmentation? result = null;
        Stage(outputs, StreamedOutputs.FileNames, new Stream[StreamedOutputs.FileNames.Count], 0, streams =>
            result = segment(new StreamedOutputs(streams[0], streams[1], streams[2], streams[3], streams[4])));
        return result!;
    }

    /// <summary>Whether to stream an image when no smoothing is asked for (<see cref="StreamMode"/>).</summary>
    internal static bool Streamed(string path, ImageSettings settings)
    {
        if (settings.Stream != StreamMode.Auto) return settings.Stream == StreamMode.On;
        // Whatever is not a readable image file goes the in-memory way, which explains what is wrong with it.
        if (ImageFile.ReadHeader(path) is not ImageHeader header) return false;
        return header.PixelCount > settings.MaxPixels || SegmentationMemory.InMemory(header) > SegmentationMemory.Available();
    }

    /// <summary>Stages <paramref name="names"/>[<paramref name="next"/>…], each open while the next are, and calls <paramref name="write"/> with all their streams.</summary>
    private static void Stage(OutputSet outputs, IReadOnlyList<string> names, Stream[] streams, int next, Action<Stream[]> write)
    {
        if (next == names.Count)
        {
            write(streams);
            return;
        }
        outputs.Add(names[next], stream =>
        {
            streams[next] = stream;
            Stage(outputs, names, streams, next + 1, write);
        });
    }

    private static string TraceTitle(string name, ImageSegmentation result)
    {
        int k = result.Mixture.ComponentCount;
        return result.Smoothing is null
            ? $"{name}: log joint per EM iteration (K = {k})"
            : $"{name}: log joint, then the smoothed objective F (K = {k}, β = {result.Smoothing.Options.Beta:G4})";
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
            ("uncertainty.png", () => HeatMap.EncodePng(image.Width, image.Height, uncertainty, 0, StreamedSegmenter.UncertaintyMax(components))),
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
