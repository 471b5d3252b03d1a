namespace Bgmm.Tests.Cli;

public class ErrorHandlingTests
{
    [Theory]
    [InlineData("segment")]
    [InlineData("fit")]
    [InlineData("nonsense")]
    public void ParseErrors_ExitWithCode2(string command)
    {
        CliRun run = CliRunner.Run(command, "--definitely-not-an-option");
        CliRunner.AssertCleanError(run, 2);
        Assert.Contains("--help", run.Stderr);
    }

    [Fact]
    public void Segment_OptionValueOfTheWrongType_ExitsWithCode2()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "--max-iter", "lots");
        CliRunner.AssertCleanError(run, 2, "lots");
    }

    [Fact]
    public void Segment_NotAnImage_MissingFile_AndEmptyFile_AreInputErrors()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp["text.png"], "hello");
        File.WriteAllBytes(tmp["empty.png"], []);
        CliRunner.AssertCleanError(CliRunner.Run("segment", tmp["text.png"], "-o", tmp["a"]), 2, "text.png");
        CliRunner.AssertCleanError(CliRunner.Run("segment", tmp["missing.png"], "-o", tmp["b"]), 2, "missing.png");
        CliRunner.AssertCleanError(CliRunner.Run("segment", tmp["empty.png"], "-o", tmp["c"]), 2, "empty.png");
        foreach (string d in new[] { "a", "b", "c" }) Assert.False(Directory.Exists(tmp[d]) && Directory.EnumerateFileSystemEntries(tmp[d]).Any());
    }

    [Fact]
    public void Segment_SingleColourImageWithK2_SaysHowManyDistinctValues()
    {
        using var tmp = new TempFolder();
        string path = tmp["flat.png"];
        var r = new byte[100];
        Array.Fill(r, (byte)7);
        File.WriteAllBytes(path, Bgmm.Imaging.ImagePng.Encode(Bgmm.Imaging.RgbImage.FromRgb8(10, 10, r, (byte[])r.Clone(), (byte[])r.Clone())));
        CliRunner.AssertCleanError(CliRunner.Run("segment", path, "-o", tmp["out"]), 2, "K = 2 but the data has 1 distinct value");
        Assert.Equal(0, CliRunner.Run("segment", path, "-o", tmp["one"], "-k", "1", "-q").ExitCode);
    }

    [Fact]
    public void Segment_UnwritableOutput_IsAnInputError()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        File.WriteAllText(tmp["afile"], "x");
        CliRunner.AssertCleanError(CliRunner.Run("segment", input, "-o", tmp["afile"]), 2, "choose");
        CliRunner.AssertCleanError(CliRunner.Run("segment", input, "-o", Path.Combine(tmp["afile"], "sub")), 2, "cannot write");
    }

    [Fact]
    public void Segment_RefusesToOverwriteAnInput()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path, "labels.png");
        byte[] before = File.ReadAllBytes(input);
        CliRun run = CliRunner.Run("segment", input, "-o", tmp.Path);
        CliRunner.AssertCleanError(run, 2, "refusing to overwrite an input");
        Assert.Equal(before, File.ReadAllBytes(input));
        Assert.False(File.Exists(tmp["result.json"]));
    }

    [Fact]
    public void ExistingOutputs_AreReplacedOnlyByCompleteNewOnes()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run("segment", input, "-o", tmp["out"], "-q").ExitCode);
        string before = File.ReadAllText(tmp["out/result.json"]);
        // A failing rerun (K too large for the 1-colour data it now reads) leaves the old outputs intact.
        CliRunner.AssertCleanError(CliRunner.Run("segment", input, "-o", tmp["out"], "--alpha", "0.1"), 2, "alpha");
        Assert.Equal(before, File.ReadAllText(tmp["out/result.json"]));
        Assert.Empty(Directory.GetFiles(tmp["out"], "*.tmp"));
    }

    [Fact]
    public void Cancellation_ExitsWith130AndWritesNothing()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        CliRun run = CliRunner.Run(cts.Token, "segment", input, "-o", tmp["out"]);
        Assert.Equal(130, run.ExitCode);
        Assert.Contains("interrupted", run.Stderr);
        Assert.False(Directory.Exists(tmp["out"]) && Directory.EnumerateFileSystemEntries(tmp["out"]).Any());
    }

    [Fact]
    public void QuietAndVerboseTogether_IsAUsageError()
    {
        using var tmp = new TempFolder();
        CliRunner.AssertCleanError(CliRunner.Run("segment", CliRunner.ScenePng(tmp.Path), "-q", "--verbose"), 2, "--quiet and --verbose");
    }
}
