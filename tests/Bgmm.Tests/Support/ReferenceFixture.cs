using System.Globalization;
using System.Text.Json;

namespace Bgmm.Tests.Support;

/// <summary>A result of the independent float64 implementation in ../shared/reference (SPEC §7).</summary>
internal sealed class ReferenceFixture
{
    public required int K { get; init; }
    public required double[] Trace { get; init; }
    public required double[] Weights { get; init; }
    public required double[][] Means { get; init; }
    public required double[][,] Covariances { get; init; }
    public required double LogLikelihood { get; init; }
    public required double LogPrior { get; init; }
    public required GaussianMixture Init { get; init; }
    public required MixturePrior Prior { get; init; }
    public required int Iterations { get; init; }

    public static ReferenceFixture Load(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement r = doc.RootElement;
        JsonElement h = r.GetProperty("hyperparameters");
        double[] mu0 = Vector(h.GetProperty("mu0"));
        var prior = MixturePrior.Create(mu0.Length, h.GetProperty("alpha").GetDouble(), mu0,
            h.GetProperty("kappa0").GetDouble(), h.GetProperty("nu0").GetDouble(), Matrix(h.GetProperty("Sigma0")));
        JsonElement init = r.GetProperty("init");
        return new ReferenceFixture
        {
            K = r.GetProperty("K").GetInt32(),
            Trace = Vector(r.GetProperty("log_joint_trace")),
            Weights = Vector(r.GetProperty("weights")),
            Means = [.. r.GetProperty("means").EnumerateArray().Select(Vector)],
            Covariances = [.. r.GetProperty("covariances").EnumerateArray().Select(Matrix)],
            LogLikelihood = r.GetProperty("log_likelihood").GetDouble(),
            LogPrior = r.GetProperty("log_prior").GetDouble(),
            Iterations = r.GetProperty("iterations").GetInt32(),
            Prior = prior,
            Init = new GaussianMixture(Vector(init.GetProperty("weights")),
                [.. init.GetProperty("means").EnumerateArray().Select(Vector)],
                [.. init.GetProperty("covariances").EnumerateArray().Select(Matrix)]),
        };
    }

    public static double[] Vector(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];

    public static double[,] Matrix(JsonElement e)
    {
        double[][] rows = [.. e.EnumerateArray().Select(Vector)];
        var m = new double[rows.Length, rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows.Length; j++) m[i, j] = rows[i][j];
        }
        return m;
    }

    public static double[][] ReadCsv(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
}
