using System.Globalization;
using System.Text;
using System.Text.Json;
using Bgmm.Imaging;
using Bgmm.Tests.Cli;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Issue 10, data of any scale and hyperparameters at the edge of their range, through the command line:
/// each run ends with exit code 0 and a log-joint trace that never decreases, or with exit code 2 and a
/// message naming the problem and the range that works — never exit code 1.
/// </summary>
public class DataScaleTests
{
    /// <summary>
    /// Two 2-D clusters of spread ~1, 10 apart, at <paramref name="offset"/>, as a deterministic grid-like
    /// pattern (no random stream, so the data are the same on every machine and easy to reproduce elsewhere).
    /// </summary>
    internal static string TwoClusters(double offset, int perCluster = 200)
    {
        var csv = new StringBuilder();
        foreach (double centre in new[] { 0.0, 10.0 })
        {
            for (int i = 0; i < perCluster; i++)
            {
                // A Weyl sequence in the unit square, mapped to [−2, 2]²: spread ~1.2 per axis.
                double u = (i * 0.6180339887498949) % 1.0, v = (i * 0.7548776662466927) % 1.0;
                csv.Append(F(offset + centre + 4 * u - 2)).Append(',').Append(F(offset + centre + 4 * v - 2)).Append('\n');
            }
        }
        return csv.ToString();
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The trace from iteration 1 on never goes down by more than rounding. Entry 0 (the initial mixture,
    /// whose log joint is −1e16 at data near 1e8 under the default prior) is left out of the scale: the
    /// usual max-|trace| scale would then allow decreases of 1e4. Rounding of L is ~1e-16 per term summed
    /// over N terms of order |L|/N, so 1e-12·max(|L_final|, N) leaves a factor ~1e3 of room; the decreases
    /// this test was written for were 1e-6 to 1e-3 of |L|. <paramref name="relative"/> widens the first part
    /// where a test says why; <paramref name="absolute"/> is added for parameters that double cannot hold
    /// to the optimum's precision (see <see cref="MeanRounding"/>).
    /// </summary>
    internal static void AssertMonotone(JsonElement result, double relative = 1e-12, double absolute = 0)
    {
        double[] trace = [.. result.GetProperty("log_joint_trace").EnumerateArray().Select(e => e.GetDouble())];
        double points = result.GetProperty("points").GetDouble();
        double scale = Math.Max(Math.Abs(trace[^1]), points);
        for (int t = 2; t < trace.Length; t++)
        {
            Assert.True(trace[t] >= trace[t - 1] - relative * scale - absolute, $"log joint decreased at iteration {t}: {trace[t - 1]:R} -> {trace[t]:R}");
        }
    }

    /// <summary>
    /// What rounding the M-step's means to double can cost L: a mean of magnitude |x| is held to within
    /// u·|x|/2 per coordinate (u = 2^−52), which moves L from the M-step's optimum by at most
    /// ½·N·D·(u·|x|)²/λ_min(Σ) — for the clusters of <see cref="TwoClusters"/> (variance 4/3 per axis; a
    /// component holding both has larger variance, so this is an upper bound) at 1e12, ~4e-6; at 1e8, 1e-13.
    /// Twice that, for the covariance's own rounding.
    /// </summary>
    internal static double MeanRounding(double offset, double points, int dimension = 2) =>
        2 * 0.5 * points * dimension * Math.Pow(Math.Pow(2, -52) * offset, 2) / (4.0 / 3.0);

    private static JsonElement ResultOf(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json"))).RootElement;

    [Theory]
    [InlineData(1e8)]
    [InlineData(1e12)]
    public void Fit_TwoClustersFarFromTheOrigin_DefaultPrior_ExitsZeroWithAMonotoneTrace(double offset)
    {
        using var tmp = new TempFolder();
        string csv = tmp["far.csv"];
        File.WriteAllText(csv, TwoClusters(offset));
        // --alpha 1 (the default value) makes `fit` use the library's fixed prior (μ0 = 0, Σ0 = I) instead of
        // its no-flag fallback, mclust's prior from the data: the fixed prior is the one that is off this data's scale.
        // Several seeds: each starts from other rows, and before the fix a few of them ended in a
        // decreasing trace (1e8) or "lost positive definiteness" (1e12).
        for (int seed = 0; seed < 6; seed++)
        {
            string output = tmp[$"out{seed}"];
            CliRun run = CliRunner.Run("fit", csv, "-o", output, "-q", "--alpha", "1", "--tol", "0", "--max-iter", "300", "--seed", seed.ToString(CultureInfo.InvariantCulture));
            Assert.True(run.ExitCode == 0, $"seed {seed}: exit {run.ExitCode}: {run.Stderr}");
            AssertMonotone(ResultOf(output), absolute: MeanRounding(offset, 400));
        }
    }

    [Fact]
    public void Fit_ConstantColumnAt1e200_DefaultPriorIsRefusedWithTheRange_EmpiricalPriorFits()
    {
        using var tmp = new TempFolder();
        string csv = tmp["c200.csv"];
        File.WriteAllText(csv, string.Concat(Enumerable.Range(0, 200).Select(i => $"{F((i % 2) * 5 + 0.01 * (i % 17))},1e200\n")));

        CliRunner.AssertCleanError(CliRunner.Run("fit", csv, "-o", tmp["default"], "-q", "--alpha", "1"), 2, "1e12 times their spread", "mu0 near the data");
        Assert.False(Directory.Exists(tmp["default"]));

        CliRun empirical = CliRunner.Run("fit", csv, "-o", tmp["empirical"], "-q", "--prior", "empirical", "--tol", "0", "--max-iter", "100");
        Assert.True(empirical.ExitCode == 0, empirical.Stderr);
        JsonElement result = ResultOf(tmp["empirical"]);
        AssertMonotone(result);
        Assert.All(result.GetProperty("means").EnumerateArray(), m => Assert.Equal(1e200, m[1].GetDouble()));
    }

    [Fact]
    public void Fit_DataFarBeyondTheResolvableRangeOfMu0_IsRefusedWithTheRange()
    {
        using var tmp = new TempFolder();
        string csv = tmp["near.csv"];
        File.WriteAllText(csv, TwoClusters(0));
        CliRunner.AssertCleanError(CliRunner.Run("fit", csv, "-o", tmp["out"], "-q", "--mu0", "1e100,1e100"), 2,
            "from the prior mean mu0", "within about 1e12 times their spread");
    }

    public static TheoryData<string[]> AcceptedExtremes => new()
    {
        { ["--alpha", "1e17"] },
        { ["--alpha", "1e100"] },
        { ["--kappa0", "1e100"] },
        { ["--kappa0", "1e-300"] },
        { ["--nu0", "1e100"] },
        { ["--sigma0", "1e-150"] },
        { ["--sigma0", "1e150"] },
        { ["--mu0", "1e5,-1e5"] },
    };

    [Theory]
    [MemberData(nameof(AcceptedExtremes))]
    public void Fit_HyperparameterAtTheEdgeOfItsRange_ExitsZeroWithAMonotoneTrace(string[] option)
    {
        using var tmp = new TempFolder();
        string csv = tmp["toy.csv"];
        File.WriteAllText(csv, TwoClusters(5));
        CliRun run = CliRunner.Run(["fit", csv, "-o", tmp["out"], "-q", "--tol", "0", "--max-iter", "200", .. option]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertMonotone(ResultOf(tmp["out"]));
    }

    [Theory]
    [InlineData("--alpha", "1e308", "alpha", "≤ 1e100")]
    [InlineData("--alpha", "1e101", "alpha", "≤ 1e100")]
    [InlineData("--sigma0", "1e-308", "sigma0", "1e-150 to 1e150")]
    [InlineData("--sigma0", "1e308", "sigma0", "1e-150 to 1e150")]
    [InlineData("--nu0", "1e308", "nu0", "≤ 1e100")]
    [InlineData("--kappa0", "1e308", "kappa0", "≤ 1e100")]
    [InlineData("--mu0", "1e308,1e308", "mu0", "-1e200 to 1e200")]
    public void FitAndSegment_HyperparameterBeyondItsRange_IsRefusedUpFrontWithTheRange(string option, string value, string name, string range)
    {
        using var tmp = new TempFolder();
        string csv = tmp["toy.csv"];
        File.WriteAllText(csv, TwoClusters(5));
        CliRunner.AssertCleanError(CliRunner.Run("fit", csv, "-o", tmp["fit"], "-q", option, value), 2, name, range);
        Assert.False(Directory.Exists(tmp["fit"]));
        if (option == "--mu0") value = "1e308,1e308,1e308";
        string image = CliRunner.ScenePng(tmp.Path);
        CliRunner.AssertCleanError(CliRunner.Run("segment", image, "-o", tmp["segment"], "-q", option, value), 2, name, range);
        Assert.False(Directory.Exists(tmp["segment"]));
    }

    [Fact]
    public void Segment_GreyImage_WithTheEmpiricalPrior_Segments()
    {
        // R = G = B: the colour covariance is singular (rank 1), which the empirical prior must regularise.
        using var tmp = new TempFolder();
        const int w = 32, h = 24;
        byte[] grey = [.. Enumerable.Range(0, w * h).Select(i => (byte)((i % w < w / 2 ? 40 : 200) + (i * 7 % 11) - 5))];
        string image = tmp["grey.png"];
        File.WriteAllBytes(image, ImagePng.Encode(RgbImage.FromRgb8(w, h, grey, (byte[])grey.Clone(), (byte[])grey.Clone())));

        CliRun run = CliRunner.Run("segment", image, "-o", tmp["out"], "-q", "--prior", "empirical", "--tol", "0", "--max-iter", "100");

        Assert.True(run.ExitCode == 0, run.Stderr);
        // The ridge that keeps Σ0 positive definite leaves it (and the fitted Σ_k) with a condition number
        // ~1e6 (EmpiricalPrior.Ridge), which multiplies the ~1e-16 rounding of L's quadratic terms: L is
        // then computed to ~1e-10 relative, not 1e-12 (measured: a decrease of 5e-12 of |L|).
        AssertMonotone(ResultOf(tmp["out"]), relative: 1e-9);
        Assert.True(File.Exists(tmp["out/labels.png"]));
    }

    [Fact]
    public void Fit_CollinearColumns_WithTheEmpiricalPrior_Fits()
    {
        using var tmp = new TempFolder();
        string csv = tmp["collinear.csv"];
        // Three columns that are exact affine functions of one: a rank-1 covariance.
        File.WriteAllText(csv, string.Concat(Enumerable.Range(0, 300).Select(i =>
        {
            double t = (i < 150 ? 0 : 5) + ((i * 0.6180339887498949) % 1.0) * 2 - 1;
            return $"{F(t)},{F(2 * t + 1)},{F(-t)}\n";
        })));

        CliRun run = CliRunner.Run("fit", csv, "-o", tmp["out"], "-q", "--prior", "empirical", "--tol", "0", "--max-iter", "100");

        Assert.True(run.ExitCode == 0, run.Stderr);
        // Condition ~1e6 from the ridge, as for the grey image (measured: a decrease of 2e-12 of |L|).
        AssertMonotone(ResultOf(tmp["out"]), relative: 1e-9);
    }

    [Fact]
    public void Apply_ModelWithAZeroWeight_LabelsTheImage_AndWritesTheInfiniteLogJointAsNull()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run("segment", image, "-o", tmp["fit"], "-q", "-k", "3", "--max-iter", "20").ExitCode);
        // Component 1's weight moved to component 0: under α = 100 its prior density is 0, so log p(θ) = −∞.
        var model = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(tmp["fit/result.json"]))!.AsObject();
        double[] weights = [.. model["weights"]!.AsArray().Select(n => n!.GetValue<double>())];
        model["weights"] = new System.Text.Json.Nodes.JsonArray(weights[0] + weights[1], 0.0, weights[2]);
        File.WriteAllText(tmp["model.json"], model.ToJsonString());

        CliRun run = CliRunner.Run("apply", tmp["model.json"], image, "-o", tmp["applied"], "-q");

        Assert.True(run.ExitCode == 0, run.Stderr);
        JsonElement result = ResultOf(tmp["applied"]);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("log_joint").ValueKind);
        Assert.True(double.IsFinite(result.GetProperty("log_likelihood").GetDouble()));
        Assert.Equal(0.0, result.GetProperty("weights")[1].GetDouble());
        Assert.True(File.Exists(tmp["applied/labels.png"]));
    }

    [Fact]
    public void SegmentAndApply_KOver256_AreRefusedBeforeAnyFit()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path, width: 32, height: 32);
        CliRunner.AssertCleanError(CliRunner.Run("segment", image, "-o", tmp["segment"], "-k", "300"), 2, "K = 300", "≤ 256");
        Assert.False(Directory.Exists(tmp["segment"]));

        var rng = new Bgmm.Numerics.RandomStream(3);
        var model = new
        {
            weights = Enumerable.Repeat(1.0 / 300, 300).ToArray(),
            means = Enumerable.Range(0, 300).Select(_ => new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() }).ToArray(),
            covariances = Enumerable.Range(0, 300).Select(_ => new[] { new[] { 0.01, 0, 0 }, new[] { 0, 0.01, 0 }, new[] { 0, 0, 0.01 } }).ToArray(),
        };
        File.WriteAllText(tmp["k300.json"], JsonSerializer.Serialize(model));
        CliRunner.AssertCleanError(CliRunner.Run("apply", tmp["k300.json"], image, "-o", tmp["apply"]), 2, "K = 300", "≤ 256");
        Assert.False(Directory.Exists(tmp["apply"]));
    }
}
