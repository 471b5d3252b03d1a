using System.Text.Json;
using Bgmm.Imaging;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Cli;

/// <summary>
/// Covariance models in <c>segment</c>: <c>--model LIST</c> with <c>-k a..b</c> fits the model × K table through
/// the one selection loop; <c>--init labels.png</c> starts from a label image (bgmm's own labels.png works);
/// <c>--prior mclust</c> is mclust's prior per model and K; the study's prior does not warn on pixel data.
/// </summary>
public class SegmentModelTests
{
    [Fact]
    public void Segment_ModelListAndRange_WritesTheTableAndKeepsItsBest()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json", "-k", "1..3", "--model", "EII,VVI,VVV", "--criterion", "bic");
        Assert.True(run.ExitCode == 0, run.Stderr);
        JsonElement r = run.Json();
        JsonElement[] selection = [.. r.GetProperty("selection").EnumerateArray()];
        Assert.Equal(["EII", "VVI", "VVV", "EII", "VVI", "VVV", "EII", "VVI", "VVV"], selection.Select(s => s.GetProperty("model").GetString()));
        JsonElement best = selection.MinBy(s => s.GetProperty("bic").GetDouble());
        Assert.Equal(best.GetProperty("model").GetString(), r.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(best.GetProperty("components").GetInt32(), r.GetProperty("components").GetInt32());
        Assert.True(File.Exists(tmp["out/criterion.png"]));
    }

    [Fact]
    public void Segment_SelectionOfOneModel_IsTheLibrarysTableBitForBit()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json", "-k", "1..3", "--seed", "4");
        Assert.Equal(0, run.ExitCode);
        // The same table from the library: ImageSegmenter over ModelSelection.Select with the study's prior.
        RgbImage image = ImageLoader.Load(input);
        ImageSegmentation expected = ImageSegmenter.Segment(image, new SegmentationOptions { ComponentCounts = [1, 2, 3], Fit = new FitOptions(2) { Seed = 4 } });
        Assert.Equal(expected.Selection!.Entries.Select(e => e.Candidate!.Icl),
            run.Json().GetProperty("selection").EnumerateArray().Select(s => s.GetProperty("icl").GetDouble()));
        Assert.Equal(expected.Fit!.LogJointTrace, run.Json().GetProperty("log_joint_trace").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Segment_InitFromItsOwnLabelImage_StartsFromThatPartition()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run("segment", input, "-o", tmp["first"], "-k", "2", "-q").ExitCode);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["second"], "--init", tmp["first/labels.png"], "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        JsonElement r = run.Json();
        // K comes from the label image (levels 0 and 255 read back as 0 and 1); a partition labels pixels, so every pixel is fitted.
        Assert.Equal(2, r.GetProperty("components").GetInt32());
        Assert.Equal("partition", r.GetProperty("initialization").GetString());
        Assert.False(r.GetProperty("compressed").GetBoolean());
        // Started at the first run's labels (its fixed point): the segmentation is the same.
        Assert.Equal(File.ReadAllBytes(tmp["first/labels.png"]), File.ReadAllBytes(tmp["second/labels.png"]));
    }

    [Fact]
    public void Segment_InitLabelImageOfAnotherSize_IsRefused()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        string other = CliRunner.ScenePng(tmp.Path, "other.png", width: 24, height: 16);
        Assert.Equal(0, CliRunner.Run("segment", other, "-o", tmp["small"], "-q").ExitCode);
        CliRunner.AssertCleanError(CliRunner.Run("segment", input, "-o", tmp["out"], "--init", tmp["small/labels.png"]), 2, "--init", "384 labels for 3072 rows");
    }

    [Fact]
    public void Segment_PriorMclust_IsMclustsPriorOnThePixels()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--json", "--prior", "mclust", "--model", "VII", "-k", "2", "--compress", "off");
        Assert.True(run.ExitCode == 0, run.Stderr);
        MixturePrior expected = MixturePrior.Empirical(ImageLoader.Load(input).ToDataset(), 2, CovarianceModel.VII, alpha: 100);
        JsonElement h = run.Json().GetProperty("hyperparameters");
        Assert.Equal(expected.ComponentPrior.Kappa0, h.GetProperty("kappa0").GetDouble());
        Assert.Equal(expected.ComponentPrior.Sigma0[0, 0], h.GetProperty("sigma0")[0][0].GetDouble());
        Assert.Equal(expected.ComponentPrior.Mu0.ToArray(), h.GetProperty("mu0").EnumerateArray().Select(v => v.GetDouble()));
        // The image command keeps its α (100) under mclust's prior unless --alpha is given.
        Assert.Equal(100, h.GetProperty("alpha").GetDouble());
    }

    [Theory]
    [InlineData("cow.png")]
    [InlineData("fox.png")]
    [InlineData("owl.png")]
    [InlineData("zebra.png")]
    public void Segment_StudyPriorOnAStudyImage_DoesNotWarn(string name)
    {
        string image = SharedFiles.RequireShared("images", name);
        RgbImage pixels = ImageLoader.Load(image);
        (Dataset data, _) = ImageSegmenter.Prepare(pixels, ColourCompression.Auto);
        Assert.Empty(SegmentationOptions.StudyPrior.ScaleWarnings(DataMoments.Of(data)));
    }

    [Fact]
    public void Segment_StudyPriorOnAGeneratedScene_DoesNotWarn()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.False(run.Json().TryGetProperty("warnings", out _));
        Assert.DoesNotContain("warning", run.Stderr);
    }
}
