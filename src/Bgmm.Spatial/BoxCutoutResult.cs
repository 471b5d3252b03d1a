using System.Text.Json;
using Bgmm.Serialization;

namespace Bgmm.Spatial;

/// <summary>The outcome of <see cref="BoxCutout.Fit"/>: the mask, its uncertainty and the two classes' mixtures.</summary>
public sealed class BoxCutoutResult
{
    private readonly byte[] _mask;
    private readonly float[] _uncertainty;

    internal BoxCutoutResult(PixelBox box, int width, int height, GaussianMixture foreground, GaussianMixture background,
        MixturePrior foregroundPrior, MixturePrior backgroundPrior, double[] foregroundCounts, double[] backgroundCounts,
        byte[] mask, float[] uncertainty, IReadOnlyList<double> trace, int iterations, bool converged, BoxCutoutOptions options)
    {
        Box = box;
        Width = width;
        Height = height;
        Foreground = foreground;
        Background = background;
        ForegroundPrior = foregroundPrior;
        BackgroundPrior = backgroundPrior;
        ForegroundCounts = foregroundCounts;
        BackgroundCounts = backgroundCounts;
        _mask = mask;
        _uncertainty = uncertainty;
        ObjectiveTrace = trace;
        Iterations = iterations;
        Converged = converged;
        Options = options;
        ForegroundShare = mask.Length == 0 ? 0 : (double)mask.Count(m => m == BoxCutout.Foreground) / mask.Length;
    }

    /// <summary>The box.</summary>
    public PixelBox Box { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>The foreground's mixture (weights sum to 1 within it), in the fit's own order.</summary>
    public GaussianMixture Foreground { get; }

    /// <summary>The background's mixture.</summary>
    public GaussianMixture Background { get; }

    /// <summary>The foreground's prior (mclust's empirical prior of the box's pixels).</summary>
    public MixturePrior ForegroundPrior { get; }

    /// <summary>The background's prior (mclust's empirical prior of the outside pixels).</summary>
    public MixturePrior BackgroundPrior { get; }

    /// <summary>Σ_n q_nk of each foreground component.</summary>
    public IReadOnlyList<double> ForegroundCounts { get; }

    /// <summary>Σ_n q_nk of each background component.</summary>
    public IReadOnlyList<double> BackgroundCounts { get; }

    /// <summary>Per pixel, row-major: 1 = foreground, 0 = background (argmax of the class marginal).</summary>
    public ReadOnlySpan<byte> Mask => _mask;

    /// <summary>Per pixel: the entropy of its class marginal (nats, 0 … log 2).</summary>
    public ReadOnlySpan<float> Uncertainty => _uncertainty;

    /// <summary>The fraction of pixels in the foreground.</summary>
    public double ForegroundShare { get; }

    /// <summary>F after every E-step (it never decreases beyond rounding).</summary>
    public IReadOnlyList<double> ObjectiveTrace { get; }

    /// <summary>EM iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Whether the labels stopped changing within the iteration limit.</summary>
    public bool Converged { get; }

    /// <summary>The options.</summary>
    public BoxCutoutOptions Options { get; }

    /// <summary>
    /// Writes the <c>box</c> object: {x, y, width, height, beta, sweeps, iterations, converged, share, objective,
    /// objective_trace, foreground {mixture, counts, prior}, background {…}} (mixtures as result.json's components).
    /// </summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject("box");
        w.WriteNumber("x", Box.X);
        w.WriteNumber("y", Box.Y);
        w.WriteNumber("width", Box.Width);
        w.WriteNumber("height", Box.Height);
        w.WriteNumber("beta", Options.Beta);
        w.WriteNumber("sweeps", Options.Sweeps);
        w.WriteNumber("iterations", Iterations);
        w.WriteBoolean("converged", Converged);
        w.WriteNumber("share", ForegroundShare);
        w.WriteNumber("objective", ObjectiveTrace[^1]);
        w.WriteStartArray("objective_trace");
        foreach (double f in ObjectiveTrace) w.WriteNumberValue(f);
        w.WriteEndArray();
        Class(w, "foreground", Foreground, ForegroundCounts, ForegroundPrior);
        Class(w, "background", Background, BackgroundCounts, BackgroundPrior);
        w.WriteEndObject();
    }

    private static void Class(Utf8JsonWriter w, string name, GaussianMixture mixture, IReadOnlyList<double> counts, MixturePrior prior)
    {
        w.WritePropertyName(name);
        using JsonDocument doc = JsonDocument.Parse(FitResultJson.SerializeMixture(mixture, prior, x =>
        {
            x.WriteStartArray("counts");
            foreach (double c in counts) x.WriteNumberValue(c);
            x.WriteEndArray();
        }));
        doc.RootElement.WriteTo(w);
    }
}
