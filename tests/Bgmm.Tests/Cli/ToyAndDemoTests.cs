namespace Bgmm.Tests.Cli;

public class ToyAndDemoTests
{
    [Fact]
    public void Toy_PrintsTheTableAndDrawsItsPlots()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("toy", "-o", tmp.Path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("weight π", run.Stdout);
        Assert.Contains("300 iterations", run.Stdout);
        Assert.Equal((800, 800), PngSize.Of(tmp["toy.png"]));
        Assert.True(File.Exists(tmp["log_joint.png"]));
        SegmentCommandTests.AssertResultShape(System.Text.Json.JsonDocument.Parse(File.ReadAllText(tmp["result.json"])).RootElement, 2, 2, 400);
    }

    [Fact]
    public void Demo_WritesEverythingUnderItsFolder()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("demo", "-o", tmp.Path);
        Assert.Equal(0, run.ExitCode);
        foreach (string f in new[] { "scene.png", "scene/segments.png", "scene/labels.png", "scene/log_joint.png", "scene/result.json", "toy/toy.png", "toy/log_joint.png", "toy/result.json" })
        {
            Assert.True(File.Exists(Path.Combine(tmp.Path, f)), f);
        }
        Assert.Contains(tmp.Path, run.Stdout);
    }
}
