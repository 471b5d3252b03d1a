using System.Text.Json;
using Bgmm.Serialization;
using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>
/// What <see cref="ImageSegmenter"/> made of an image: the fit (or the given mixture), the labels, the
/// per-pixel uncertainty and the foreground split, and its JSON (result.json).
/// </summary>
public sealed class ImageSegmentation
{
    private readonly byte[] _labels;
    private readonly float[] _uncertainty;
    private readonly (GaussianMixture Mixture, double LogLikelihood, long Points)? _applied;

    private readonly RgbImage? _image;

    internal ImageSegmentation(RgbImage image, bool compressed, long fittedRows, FitResult? fit, MixturePrior? prior, ModelTable? selection,
        SmoothedFitResult? smoothing, (GaussianMixture, double, long)? applied, byte[] labels, float[] uncertainty, ForegroundSplit foreground, TimeSpan elapsed)
        : this(image.Width, image.Height, image.BitsPerChannel, compressed, fittedRows, fit, prior, selection, smoothing, applied, labels, uncertainty, foreground, elapsed)
    {
        _image = image;
    }

    /// <summary>A streamed segmentation (<see cref="Streaming.StreamedSegmenter"/>): no image, labels or uncertainty held.</summary>
    internal ImageSegmentation(int width, int height, int bitsPerChannel, bool compressed, long fittedRows, FitResult? fit, MixturePrior? prior,
        ModelTable? selection, SmoothedFitResult? smoothing, (GaussianMixture, double, long)? applied, byte[] labels, float[] uncertainty,
        ForegroundSplit foreground, TimeSpan elapsed)
    {
        Width = width;
        Height = height;
        BitsPerChannel = bitsPerChannel;
        Compressed = compressed;
        FittedRows = fittedRows;
        Fit = fit;
        Prior = prior;
        Selection = selection;
        Smoothing = smoothing;
        _applied = applied;
        _labels = labels;
        _uncertainty = uncertainty;
        Foreground = foreground;
        Elapsed = elapsed;
    }

    /// <summary>The image.</summary>
    /// <exception cref="InvalidOperationException">The segmentation was streamed (<see cref="IsStreamed"/>): it holds no image.</exception>
    public RgbImage Image => _image ?? throw new InvalidOperationException("a streamed segmentation holds no image: its outputs were written as the image was read.");

    /// <summary>Whether the image was streamed from its file (<see cref="Streaming.StreamedSegmenter"/>): then <see cref="Image"/>, <see cref="Labels"/> and <see cref="Uncertainty"/> are not held.</summary>
    public bool IsStreamed => _image is null;

    /// <summary>The image's width in pixels.</summary>
    public int Width { get; }

    /// <summary>The image's height in pixels.</summary>
    public int Height { get; }

    /// <summary>8 or 16: the depth of the image's values.</summary>
    public int BitsPerChannel { get; }

    /// <summary>Whether the fit ran on the table of distinct colours (weighted by pixel counts).</summary>
    public bool Compressed { get; }

    /// <summary>Rows fitted: distinct colours when <see cref="Compressed"/>, else pixels.</summary>
    public long FittedRows { get; }

    /// <summary>The independent-pixel fit (the chosen one when several K were tried); null when a given mixture was applied.</summary>
    public FitResult? Fit { get; }

    /// <summary>The prior of the fit (or the one given with an applied mixture), if any.</summary>
    public MixturePrior? Prior { get; }

    /// <summary>The model × K table, when several models or K were tried.</summary>
    public ModelTable? Selection { get; }

    /// <summary>The Potts smoothing that continued the fit, if asked for.</summary>
    public SmoothedFitResult? Smoothing { get; }

    /// <summary>The final mixture: the smoothed one, the fitted one, or the applied one (canonical order).</summary>
    public GaussianMixture Mixture => Smoothing?.Mixture ?? Fit?.Mixture ?? _applied!.Value.Mixture;

    /// <summary>Components (canonical indices) that hold no data at the final parameters.</summary>
    public IReadOnlyList<int> EmptyComponents => Smoothing?.EmptyComponents ?? Fit?.EmptyComponents ?? [];

    /// <summary>The objective of every EM iteration: the log joint L of the independent fit, then F of the smoothing; empty when applied.</summary>
    public IReadOnlyList<double> ObjectiveTrace => Fit is null ? [] : Smoothing is null ? Fit.LogJointTrace : [.. Fit.LogJointTrace, .. Smoothing.ObjectiveTrace];

    /// <summary>Where in <see cref="ObjectiveTrace"/> the smoothing starts (null without smoothing).</summary>
    public int? SmoothingStart => Smoothing is null ? null : Fit!.LogJointTrace.Count;

    /// <summary>argmax_k of every pixel's posterior (or of q when smoothed), row-major, canonical component indices; empty when streamed.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The posterior entropy of every pixel's component (nats, 0 … log K), row-major; empty when streamed.</summary>
    public ReadOnlySpan<float> Uncertainty => _uncertainty;

    /// <summary>Which components are background, and the foreground's share of the image.</summary>
    public ForegroundSplit Foreground { get; }

    /// <summary>The time the segmentation took (preparing the data, fitting, labelling).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Why the fit's prior is off the scale of the pixels (<see cref="MixturePrior.ScaleWarnings"/>); empty when it is not.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// result.json: the fit's keys (<see cref="FitResultJson"/>; with smoothing <see cref="SmoothedFitJson"/>),
    /// or the applied mixture with its log-likelihood; then <c>width, height, bits_per_channel, compressed,
    /// distinct_colours, foreground {components, share, rule, verdicts}</c>, <c>criterion</c> and <c>selection</c> when
    /// several models or K were tried, <c>warnings</c> when the prior is off the pixels' scale, and whatever <paramref name="extra"/> writes.
    /// </summary>
    public string ToJson(Action<Utf8JsonWriter>? extra = null)
    {
        void Image(Utf8JsonWriter w)
        {
            w.WriteNumber("width", Width);
            w.WriteNumber("height", Height);
            w.WriteNumber("bits_per_channel", BitsPerChannel);
            w.WriteBoolean("compressed", Compressed);
            if (Compressed) w.WriteNumber("distinct_colours", FittedRows);
            w.WriteStartObject("foreground");
            w.WriteStartArray("components");
            foreach (int k in Foreground.ForegroundComponents) w.WriteNumberValue(k);
            w.WriteEndArray();
            w.WriteNumber("share", Foreground.Share);
            ForegroundJson.WriteVerdicts(w, Foreground);
            w.WriteEndObject();
            if (Selection is not null) SelectionJson.Write(w, Selection);
            if (Warnings.Count > 0)
            {
                w.WriteStartArray("warnings");
                foreach (string warning in Warnings) w.WriteStringValue(warning);
                w.WriteEndArray();
            }
            extra?.Invoke(w);
        }

        if (Fit is null)
        {
            (GaussianMixture mixture, double logLikelihood, long points) = _applied!.Value;
            return FitResultJson.SerializeMixture(mixture, Prior, w =>
            {
                w.WriteNumber("points", points);
                w.WriteNumber("log_likelihood", logLikelihood);
                if (Prior is not null) FitResultJson.WriteNumberOrNull(w, "log_joint", logLikelihood + Prior.LogDensity(mixture));
                w.WriteNumber("iterations", 0);
                Image(w);
            });
        }
        return Smoothing is null ? FitResultJson.Serialize(Fit, Image) : SmoothedFitJson.Serialize(Fit, Smoothing, Image);
    }
}
