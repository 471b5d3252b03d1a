using Bgmm.Cli.Synthetic;
using Bgmm.Spatial;
using System.Text.Json;
using Bgmm.Cli.Commands;
using Bgmm.Imaging;

namespace Bgmm.Tests.Cli;

public class ForegroundTests
{
    [Fact]
    public void FrameRule_MarksTheBackgroundOfAGeneratedScene()
    {
        SyntheticScene scene = SyntheticScene.Generate(120, 90, seed: 2);
        ImageSegmentation segmentation = ImageSegmenter.Segment(scene.Image, new SegmentationOptions());
        byte[] labels = segmentation.Labels.ToArray();

        ForegroundSplit split = segmentation.Foreground;
        Assert.Equal(ForegroundSplit.Decide(labels, 120, 90, segmentation.Mixture).IsBackground, split.IsBackground);
        Assert.Equal(ForegroundRule.Frame, split.Rule);

        // The object (ground truth) is the foreground: at least 95 % of pixels agree.
        int agree = 0;
        for (int i = 0; i < labels.Length; i++) agree += !split.IsBackground[labels[i]] == scene.ObjectMask[i] ? 1 : 0;
        Assert.True(agree > 0.95 * labels.Length, $"{agree} of {labels.Length}");
        Assert.Single(split.ForegroundComponents);
        Assert.Equal((double)scene.ObjectPixelCount / labels.Length, split.Share, 0.05);
    }

    [Fact]
    public void BorderShareRule_HandCase()
    {
        // 4×4: component 1 is the 2×2 centre (touches no border); component 0 everything else.
        byte[] labels = [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0];
        Assert.Equal(new[] { true, false }, ForegroundSplit.ByBorderShare(labels, 4, 4, 2));
        // A component on the whole image (K = 1) has equal shares: not background.
        Assert.Equal(new[] { false }, ForegroundSplit.ByBorderShare(new byte[16], 4, 4, 1));
    }

    [Fact]
    public void Segment_WritesMaskCutoutUncertainty_AndReportsTheForeground()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path, width: 80, height: 60);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json");

        Assert.Equal(0, run.ExitCode);
        JsonElement fg = run.Json().GetProperty("foreground");
        Assert.Equal(1, fg.GetProperty("components").GetArrayLength());
        Assert.InRange(fg.GetProperty("share").GetDouble(), 0.05, 0.5);
        Assert.Contains("foreground: component", run.Stderr);
        RgbImage mask = ImageLoader.Load(tmp["out/mask.png"]);
        Assert.Equal((80, 60), (mask.Width, mask.Height));
        Assert.Equal(new byte[] { 0, 255 }, new HashSet<byte>(mask.Red8.ToArray()).Order().ToArray());
        Assert.Equal((80, 60), PngSize.Of(tmp["out/cutout.png"]));
        Assert.Equal((80, 60), PngSize.Of(tmp["out/uncertainty.png"]));
    }

    [Fact]
    public void Segment_BackgroundOption_Overrides_AndIsValidated()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        JsonElement r = CliRunner.Run("segment", input, "-o", tmp["a"], "--json", "--background", "0,1").Json();
        Assert.Equal(0, r.GetProperty("foreground").GetProperty("components").GetArrayLength());
        Assert.Equal(0.0, r.GetProperty("foreground").GetProperty("share").GetDouble());
        CliRunner.AssertCleanError(CliRunner.Run("segment", input, "-o", tmp["b"], "--background", "5"), 2, "no component 5");
        CliRunner.AssertCleanError(CliRunner.Run("segment", input, "-o", tmp["c"], "--background", "x"), 2, "--background");
    }

    [Fact]
    public void Segment_AutoK_WritesTheSelectionAndCriterionPlot()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json", "-k", "1..3", "--criterion", "bic");
        Assert.Equal(0, run.ExitCode);
        JsonElement r = run.Json();
        Assert.Equal("bic", r.GetProperty("criterion").GetString());
        JsonElement selection = r.GetProperty("selection");
        Assert.Equal(3, selection.GetArrayLength());
        int chosen = r.GetProperty("components").GetInt32();
        double best = selection.EnumerateArray().Min(s => s.GetProperty("bic").GetDouble());
        Assert.Equal(best, selection.EnumerateArray().Single(s => s.GetProperty("components").GetInt32() == chosen).GetProperty("bic").GetDouble());
        Assert.True(File.Exists(tmp["out/criterion.png"]));
        Assert.Contains("chosen by BIC", run.Stderr);
    }
}
