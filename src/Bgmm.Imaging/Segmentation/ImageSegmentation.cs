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

    internal ImageSegmentation(RgbImage image, bool compressed, int fittedRows, FitResult? fit, MixturePrior? prior, ModelSelectionResult? selection,
        SmoothedFitResult? smoothing, (GaussianMixture, double, long)? applied, byte[] labels, float[] uncertainty, ForegroundSplit foreground, TimeSpan elapsed)
    {
        Image = image;
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
    public RgbImage Image { get; }

    /// <summary>Whether the fit ran on the table of distinct colours (weighted by pixel counts).</summary>
    public bool Compressed { get; }

    /// <summary>Rows fitted: distinct colours when <see cref="Compressed"/>, else pixels.</summary>
    public int FittedRows { get; }

    /// <summary>The independent-pixel fit (the chosen one when several K were tried); null when a given mixture was applied.</summary>
    public FitResult? Fit { get; }

    /// <summary>The prior of the fit (or the one given with an applied mixture), if any.</summary>
    public MixturePrior? Prior { get; }

    /// <summary>The comparison of the K tried, when there were several.</summary>
    public ModelSelectionResult? Selection { get; }

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

    /// <summary>argmax_k of every pixel's posterior (or of q when smoothed), row-major, canonical component indices.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The posterior entropy of every pixel's component (nats, 0 … log K), row-major.</summary>
    public ReadOnlySpan<float> Uncertainty => _uncertainty;

    /// <summary>Which components are background, and the foreground's share of the image.</summary>
    public ForegroundSplit Foreground { get; }

    /// <summary>The time the segmentation took (preparing the data, fitting, labelling).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// result.json: the fit's keys (<see cref="FitResultJson"/>; with smoothing <see cref="SmoothedFitJson"/>),
    /// or the applied mixture with its log-likelihood; then <c>width, height, bits_per_channel, compressed,
    /// distinct_colours, foreground {components, share, rule, verdicts}</c>, <c>criterion</c> and <c>selection</c> when
    /// several K were tried, and whatever <paramref name="extra"/> writes.
    /// </summary>
    public string ToJson(Action<Utf8JsonWriter>? extra = null)
    {
        void Image(Utf8JsonWriter w)
        {
            w.WriteNumber("width", this.Image.Width);
            w.WriteNumber("height", this.Image.Height);
            w.WriteNumber("bits_per_channel", this.Image.BitsPerChannel);
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
            extra?.Invoke(w);
        }

        if (Fit is null)
        {
            (GaussianMixture mixture, double logLikelihood, long points) = _applied!.Value;
            return FitResultJson.SerializeMixture(mixture, Prior, w =>
            {
                w.WriteNumber("points", points);
                w.WriteNumber("log_likelihood", logLikelihood);
                if (Prior is not null) w.WriteNumber("log_joint", logLikelihood + Prior.LogDensity(mixture));
                w.WriteNumber("iterations", 0);
                Image(w);
            });
        }
        return Smoothing is null ? FitResultJson.Serialize(Fit, Image) : SmoothedFitJson.Serialize(Fit, Smoothing, Image);
    }
}
