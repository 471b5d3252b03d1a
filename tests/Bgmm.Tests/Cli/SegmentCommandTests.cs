using System.Text.Json;
using Bgmm.Imaging;

namespace Bgmm.Tests.Cli;

public class SegmentCommandTests
{
    [Fact]
    public void Segment_OneImage_WritesTheOutputsWithTheRightShapes()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path, width: 64, height: 48);
        string outDir = tmp["out"];

        CliRun run = CliRunner.Run("segment", input, "-o", outDir);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("weight π", run.Stdout);
        Assert.Equal(["cutout.png", "labels.png", "log_joint.png", "mask.png", "result.json", "segments.png", "uncertainty.png"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order());
        Assert.Equal((64, 48), PngSize.Of(Path.Combine(outDir, "labels.png")));
        (int w, int h) = PngSize.Of(Path.Combine(outDir, "segments.png"));
        Assert.True(w > 3 * 64 && h > 48);
        Assert.True(PngSize.Of(Path.Combine(outDir, "log_joint.png")).Width > 0);

        // K = 2: the label map doubles as a mask (0 and 255 only), both present.
        RgbImage labels = ImageLoader.Load(Path.Combine(outDir, "labels.png"));
        var levels = new HashSet<byte>(labels.Red8.ToArray());
        Assert.Equal(new byte[] { 0, 255 }, levels.Order().ToArray());

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "result.json")));
        AssertResultShape(doc.RootElement, components: 2, dimension: 3, points: 64 * 48);
        Assert.Equal(100.0, doc.RootElement.GetProperty("hyperparameters").GetProperty("alpha").GetDouble());
        Assert.Equal(4.0, doc.RootElement.GetProperty("hyperparameters").GetProperty("nu0").GetDouble());
    }

    [Fact]
    public void Segment_Json_PrintsExactlyOneDocumentOnStdout()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);

        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json", "-k", "3");

        Assert.Equal(0, run.ExitCode);
        JsonElement result = run.Json();
        AssertResultShape(result, components: 3, dimension: 3, points: 64 * 48);
        Assert.Contains("weight π", run.Stderr);
        Assert.Equal(File.ReadAllText(tmp["out/result.json"]).Trim(), run.Stdout.Trim());
    }

    [Fact]
    public void Segment_Quiet_PrintsNothing()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], "-q");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal("", run.Stderr);
        Assert.True(File.Exists(tmp["out/result.json"]));
    }

    [Fact]
    public void Segment_Batch_ABadInputIsReportedAndTheOthersStillRun()
    {
        using var tmp = new TempFolder();
        string a = CliRunner.ScenePng(tmp.Path, "a.png", seed: 1);
        string bad = tmp["b.png"];
        File.WriteAllText(bad, "this is not an image");
        string c = CliRunner.ScenePng(tmp.Path, "c.png", seed: 3);

        CliRun run = CliRunner.Run("segment", a, bad, c, "-o", tmp["out"]);

        CliRunner.AssertCleanError(run, 2, "b.png");
        Assert.True(File.Exists(tmp["out/a/result.json"]));
        Assert.True(File.Exists(tmp["out/c/result.json"]));
        Assert.False(Directory.Exists(tmp["out/b"]) && Directory.EnumerateFileSystemEntries(tmp["out/b"]).Any());
        Assert.Contains("2 of 3 inputs finished", run.Stderr);
    }

    [Fact]
    public void Segment_Folder_ProcessesEveryImageInIt()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["in"]);
        CliRunner.ScenePng(tmp["in"], "x.png", seed: 1);
        CliRunner.ScenePng(tmp["in"], "y.png", seed: 2);
        File.WriteAllText(tmp["in/notes.txt"], "ignored");

        CliRun run = CliRunner.Run("segment", tmp["in"], "-o", tmp["out"], "-q");

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(tmp["out/x/labels.png"]));
        Assert.True(File.Exists(tmp["out/y/labels.png"]));
    }

    [Fact]
    public void Segment_SameSeed_GivesIdenticalResultFiles()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run("segment", input, "-o", tmp["a"], "-q", "--restarts", "2", "--seed", "5", "--threads", "1").ExitCode);
        Assert.Equal(0, CliRunner.Run("segment", input, "-o", tmp["b"], "-q", "--restarts", "2", "--seed", "5", "--threads", "2").ExitCode);
        Assert.Equal(Strip(File.ReadAllText(tmp["a/result.json"])), Strip(File.ReadAllText(tmp["b/result.json"])));
        Assert.Equal(File.ReadAllBytes(tmp["a/labels.png"]), File.ReadAllBytes(tmp["b/labels.png"]));
    }

    [Fact]
    public void Segment_CompressOnAndOff_GiveTheSameFit()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        JsonElement on = CliRunner.Run("segment", input, "-o", tmp["on"], "--json", "--compress", "on", "--tol", "0", "--max-iter", "30").Json();
        JsonElement off = CliRunner.Run("segment", input, "-o", tmp["off"], "--json", "--compress", "off", "--tol", "0", "--max-iter", "30").Json();
        Assert.True(on.GetProperty("compressed").GetBoolean());
        Assert.False(off.GetProperty("compressed").GetBoolean());
        Assert.Equal(off.GetProperty("points").GetInt64(), on.GetProperty("points").GetInt64());
        // Only the grouping of sums differs: 1e-10 relative on the log joint.
        double a = on.GetProperty("log_joint").GetDouble(), b = off.GetProperty("log_joint").GetDouble();
        Assert.True(Math.Abs(a - b) <= 1e-10 * Math.Abs(b));
    }

    [Fact]
    public void Apply_LabelsAnotherImageWithAFittedModel()
    {
        using var tmp = new TempFolder();
        string first = CliRunner.ScenePng(tmp.Path, "first.png", seed: 1);
        string second = CliRunner.ScenePng(tmp.Path, "second.png", width: 40, height: 30, seed: 2);
        Assert.Equal(0, CliRunner.Run("segment", first, "-o", tmp["model"], "-q").ExitCode);

        CliRun run = CliRunner.Run("apply", tmp["model/result.json"], second, "-o", tmp["applied"], "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((40, 30), PngSize.Of(tmp["applied/labels.png"]));
        Assert.True(File.Exists(tmp["applied/segments.png"]));
        JsonElement r = run.Json();
        Assert.Equal(2, r.GetProperty("components").GetInt32());
        Assert.True(double.IsFinite(r.GetProperty("log_likelihood").GetDouble()));
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(tmp["model/result.json"]));
        Assert.Equal(model.RootElement.GetProperty("weights")[0].GetDouble(), r.GetProperty("weights")[0].GetDouble());
    }

    internal static void AssertResultShape(JsonElement r, int components, int dimension, long points)
    {
        Assert.Equal(components, r.GetProperty("components").GetInt32());
        Assert.Equal(dimension, r.GetProperty("dimension").GetInt32());
        Assert.Equal(points, r.GetProperty("points").GetInt64());
        Assert.Equal(components, r.GetProperty("weights").GetArrayLength());
        Assert.Equal(1.0, r.GetProperty("weights").EnumerateArray().Sum(w => w.GetDouble()), 12);
        Assert.Equal(components, r.GetProperty("means").GetArrayLength());
        Assert.Equal(dimension, r.GetProperty("covariances")[0][0].GetArrayLength());
        JsonElement trace = r.GetProperty("log_joint_trace");
        Assert.Equal(r.GetProperty("iterations").GetInt32() + 1, trace.GetArrayLength());
        Assert.Equal(trace[trace.GetArrayLength() - 1].GetDouble(), r.GetProperty("log_joint").GetDouble());
        Assert.Contains(r.GetProperty("converged").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.True(r.TryGetProperty("restart", out _));
        Assert.True(r.TryGetProperty("seed", out _));
        Assert.True(r.TryGetProperty("empty_components", out _));
        Assert.True(r.TryGetProperty("total_weight", out _));
        JsonElement h = r.GetProperty("hyperparameters");
        foreach (string key in new[] { "alpha", "mu0", "kappa0", "nu0", "sigma0" }) Assert.True(h.TryGetProperty(key, out _), key);
    }

    /// <summary>Drops the lines that legitimately differ between runs (timings, paths).</summary>
    internal static string Strip(string json) =>
        string.Join("\n", json.Split('\n').Where(l => !l.Contains("\"decode\"") && !l.Contains("\"fit\"") && !l.Contains("\"input\"")));
}
