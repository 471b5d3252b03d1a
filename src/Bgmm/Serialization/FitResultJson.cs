using System.Text;
using System.Text.Json;

namespace Bgmm.Serialization;

/// <summary>
/// The JSON form of a fit, shared by the library and the command line. Keys (spelled exactly):
/// <c>components, dimension, points, total_weight, weights, means, covariances, log_joint,
/// log_likelihood, log_prior, log_joint_trace, iterations, converged, restart, restarts,
/// restart_log_joints, seed, initialization, tolerance, max_iterations, empty_components,
/// component_counts, bic, model {name, volume, shape, orientation}, hyperparameters {alpha, mu0, kappa0, nu0,
/// sigma0}</c>. <c>covariances</c> are always K full D×D matrices; <c>model</c> names the covariance model
/// and holds its own parameters Σ_k = λ_k D_k diag(A_k) D_kᵀ where it has them (<see cref="CovarianceParameters"/>:
/// <c>volume</c> λ, 1 or K values; <c>shape</c> A, 1 or K rows; <c>orientation</c> D_k, K matrices with the
/// eigenvectors as columns). Readers ignore keys they do not know, so a result file is a valid initial
/// mixture and a valid prior file.
/// </summary>
public static class FitResultJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>The result as an indented JSON document; <paramref name="extra"/> may add properties before it closes.</summary>
    public static string Serialize(FitResult result, Action<Utf8JsonWriter>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Serialize(FitRecord.From(result), extra);
    }

    /// <summary>
    /// A model file: <c>weights</c>, <c>means</c>, <c>covariances</c> and, when given, the prior as
    /// <c>hyperparameters</c> (readable by <see cref="ReadMixture"/> and <see cref="ReadPrior"/>).
    /// </summary>
    public static string SerializeMixture(GaussianMixture mixture, MixturePrior? prior = null, Action<Utf8JsonWriter>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        return Document(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("components", mixture.ComponentCount);
            writer.WriteNumber("dimension", mixture.Dimension);
            WriteMixtureProperties(writer, mixture);
            if (prior is not null)
            {
                writer.WritePropertyName("hyperparameters");
                WritePrior(writer, prior);
            }
            extra?.Invoke(writer);
            writer.WriteEndObject();
        });
    }

    /// <summary>The JSON document of a fit's record (the smoothed result builds its own record).</summary>
    internal static string Serialize(FitRecord record, Action<Utf8JsonWriter>? extra) => Document(writer => Write(writer, record, extra));

    private static string Document(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Indented))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, FitRecord result, Action<Utf8JsonWriter>? extra)
    {
        GaussianMixture m = result.Mixture;
        writer.WriteStartObject();
        writer.WriteNumber("components", m.ComponentCount);
        writer.WriteNumber("dimension", m.Dimension);
        writer.WriteNumber("points", result.Points);
        writer.WriteNumber("total_weight", result.TotalWeight);
        WriteMixtureProperties(writer, m);
        writer.WriteNumber("log_joint", result.LogJoint);
        writer.WriteNumber("log_likelihood", result.LogLikelihood);
        writer.WriteNumber("log_prior", result.LogPrior);
        WriteArray(writer, "log_joint_trace", result.Trace);
        writer.WriteNumber("iterations", result.Iterations);
        writer.WriteBoolean("converged", result.Converged);
        writer.WriteNumber("restart", result.Restart);
        writer.WriteNumber("restarts", result.RestartLogJoints.Count);
        WriteArray(writer, "restart_log_joints", result.RestartLogJoints);
        writer.WriteNumber("seed", result.Seed);
        writer.WriteString("initialization", result.Initialization);
        writer.WriteNumber("tolerance", result.Tolerance);
        writer.WriteNumber("max_iterations", result.MaxIterations);
        writer.WriteStartArray("empty_components");
        foreach (int k in result.EmptyComponents) writer.WriteNumberValue(k);
        writer.WriteEndArray();
        WriteArray(writer, "component_counts", result.ComponentCounts);
        writer.WriteNumber("bic", result.Bic);
        if (result.Model is not null) WriteModel(writer, result.Model.Describe(m));
        writer.WritePropertyName("hyperparameters");
        WritePrior(writer, result.Prior);
        extra?.Invoke(writer);
        writer.WriteEndObject();
    }

    private static void WriteMixtureProperties(Utf8JsonWriter writer, GaussianMixture mixture)
    {
        WriteArray(writer, "weights", mixture.Weights);
        writer.WriteStartArray("means");
        for (int k = 0; k < mixture.ComponentCount; k++) WriteArrayValue(writer, mixture.GetMean(k));
        writer.WriteEndArray();
        writer.WriteStartArray("covariances");
        for (int k = 0; k < mixture.ComponentCount; k++) WriteMatrixValue(writer, mixture.GetCovariance(k));
        writer.WriteEndArray();
    }

    /// <summary>"model": {"name", then "volume", "shape", "orientation" where the model has them}.</summary>
    private static void WriteModel(Utf8JsonWriter writer, CovarianceParameters parameters)
    {
        writer.WriteStartObject("model");
        writer.WriteString("name", parameters.Model);
        if (parameters.Volume.Count > 0) WriteArray(writer, "volume", parameters.Volume);
        if (parameters.Shape.Count > 0)
        {
            writer.WriteStartArray("shape");
            foreach (double[] row in parameters.Shape) WriteArrayValue(writer, row);
            writer.WriteEndArray();
        }
        if (parameters.Orientation.Count > 0)
        {
            writer.WriteStartArray("orientation");
            foreach (double[,] o in parameters.Orientation) WriteMatrixValue(writer, o);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static void WritePrior(Utf8JsonWriter writer, MixturePrior prior)
    {
        writer.WriteStartObject();
        writer.WriteNumber("alpha", prior.WeightPrior.Alpha);
        WriteArray(writer, "mu0", prior.ComponentPrior.Mu0.ToArray());
        writer.WriteNumber("kappa0", prior.ComponentPrior.Kappa0);
        writer.WriteNumber("nu0", prior.ComponentPrior.Nu0);
        writer.WritePropertyName("sigma0");
        WriteMatrixValue(writer, prior.ComponentPrior.Sigma0);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads a mixture from a JSON object holding <c>weights</c>, <c>means</c> and <c>covariances</c>
    /// (a result file qualifies). Other keys are ignored.
    /// </summary>
    /// <exception cref="ModelInputException">The JSON is malformed or the mixture invalid.</exception>
    public static GaussianMixture ReadMixture(string json)
    {
        using JsonDocument doc = Parse(json, "init");
        JsonElement root = RequireObject(doc.RootElement, "init", "the initial mixture");
        double[] weights = ReadVector(Require(root, "weights", "init"), "weights", "init");
        double[][] means = ReadRows(Require(root, "means", "init"), "means", "init");
        JsonElement covs = Require(root, "covariances", "init");
        if (covs.ValueKind != JsonValueKind.Array)
            throw new ModelInputException("init", "\"covariances\" must be an array of D×D matrices.");
        var covariances = new double[covs.GetArrayLength()][,];
        int i = 0;
        foreach (JsonElement c in covs.EnumerateArray())
        {
            covariances[i] = ReadMatrix(c, $"covariances[{i}]", "init");
            i++;
        }
        return new GaussianMixture(weights, means, covariances);
    }

    /// <summary>
    /// Reads a prior from a hyperparameters object {alpha, mu0, kappa0, nu0, sigma0}, or from an object
    /// that holds one under <c>hyperparameters</c> (a result file). Missing keys take the library defaults
    /// for the dimension, which comes from mu0 or sigma0, else from <paramref name="dimension"/>.
    /// </summary>
    /// <exception cref="ModelInputException">The JSON is malformed or a value is out of range.</exception>
    public static MixturePrior ReadPrior(string json, int? dimension = null)
    {
        using JsonDocument doc = Parse(json, "prior");
        JsonElement root = RequireObject(doc.RootElement, "prior", "the prior");
        if (root.TryGetProperty("hyperparameters", out JsonElement inner)) root = RequireObject(inner, "prior", "\"hyperparameters\"");
        double? alpha = OptionalNumber(root, "alpha");
        double? kappa0 = OptionalNumber(root, "kappa0");
        double? nu0 = OptionalNumber(root, "nu0");
        double[]? mu0 = root.TryGetProperty("mu0", out JsonElement m) ? ReadVector(m, "mu0", "prior") : null;
        double[,]? sigma0 = root.TryGetProperty("sigma0", out JsonElement s) ? ReadMatrix(s, "sigma0", "prior") : null;
        int d = mu0?.Length ?? sigma0?.GetLength(0) ?? dimension
            ?? throw new ModelInputException("prior", "the prior file gives neither mu0 nor sigma0, so its dimension is unknown: add mu0.");
        if (dimension is int expected && d != expected)
            throw new ModelInputException("prior", $"the prior is for D = {d} but the data has D = {expected}: give mu0 and sigma0 of the data's dimension.");
        return MixturePrior.Create(d, alpha, mu0, kappa0, nu0, sigma0);
    }

    private static JsonDocument Parse(string json, string parameter)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ModelInputException(parameter, $"the {parameter} JSON is malformed ({FirstSentence(e.Message)}).");
        }
    }

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message.TrimEnd('.');
    }

    private static JsonElement RequireObject(JsonElement e, string parameter, string what) =>
        e.ValueKind == JsonValueKind.Object ? e : throw new ModelInputException(parameter, $"{what} must be a JSON object.");

    private static JsonElement Require(JsonElement obj, string key, string parameter) =>
        obj.TryGetProperty(key, out JsonElement e) ? e : throw new ModelInputException(parameter, $"the {parameter} JSON has no \"{key}\": it needs \"weights\", \"means\" and \"covariances\".");

    private static double? OptionalNumber(JsonElement obj, string key)
    {
        if (!obj.TryGetProperty(key, out JsonElement e)) return null;
        return Number(e, key, "prior");
    }

    private static double Number(JsonElement e, string what, string parameter)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v) && double.IsFinite(v)) return v;
        throw new ModelInputException(parameter, $"\"{what}\" must be a finite number, not {Describe(e)}.");
    }

    private static double[] ReadVector(JsonElement e, string what, string parameter)
    {
        if (e.ValueKind != JsonValueKind.Array)
            throw new ModelInputException(parameter, $"\"{what}\" must be an array of numbers, not {Describe(e)}.");
        var v = new double[e.GetArrayLength()];
        int i = 0;
        foreach (JsonElement x in e.EnumerateArray())
        {
            v[i] = Number(x, $"{what}[{i}]", parameter);
            i++;
        }
        return v;
    }

    private static double[][] ReadRows(JsonElement e, string what, string parameter)
    {
        if (e.ValueKind != JsonValueKind.Array)
            throw new ModelInputException(parameter, $"\"{what}\" must be an array of arrays of numbers, not {Describe(e)}.");
        var rows = new double[e.GetArrayLength()][];
        int i = 0;
        foreach (JsonElement x in e.EnumerateArray())
        {
            rows[i] = ReadVector(x, $"{what}[{i}]", parameter);
            i++;
        }
        return rows;
    }

    private static double[,] ReadMatrix(JsonElement e, string what, string parameter)
    {
        double[][] rows = ReadRows(e, what, parameter);
        int n = rows.Length;
        if (n == 0) throw new ModelInputException(parameter, $"\"{what}\" is empty: it must be a D×D matrix.");
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            if (rows[i].Length != n)
                throw new ModelInputException(parameter, $"\"{what}\" row {i} has {rows[i].Length} values: it must be square ({n}×{n}).");
            for (int j = 0; j < n; j++) m[i, j] = rows[i][j];
        }
        return m;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => e.GetRawText().Length > 30 ? "a number out of range" : e.GetRawText(),
    };

    /// <summary>
    /// A number that may be infinite, as JSON allows none: null. (A model with a weight of 0 under α &gt; 1
    /// has prior density 0, so its log joint is −∞.)
    /// </summary>
    internal static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
        else writer.WriteNull(name);
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static void WriteArrayValue(Utf8JsonWriter writer, IEnumerable<double> values)
    {
        writer.WriteStartArray();
        foreach (double v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static void WriteMatrixValue(Utf8JsonWriter writer, double[,] m)
    {
        writer.WriteStartArray();
        for (int i = 0; i < m.GetLength(0); i++)
        {
            writer.WriteStartArray();
            for (int j = 0; j < m.GetLength(1); j++) writer.WriteNumberValue(m[i, j]);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
