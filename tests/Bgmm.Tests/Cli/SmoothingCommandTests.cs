using Bgmm.Cli.Synthetic;
using System.Text.Json;
using Bgmm.Imaging;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Cli;

public class SmoothingCommandTests
{
    private static string NoisyScene(TempFolder tmp)
    {
        var scene = SyntheticSegmentation.Generate(64, 64, 2, 0.06, 3);
        string path = tmp["noisy.png"];
        File.WriteAllBytes(path, ImagePng.Encode(scene.Image));
        return path;
    }

    [Theory]
    [InlineData("4")]
    [InlineData("8")]
    public void Segment_Smooth_WritesTheJoinedTraceAndSmoothingRecord(string neighbours)
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("segment", NoisyScene(tmp), "-o", tmp["out"], "--json", "--smooth", "2", "--neighbours", neighbours);

        Assert.Equal(0, run.ExitCode);
        JsonElement r = run.Json();
        JsonElement s = r.GetProperty("smoothing");
        Assert.Equal(2.0, s.GetProperty("beta").GetDouble());
        Assert.Equal(int.Parse(neighbours), s.GetProperty("neighbours").GetInt32());
        double[] trace = [.. r.GetProperty("log_joint_trace").EnumerateArray().Select(e => e.GetDouble())];
        int start = s.GetProperty("trace_start").GetInt32();
        Assert.Equal(s.GetProperty("independent_iterations").GetInt32() + 1, start);
        Assert.Equal(s.GetProperty("independent_log_joint").GetDouble(), trace[start - 1]);
        Assert.Equal(trace[^1], r.GetProperty("log_joint").GetDouble());
        Assert.Equal(trace.Length - 2, r.GetProperty("iterations").GetInt32());
        // L for the independent phase, then F: the join does not decrease either.
        Norms.AssertNonDecreasing(trace, 64 * 64);
        Assert.Equal((64, 64), PngSize.Of(tmp["out/labels.png"]));
        Assert.True(File.Exists(tmp["out/uncertainty.png"]));
    }

    [Theory]
    [InlineData(new[] { "--smooth", "-1" }, "--smooth")]
    [InlineData(new[] { "--smooth", "2", "--sweeps", "0" }, "--sweeps")]
    [InlineData(new[] { "--neighbours", "6" }, "6")]
    public void Segment_BadSmoothingOptions_AreInputErrors(string[] options, string fragment)
    {
        using var tmp = new TempFolder();
        CliRunner.AssertCleanError(CliRunner.Run(["segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], .. options]), 2, fragment);
    }
}
