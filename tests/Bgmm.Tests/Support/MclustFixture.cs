using System.Globalization;
using System.Text.Json;
using Bgmm.Tests.Reference;

namespace Bgmm.Tests.Support;

/// <summary>
/// One file of Fixtures/mclust (made by make_fixtures.R): a data set, a number of components G, the
/// starting partition, and for every model mclust's prior and its <c>me()</c> results after 1, 10 and 100
/// iterations and at convergence.
/// </summary>
internal sealed class MclustFixture
{
    public required string Name { get; init; }
    public required string MclustVersion { get; init; }
    public required double[][] Data { get; init; }
    public required int G { get; init; }

    /// <summary>The starting partition, 0-based (the file stores R's 1-based labels).</summary>
    public required int[] Labels { get; init; }

    public required IReadOnlyDictionary<MclustModel, MclustModelFixture> Models { get; init; }

    /// <summary>
    /// EEI as the library fits it (the conjugate MAP step), run by make_fixtures.R's run_eei_map with mclust's
    /// E-step; null in the one-dimensional fixtures.
    /// </summary>
    public MclustModelFixture? EeiMap { get; init; }

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mclust");

    public static IEnumerable<string> Files() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    private static readonly Dictionary<string, MclustFixture> Cache = [];

    public static MclustFixture Load(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out MclustFixture? f)) Cache[file] = f = Read(Path.Combine(Directory, file));
            return f;
        }
    }

    private static MclustFixture Read(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement r = doc.RootElement;
        int[] columns = [.. r.GetProperty("columns").EnumerateArray().Select(c => c.GetInt32())];
        double[][] rows = [.. File.ReadAllLines(Path.Combine(Path.GetDirectoryName(path)!, r.GetProperty("data").GetString()!))
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(all => columns.Select(c => all[c]).ToArray())];
        int g = r.GetProperty("G").GetInt32();
        var models = new Dictionary<MclustModel, MclustModelFixture>();
        foreach (JsonProperty m in r.GetProperty("models").EnumerateObject()) models[Enum.Parse<MclustModel>(m.Name)] = Model(m.Value);
        return new MclustFixture
        {
            Name = Path.GetFileName(path),
            MclustVersion = r.GetProperty("mclust_version").GetString()!,
            Data = rows,
            G = g,
            Labels = [.. r.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32() - 1)],
            Models = models,
            EeiMap = r.TryGetProperty("eei_map", out JsonElement map) ? Model(map) : null,
        };
    }

    private static MclustModelFixture Model(JsonElement m)
    {
        JsonElement p = m.GetProperty("prior");
        JsonElement scale = p.GetProperty("scale");
        var prior = new MclustPrior(p.GetProperty("shrinkage").GetDouble(), Vector(p.GetProperty("mean")), p.GetProperty("dof").GetDouble(),
            scale.ValueKind == JsonValueKind.Number ? new[,] { { scale.GetDouble() } } : Matrix(scale));
        return new MclustModelFixture
        {
            Prior = prior,
            ParameterCount = m.GetProperty("parameter_count").GetInt32(),
            Fits = [.. m.GetProperty("fits").EnumerateArray().Select(Fit)],
        };
    }

    private static MclustFit Fit(JsonElement f)
    {
        bool failed = f.GetProperty("loglik").ValueKind == JsonValueKind.Null;
        JsonElement v = failed ? default : f.GetProperty("variance");
        double[]? volume = failed ? null
            : v.TryGetProperty("sigmasq", out JsonElement s) ? Vector(s)
            : v.TryGetProperty("scale", out JsonElement sc) ? Vector(sc) : [];
        double[][]? shape = failed || !v.TryGetProperty("shape", out JsonElement sh) ? null
            : sh[0].ValueKind == JsonValueKind.Array ? [.. sh.EnumerateArray().Select(Vector)] : [Vector(sh)];
        double[][,]? orientation = failed || !v.TryGetProperty("orientation", out JsonElement o) ? null
            : [.. o.EnumerateArray().Select(Matrix)];
        return new MclustFit
        {
            MaxIterations = f.GetProperty("itmax").GetInt32(),
            Iterations = f.GetProperty("iterations").GetInt32(),
            ReturnCode = f.GetProperty("return_code").GetInt32(),
            Warning = f.TryGetProperty("warning", out JsonElement w) ? w.GetString() : null,
            InnerIterations = f.TryGetProperty("inner_iterations", out JsonElement inner) ? inner.GetInt32() : null,
            Converged = f.GetProperty("converged").GetBoolean(),
            LogLikelihood = failed ? null : f.GetProperty("loglik").GetDouble(),
            Weights = failed ? null : Vector(f.GetProperty("pro")),
            Means = failed ? null : [.. f.GetProperty("mean").EnumerateArray().Select(Vector)],
            Covariances = failed ? null : [.. f.GetProperty("sigma").EnumerateArray().Select(Matrix)],
            Volume = volume,
            Shape = shape,
            Orientation = orientation,
        };
    }

    private static double[] Vector(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];

    private static double[,] Matrix(JsonElement e)
    {
        double[][] rows = [.. e.EnumerateArray().Select(Vector)];
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        }
        return m;
    }
}

/// <summary>One model in a fixture: the prior defaultPrior gave, nMclustParams, and the runs (itmax 1, 10, 100, then convergence).</summary>
internal sealed class MclustModelFixture
{
    public required MclustPrior Prior { get; init; }
    public required int ParameterCount { get; init; }
    public required MclustFit[] Fits { get; init; }
}

/// <summary>
/// One <c>me()</c> run. <see cref="Iterations"/> is what mclust ran (fewer than <see cref="MaxIterations"/>
/// when it converged or failed). A failed run (return code &lt; 0, e.g. "mixing proportion fell below
/// threshold") has no parameters. <see cref="Volume"/>: sigmasq or scale; <see cref="Shape"/>: one row when
/// the shape is equal, G rows when it varies; <see cref="Orientation"/>: EEV and VEV only, with
/// Σ_k = scale_k · O_k diag(shape) O_kᵀ.
/// </summary>
internal sealed class MclustFit
{
    public required int MaxIterations { get; init; }
    public required int Iterations { get; init; }
    public required int ReturnCode { get; init; }
    public string? Warning { get; init; }
    public int? InnerIterations { get; init; }
    public required bool Converged { get; init; }
    public double? LogLikelihood { get; init; }
    public double[]? Weights { get; init; }
    public double[][]? Means { get; init; }
    public double[][,]? Covariances { get; init; }
    public double[]? Volume { get; init; }
    public double[][]? Shape { get; init; }
    public double[][,]? Orientation { get; init; }
    public bool Failed => LogLikelihood is null;
}
