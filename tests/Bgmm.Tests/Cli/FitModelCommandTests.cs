using System.Globalization;
using System.Text.Json;
using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Cli;

/// <summary>
/// The covariance models on the command line: <c>--model NAME|LIST|all</c> with the model × K table (printed,
/// in result.json, in criterion.png), <c>--prior mclust</c>, <c>--init labels.csv</c> matching mclust's <c>me()</c>,
/// and the prior fallback of <c>fit</c> (mclust's prior, the same clustering at any scale; a warning when a given
/// prior is off the data's scale).
/// </summary>
public class FitModelCommandTests
{
    private static string FixtureCsv(TempFolder tmp, MclustFixture f)
    {
        string path = tmp["data.csv"];
        File.WriteAllLines(path, f.Data.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        return path;
    }

    private static string LabelsFile(TempFolder tmp, IEnumerable<int> labels)
    {
        string path = tmp["labels.csv"];
        File.WriteAllLines(path, labels.Select(l => l.ToString(CultureInfo.InvariantCulture)));
        return path;
    }

    private static double[] Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? [.. e.EnumerateArray().SelectMany(Flat)]
        : [e.GetDouble()];

    [Fact]
    public void Fit_ModelAllAndARangeOfK_PrintsStoresAndDrawsTheWholeTable()
    {
        using var tmp = new TempFolder();
        MclustFixture f = MclustFixture.Load("faithful_G2.json");
        CliRun run = CliRunner.Run("fit", FixtureCsv(tmp, f), "--model", "all", "-k", "1..3", "--criterion", "bic", "-o", tmp["out"], "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        JsonElement r = run.Json();
        JsonElement[] selection = [.. r.GetProperty("selection").EnumerateArray()];
        string[] models = ["EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "EEV", "VEV", "VVV"];
        // K by K, model by model in mclust's order.
        Assert.Equal(models.Length * 3, selection.Length);
        Assert.Equal([.. Enumerable.Range(1, 3).SelectMany(_ => models)], selection.Select(s => s.GetProperty("model").GetString()));
        JsonElement best = selection.Where(s => s.TryGetProperty("bic", out _)).MinBy(s => s.GetProperty("bic").GetDouble());
        Assert.Equal(best.GetProperty("model").GetString(), r.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(best.GetProperty("components").GetInt32(), r.GetProperty("components").GetInt32());
        Assert.Equal(best.GetProperty("bic").GetDouble(), r.GetProperty("bic").GetDouble());
        // nMclustParams: VVV with K = 3 in D = 2 has 3·(2 + 3) + 2 = 17 parameters, EII 3·2 + 1 + 2 = 9.
        Assert.Equal(17, selection.Single(s => s.GetProperty("model").GetString() == "VVV" && s.GetProperty("components").GetInt32() == 3).GetProperty("parameters").GetInt32());
        Assert.Equal(9, selection.Single(s => s.GetProperty("model").GetString() == "EII" && s.GetProperty("components").GetInt32() == 3).GetProperty("parameters").GetInt32());
        // The table on the terminal (standard error with --json): every model a column, the chosen cell marked.
        Assert.All(models, m => Assert.Contains(m, run.Stderr));
        Assert.Contains("* = chosen by BIC", run.Stderr);
        Assert.True(PngSize.Of(tmp["out/criterion.png"]).Width > 0);
    }

    [Fact]
    public void Fit_ScikitLearnNames_AreTheirMclustModels()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("fit", FixtureCsv(tmp, MclustFixture.Load("faithful_G2.json")), "--model", "full,spherical,diag,tied", "-k", "2",
            "-o", tmp["out"], "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["VII", "VVI", "EEE", "VVV"], run.Json().GetProperty("selection").EnumerateArray().Select(s => s.GetProperty("model").GetString()));
    }

    [Theory]
    [InlineData(new[] { "--model", "XYZ" }, "--model", "not a covariance model")]
    [InlineData(new[] { "--model", "E" }, "--model", "one-dimensional")]
    [InlineData(new[] { "--init", "labels.csv", "--restarts", "3" }, "--restarts 3", "partition")]
    [InlineData(new[] { "--init", "labels.csv", "-k", "1..3" }, "--init", "fixes K")]
    [InlineData(new[] { "--init", "labels.csv", "-k", "3" }, "K = 2", "contradicts")]
    [InlineData(new[] { "--init", "short.csv" }, "--init", "labels for 272 rows")]
    [InlineData(new[] { "--init", "bad.csv" }, "line 2", "not a label")]
    [InlineData(new[] { "--init", "gap.csv" }, "--init", "no row of positive weight has label 1")]
    public void Fit_BadModelOrPartition_IsAClearInputError(string[] options, string fragment1, string fragment2)
    {
        using var tmp = new TempFolder();
        MclustFixture f = MclustFixture.Load("faithful_G2.json");
        string csv = FixtureCsv(tmp, f);
        LabelsFile(tmp, f.Labels);
        File.WriteAllLines(tmp["short.csv"], ["0", "1"]);
        File.WriteAllLines(tmp["bad.csv"], ["0", "x1"]);
        File.WriteAllLines(tmp["gap.csv"], f.Labels.Select(l => (2 * l).ToString(CultureInfo.InvariantCulture)));
        string[] args = [.. options.Select(o => o.EndsWith(".csv", StringComparison.Ordinal) ? tmp[o] : o)];
        CliRunner.AssertCleanError(CliRunner.Run(["fit", csv, "-o", tmp["out"], .. args]), 2, fragment1, fragment2);
        Assert.False(Directory.Exists(tmp["out"]));
    }

    /// <summary>
    /// The issue's comparison run: <c>bgmm fit DATA --model M --init labels.csv --prior mclust --alpha 1</c> against
    /// mclust's <c>me(M, data, unmap(labels), prior = priorControl())</c> after 10 iterations (Fixtures/mclust).
    /// </summary>
    [Theory]
    [InlineData("faithful_G2.json", "VVV")]
    [InlineData("iris_G3.json", "EEE")]
    [InlineData("iris_G3.json", "VII")]
    [InlineData("diabetes_G3.json", "EVI")]
    public void Fit_FromMclustsPartitionWithItsPrior_MatchesMclustAfterTenIterations(string file, string model)
    {
        using var tmp = new TempFolder();
        MclustFixture f = MclustFixture.Load(file);
        MclustFit expected = f.Models[Enum.Parse<MclustModel>(model)].Fits.Single(x => x.MaxIterations == 10);
        CliRun run = CliRunner.Run("fit", FixtureCsv(tmp, f), "--model", model, "--init", LabelsFile(tmp, f.Labels), "--prior", "mclust", "--alpha", "1",
            "--max-iter", expected.Iterations.ToString(CultureInfo.InvariantCulture), "--tol", "0", "-o", tmp["out"], "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        JsonElement r = run.Json();
        // The library's agreement with mclust on these models (EngineMclustTests): 1e-10 after 10 iterations;
        // the command line reads the same numbers from CSV ("R" round trip) and fits them through the same engine.
        const double tolerance = 1e-10;
        Assert.Equal("partition", r.GetProperty("initialization").GetString());
        // Components in the library's canonical order: matched to mclust's by the nearest mean.
        GaussianMixture ours = Bgmm.Serialization.FitResultJson.ReadMixture(r.GetRawText());
        for (int k = 0; k < f.G; k++)
        {
            double[] mean = expected.Means![k];
            int c = Enumerable.Range(0, ours.ComponentCount).MinBy(i => Norms.Relative(ours.GetMean(i), mean));
            Assert.True(Norms.Relative(ours.Weights[c], expected.Weights![k]) < tolerance, $"weight {k}");
            Assert.True(Norms.Relative(ours.GetMean(c), mean) < tolerance, $"mean {k}");
            Assert.True(Norms.Relative(ours.GetCovariance(c), expected.Covariances![k]) < tolerance, $"covariance {k}");
        }
        Assert.True(Math.Abs(r.GetProperty("log_likelihood").GetDouble() - expected.LogLikelihood!.Value) < tolerance * Math.Abs(expected.LogLikelihood.Value));
    }

    [Fact]
    public void Fit_PriorMclustAndEmpirical_AreMclustsDefaultPriorPerModelAndK()
    {
        using var tmp = new TempFolder();
        MclustFixture f = MclustFixture.Load("iris_G3.json");
        string csv = FixtureCsv(tmp, f);
        foreach (string name in new[] { "mclust", "empirical" })
        {
            CliRun run = CliRunner.Run("fit", csv, "--model", "VII", "-k", "3", "--prior", name, "--max-iter", "1", "-o", tmp["out-" + name], "--json");
            Assert.True(run.ExitCode == 0, run.Stderr);
            JsonElement h = run.Json().GetProperty("hyperparameters");
            MixturePrior expected = MixturePrior.Empirical(Dataset.FromRows(f.Data), 3, CovarianceModel.VII);
            Assert.Equal(expected.ComponentPrior.Kappa0, h.GetProperty("kappa0").GetDouble());
            Assert.Equal(expected.ComponentPrior.Nu0, h.GetProperty("nu0").GetDouble());
            Assert.Equal(expected.ComponentPrior.Mu0.ToArray(), Flat(h.GetProperty("mu0")));
            Assert.Equal(expected.ComponentPrior.Sigma0.Cast<double>(), Flat(h.GetProperty("sigma0")));
        }
    }

    /// <summary>
    /// Issue 11 part 5: the same points at 1e-6, 1 and 1e6 scale, fitted with no hyperparameter given, are clustered
    /// alike (mclust's prior scales with the data), and no warning is given.
    /// </summary>
    [Fact]
    public void Fit_DefaultPrior_ClustersAlikeAtAnyScale()
    {
        using var tmp = new TempFolder();
        double[][] rows = [.. Bgmm.Cli.Synthetic.ToyData.Generate(seed: 5, perCluster: 60)];
        var results = new List<(double Scale, JsonElement Result, string Labels)>();
        foreach (double scale in new[] { 1e-6, 1.0, 1e6 })
        {
            string csv = tmp[$"s{scale:E0}.csv"];
            File.WriteAllLines(csv, rows.Select(r => string.Join(",", r.Select(v => (v * scale).ToString("R", CultureInfo.InvariantCulture)))));
            // A fixed number of iterations, so that the runs differ only by rounding.
            CliRun run = CliRunner.Run("fit", csv, "-k", "2", "--seed", "2", "--tol", "0", "--max-iter", "100", "-o", tmp[$"out{scale:E0}"], "--json");
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.False(run.Json().TryGetProperty("warnings", out _));
            Assert.DoesNotContain("warning", run.Stderr);
            results.Add((scale, run.Json(), File.ReadAllText(tmp[$"out{scale:E0}/labels.csv"])));
        }
        // The same partition, and means that are the unit-scale means times the scale (the fit is scale-equivariant
        // up to rounding: 1e-9 relative).
        Assert.All(results, x => Assert.Equal(results[1].Labels, x.Labels));
        double[] unit = Flat(results[1].Result.GetProperty("means"));
        Assert.Equal(2, results[1].Labels.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
        Assert.All(results, x => Assert.True(Norms.Relative(Flat(x.Result.GetProperty("means")), [.. unit.Select(m => m * x.Scale)]) < 1e-9));
    }

    [Fact]
    public void Fit_PriorOffTheDataScale_WarnsInTheResultAndOnTheTerminal()
    {
        using var tmp = new TempFolder();
        string csv = tmp["big.csv"];
        File.WriteAllLines(csv, Bgmm.Cli.Synthetic.ToyData.Generate(seed: 5, perCluster: 60)
            .Select(r => string.Join(",", r.Select(v => (v * 1e6).ToString("R", CultureInfo.InvariantCulture)))));
        // An explicit flag keeps the library's Σ0 = I: 1e-12 of the data's covariance.
        CliRun run = CliRunner.Run("fit", csv, "-k", "2", "--alpha", "1", "-o", tmp["out"], "--json");
        Assert.Equal(0, run.ExitCode);
        string warning = Assert.Single(run.Json().GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("tr(Σ0)/tr(data covariance)", warning);
        Assert.Contains("--prior mclust", warning);
        Assert.Contains("bgmm: warning: the prior is off the data's scale", run.Stderr);
    }
}
