using System.Text.Json;
using Bgmm.Imaging;
using Bgmm.Spatial;
using Bgmm.Tests.Spatial;

namespace Bgmm.Tests.Cli;

/// <summary><c>bgmm segment IMAGE --box x,y,w,h</c>.</summary>
public class BoxCommandTests
{
    [Fact]
    public void Box_WritesTheCutOut_TheTwoMixtures_AndNothingOutsideTheBoxIsForeground()
    {
        using var tmp = new TempFolder();
        ForegroundScene scene = ForegroundScene.Generate(96, 72, 2, 3, 0.04, cut: false, seed: 5);
        string input = Path.Combine(tmp.Path, "scene.png");
        File.WriteAllBytes(input, ImagePng.Encode(scene.Image));
        PixelBox box = BoxCutoutTests.BoundingBox(scene, margin: 4);
        CliRun run = CliRunner.Run("segment", input, "--box", box.ToString(), "-k", "7", "-o", tmp["out"], "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("foreground", run.Stderr);
        JsonElement b = run.Json().GetProperty("box");
        Assert.Equal(box.X, b.GetProperty("x").GetInt32());
        Assert.Equal(box.Width, b.GetProperty("width").GetInt32());
        // -k is ignored: each class has the default 5 components.
        Assert.Equal(5, b.GetProperty("foreground").GetProperty("weights").GetArrayLength());
        Assert.Equal(5, b.GetProperty("background").GetProperty("weights").GetArrayLength());
        Assert.Equal(2.0, b.GetProperty("beta").GetDouble());
        foreach (string f in new[] { "result.json", "mask.png", "cutout.png", "uncertainty.png", "log_joint.png" }) Assert.True(File.Exists(tmp["out/" + f]), f);

        RgbImage mask = ImageLoader.Load(tmp["out/mask.png"]);
        byte[] m = mask.Red8.ToArray();
        double iou = scene.IoU(i => m[i] == 255);
        Assert.True(iou >= 0.95, $"IoU {iou:F3}");
        for (int i = 0; i < m.Length; i++)
        {
            if (!box.Contains(i % 96, i / 96)) Assert.Equal(0, m[i]);
        }
    }

    [Fact]
    public void Box_TakesExactlyOneImage_AndAValidRectangle()
    {
        using var tmp = new TempFolder();
        string a = CliRunner.ScenePng(tmp.Path, "a.png");
        string b = CliRunner.ScenePng(tmp.Path, "b.png");
        CliRunner.AssertCleanError(CliRunner.Run("segment", a, b, "--box", "5,5,20,20", "-o", tmp["two"]), 2, "one image");
        CliRunner.AssertCleanError(CliRunner.Run("segment", a, "--box", "5,5,20", "-o", tmp["three"]), 2, "x,y,w,h");
        CliRunner.AssertCleanError(CliRunner.Run("segment", a, "--box", "50,5,20,20", "-o", tmp["outside"]), 2, "reaches outside");
        CliRunner.AssertCleanError(CliRunner.Run("segment", a, "--box", "0,0,64,48", "-o", tmp["whole"]), 2, "covers the whole");
        // No partial output.
        foreach (string folder in new[] { "two", "three", "outside", "whole" }) Assert.False(Directory.Exists(tmp[folder]) && Directory.EnumerateFiles(tmp[folder]).Any(), folder);
    }

    [Fact]
    public void Segment_ReportsWhyEachComponentIsBackground()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path, width: 80, height: 60);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json", "-k", "3");
        Assert.Equal(0, run.ExitCode);
        JsonElement fg = run.Json().GetProperty("foreground");
        Assert.Equal("frame", fg.GetProperty("rule").GetString());
        JsonElement[] verdicts = [.. fg.GetProperty("verdicts").EnumerateArray()];
        Assert.Equal(3, verdicts.Length);
        int[] foreground = [.. fg.GetProperty("components").EnumerateArray().Select(c => c.GetInt32())];
        foreach (JsonElement v in verdicts)
        {
            bool background = v.GetProperty("background").GetBoolean();
            Assert.Equal(!foreground.Contains(v.GetProperty("component").GetInt32()), background);
            string reason = v.GetProperty("reason").GetString()!;
            Assert.Equal(background, reason is "spans_frame" or "absent");
            Assert.Contains($"component {v.GetProperty("component").GetInt32()}: {(background ? "background" : "foreground")} — ", run.Stderr);
        }
    }
}
