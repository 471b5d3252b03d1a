using System.Globalization;
using System.Text.Json;

namespace Bgmm.Tests.Cli;

/// <summary>
/// Numbers on the command line are read one way in every locale: '.' is the decimal point, and
/// nothing else (a comma, a group separator, a space, a word) is quietly read as something else.
/// </summary>
public class StrictNumberTests
{
    public static TheoryData<string, string> NotRealNumbers => new()
    {
        { "--sigma0", "0,5" },   // was read as 5
        { "--nu0", "3,5" },      // was read as 35
        { "--tol", "1,5" },      // was read as 15
        { "--alpha", "1,000" },
        { "--kappa0", "1 000" },
        { "--sigma0", "1_000" },
        { "--tol", " 1e-6" },
        { "--tol", "1e-6 " },
        { "--alpha", "½" },
        { "--nu0", "five" },
        { "--kappa0", "0x10" },
        { "--sigma0", "NaN" },
        { "--alpha", "Infinity" },
        { "--tol", "1e400" },
        { "--smooth", "2,0" },
    };

    [Theory]
    [MemberData(nameof(NotRealNumbers))]
    public void RealOptions_RefuseAnythingButPlainDecimalNumbers(string option, string value)
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], option, value);
        CliRunner.AssertCleanError(run, 2, option, $"\"{value}\"");
        Assert.True(run.Stderr.Contains("'.' as the decimal point", StringComparison.Ordinal) || run.Stderr.Contains("finite number", StringComparison.Ordinal), run.Stderr);
        Assert.False(Directory.Exists(tmp["out"]));
    }

    public static TheoryData<string, string> NotWholeNumbers => new()
    {
        { "--max-iter", "1,000" },
        { "--restarts", " 3" },
        { "--restarts", "3.0" },
        { "--seed", "1_000" },
        { "--seed", "-1" },
        { "--threads", "2 " },
        { "--max-pixels", "1e6" },
        { "--max-pixels", "99999999999999999999" },
        { "--sweeps", "two" },
    };

    [Theory]
    [MemberData(nameof(NotWholeNumbers))]
    public void WholeNumberOptions_RefuseAnythingButDigits(string option, string value)
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], option, value);
        CliRunner.AssertCleanError(run, 2, option, $"\"{value}\"", "digits only");
    }

    [Theory]
    [InlineData("3,5")]
    [InlineData("3.0")]
    [InlineData(" 3")]
    [InlineData("1..")]
    [InlineData("..4")]
    [InlineData("1...4")]
    [InlineData("three")]
    public void Components_MustBeAWholeNumberARangeOrAuto(string value)
    {
        using var tmp = new TempFolder();
        CliRunner.AssertCleanError(CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], "-k", value), 2,
            $"\"{value}\"", "-k 3", "-k 1..6", "-k auto");
    }

    [Fact]
    public void OtherCommands_NumbersAreStrictToo()
    {
        CliRunner.AssertCleanError(CliRunner.Run("toy", "--seed", "1,000"), 2, "--seed", "digits only");
        CliRunner.AssertCleanError(CliRunner.Run("bench", "--iterations", "1,000"), 2, "--iterations", "digits only");
    }

    [Fact]
    public void PlainNumbers_MeanWhatTheySay()
    {
        using var tmp = new TempFolder();
        string csv = tmp["data.csv"];
        File.WriteAllLines(csv, Enumerable.Range(0, 60).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 3 * 2 + i * 0.001},{i % 3 - i * 0.002}")));
        CliRun run = CliRunner.Run("fit", csv, "-o", tmp["out"], "--json", "-k", "3", "--alpha", "1.5", "--kappa0", "+2", "--nu0", "3.5",
            "--sigma0", ".5", "--tol", "1E-6", "--max-iter", "50", "--seed", "7", "--restarts", "2", "--threads", "1", "--mu0", "0.5,-0.25");
        Assert.Equal(0, run.ExitCode);
        JsonElement json = run.Json();
        JsonElement prior = json.GetProperty("hyperparameters");
        Assert.Equal(1.5, prior.GetProperty("alpha").GetDouble());
        Assert.Equal(2.0, prior.GetProperty("kappa0").GetDouble());
        Assert.Equal(3.5, prior.GetProperty("nu0").GetDouble());
        Assert.Equal([[0.5, 0.0], [0.0, 0.5]], prior.GetProperty("sigma0").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray());
        Assert.Equal([0.5, -0.25], prior.GetProperty("mu0").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(1e-6, json.GetProperty("tolerance").GetDouble());
        Assert.Equal(50, json.GetProperty("max_iterations").GetInt32());
        Assert.Equal(7, json.GetProperty("seed").GetInt32());
        Assert.Equal(2, json.GetProperty("restarts").GetInt32());
        Assert.Equal(3, json.GetProperty("weights").GetArrayLength());
    }

    [Fact]
    public void RestartsWithAnInitFile_AreRefused_ButOneRestartOrABuiltInInitIsFine()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run("segment", image, "-o", tmp["first"], "-q").ExitCode);
        string init = tmp["first/result.json"];

        CliRun refused = CliRunner.Run("segment", image, "-o", tmp["out"], "--init", init, "--restarts", "5");
        CliRunner.AssertCleanError(refused, 2, "--restarts 5 with --init", "same fit");
        Assert.False(Directory.Exists(tmp["out"]));

        Assert.Equal(0, CliRunner.Run("segment", image, "-o", tmp["one"], "--init", init, "--restarts", "1", "-q").ExitCode);
        Assert.Equal(0, CliRunner.Run("segment", image, "-o", tmp["many"], "--init", "kmeans++", "--restarts", "3", "-q", "--max-iter", "20").ExitCode);
    }
}
