using System.Diagnostics;
using System.Text.Json;
using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>What <see cref="ImageCutout.Cut"/> made of an image: the box cut-out and its result.json.</summary>
/// <param name="Image">The image.</param>
/// <param name="Result">The two-class fit: mask, uncertainty, mixtures, trace.</param>
/// <param name="Elapsed">The time the cut-out took.</param>
public sealed record ImageCutoutResult(RgbImage Image, BoxCutoutResult Result, TimeSpan Elapsed)
{
    /// <summary>result.json: <c>width, height, bits_per_channel, box {…}</c> (<see cref="BoxCutoutResult.WriteJson"/>), then <paramref name="extra"/>.</summary>
    public string ToJson(Action<Utf8JsonWriter>? extra = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("width", Image.Width);
            w.WriteNumber("height", Image.Height);
            w.WriteNumber("bits_per_channel", Image.BitsPerChannel);
            Result.WriteJson(w);
            extra?.Invoke(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>The box cut-out of an image (<see cref="BoxCutout"/>) on its pixels as RGB in [0, 1].</summary>
public static class ImageCutout
{
    /// <summary>Cuts the object in <paramref name="box"/> out of <paramref name="image"/>.</summary>
    /// <exception cref="ModelInputException">The box does not fit the image, or an option is out of range.</exception>
    public static ImageCutoutResult Cut(RgbImage image, PixelBox box, BoxCutoutOptions options, IProgress<SegmentationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        IProgress<FitProgress>? phase = progress is null ? null
            : new Progress(progress, $"box cut-out (β = {options.Beta:G4})", options.MaxIterations);
        BoxCutoutResult result = BoxCutout.Fit(image.ToDataset(), image.Width, image.Height, box, options, phase, cancellationToken);
        return new ImageCutoutResult(image, result, clock.Elapsed);
    }

    private sealed class Progress(IProgress<SegmentationProgress> progress, string phase, int maxIterations) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => progress.Report(new SegmentationProgress(phase, maxIterations, value));
    }
}
