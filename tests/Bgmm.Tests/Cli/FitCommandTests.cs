using Bgmm.Cli.Synthetic;
using System.Globalization;
using System.Text.Json;

namespace Bgmm.Tests.Cli;

public class FitCommandTests
{
    private static string ToyCsv(string folder, string name = "toy.csv", string separator = ",", bool header = true)
    {
        string path = Path.Combine(folder, name);
        var lines = new List<string>();
        if (header) lines.Add($"x1{separator}x2");
        lines.AddRange(ToyData.Generate(seed: 4, perCluster: 30).Select(r => string.Join(separator, r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData(",", true)]
    [InlineData(";", false)]
    [InlineData("\t", true)]
    public void Fit_Csv_WritesResultLabelsAndPlot(string separator, bool header)
    {
        using var tmp = new TempFolder();
        string csv = ToyCsv(tmp.Path, separator: separator, header: header);

        CliRun run = CliRunner.Run("fit", csv, "-o", tmp["out"], "--json");

        Assert.Equal(0, run.ExitCode);
        SegmentCommandTests.AssertResultShape(run.Json(), components: 2, dimension: 2, points: 60);
        // No hyperparameter given: mclust's default prior (κ0 = 0.01, ν0 = D + 2), with α = 1.
        JsonElement hyper = run.Json().GetProperty("hyperparameters");
        Assert.Equal(1.0, hyper.GetProperty("alpha").GetDouble());
        Assert.Equal(4.0, hyper.GetProperty("nu0").GetDouble());
        Assert.Equal(0.01, hyper.GetProperty("kappa0").GetDouble());
        string[] labels = File.ReadAllLines(tmp["out/labels.csv"]);
        Assert.Equal(60, labels.Length);
        Assert.All(labels, l => Assert.Contains(l, new[] { "0", "1" }));
        Assert.True(PngSize.Of(tmp["out/log_joint.png"]).Width > 0);
    }

    [Fact]
    public void Fit_QuotesBomAndBlankLines_AreRead()
    {
        using var tmp = new TempFolder();
        string csv = tmp["q.csv"];
        File.WriteAllText(csv, "\uFEFF\"a\",\"b\"\n\"1.5\",2e-1\n\n3,4\n  5 , -6.25E+1 \n");
        // A hyperparameter flag keeps the library's defaults (μ0 = 0) under it.
        CliRun run = CliRunner.Run("fit", csv, "-o", tmp["out"], "-k", "1", "--kappa0", "1", "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, run.Json().GetProperty("points").GetInt32());
        // K = 1: μ = (κ0 μ0 + Σ x) / (κ0 + N) with μ0 = 0, κ0 = 1, N = 3.
        Assert.Equal((1.5 + 3 + 5) / 4, run.Json().GetProperty("means")[0][0].GetDouble(), 12);
        Assert.Equal((0.2 + 4 - 62.5) / 4, run.Json().GetProperty("means")[0][1].GetDouble(), 12);
    }

    [Fact]
    public void Fit_EmpiricalPrior_UsesTheDataMeanAndCovariance()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("fit", ToyCsv(tmp.Path), "-o", tmp["out"], "--json", "--prior", "empirical");
        Assert.Equal(0, run.ExitCode);
        JsonElement mu0 = run.Json().GetProperty("hyperparameters").GetProperty("mu0");
        Assert.InRange(mu0[0].GetDouble(), 5.5, 7.5);
    }

    [Theory]
    [InlineData("1,2\n3,NaN\n", "line 2, column 2", "NaN")]
    [InlineData("1,2\n3,inf\n", "line 2, column 2", "not a finite number")]
    [InlineData("1,2\n3,-Infinity\n", "line 2, column 2", "not a finite number")]
    [InlineData("1,2\n3,abc\n", "line 2, column 2", "not a number")]
    [InlineData("1,2\n3\n", "line 2", "same number of columns")]
    [InlineData("", "empty", "")]
    [InlineData("x,y\n", "header but no data", "")]
    [InlineData("1,2\n3,1e999\n", "line 2, column 2", "too large")]
    [InlineData("1,2\n\"3,4\n", "line 2", "quoted field")]
    public void Fit_BadCsv_IsAClearInputError(string content, string where, string what)
    {
        using var tmp = new TempFolder();
        string csv = tmp["bad.csv"];
        File.WriteAllText(csv, content);
        CliRun run = CliRunner.Run("fit", csv, "-o", tmp["out"], "-k", "1");
        CliRunner.AssertCleanError(run, 2, "bad.csv", where, what);
        Assert.False(File.Exists(tmp["out/result.json"]));
    }

    [Fact]
    public void Fit_HugeNumberField_IsRejectedWithoutCrashing()
    {
        using var tmp = new TempFolder();
        string csv = tmp["big.csv"];
        File.WriteAllText(csv, "1,2\n3," + new string('9', 1_000_000) + "\n");
        CliRunner.AssertCleanError(CliRunner.Run("fit", csv, "-o", tmp["out"], "-k", "1"), 2, "line 2, column 2", "too large");
    }

    [Theory]
    [InlineData(new[] { "-k", "61" }, "K = 61", "only 60 points")]
    [InlineData(new[] { "-k", "0" }, "≥ 1", "")]
    [InlineData(new[] { "--alpha", "0.5" }, "alpha", "≥ 1")]
    [InlineData(new[] { "--nu0", "0.5" }, "nu0", "> D − 1 = 1")]
    [InlineData(new[] { "--kappa0", "-1" }, "kappa0", "> 0")]
    [InlineData(new[] { "--sigma0", "0" }, "--sigma0", "> 0")]
    [InlineData(new[] { "--mu0", "1,2,3" }, "--mu0", "D = 2")]
    [InlineData(new[] { "--mu0", "1,x" }, "--mu0", "not a finite number")]
    [InlineData(new[] { "--tol", "-1" }, "tolerance", "≥ 0")]
    [InlineData(new[] { "--restarts", "0" }, "restarts", "≥ 1")]
    [InlineData(new[] { "--init", "missing.json" }, "missing.json", "cannot read")]
    [InlineData(new[] { "--prior", "missing.json" }, "missing.json", "cannot read")]
    public void Fit_BadOptions_AreClearInputErrors(string[] options, string fragment1, string fragment2)
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run(["fit", ToyCsv(tmp.Path), "-o", tmp["out"], .. options]);
        CliRunner.AssertCleanError(run, 2, fragment1, fragment2);
        Assert.False(Directory.Exists(tmp["out"]) && Directory.EnumerateFileSystemEntries(tmp["out"]).Any());
    }

    [Fact]
    public void Fit_InitFromAResultFile_StartsThere()
    {
        using var tmp = new TempFolder();
        string csv = ToyCsv(tmp.Path);
        Assert.Equal(0, CliRunner.Run("fit", csv, "-o", tmp["first"], "-q").ExitCode);
        CliRun run = CliRunner.Run("fit", csv, "-o", tmp["second"], "--init", tmp["first/result.json"], "--prior", tmp["first/result.json"], "--json");
        Assert.Equal(0, run.ExitCode);
        // Started at the optimum: the first trace entry is already the final log joint.
        JsonElement trace = run.Json().GetProperty("log_joint_trace");
        Assert.Equal(trace[0].GetDouble(), trace[trace.GetArrayLength() - 1].GetDouble(), 1e-6);
    }

    [Fact]
    public void Fit_MissingFileOrFolder_IsAnInputError()
    {
        using var tmp = new TempFolder();
        CliRunner.AssertCleanError(CliRunner.Run("fit", tmp["nope.csv"]), 2, "not found");
        CliRunner.AssertCleanError(CliRunner.Run("fit", tmp.Path), 2, "is a folder");
    }
}
