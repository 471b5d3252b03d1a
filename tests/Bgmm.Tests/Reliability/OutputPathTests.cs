using System.Text.Json;
using Bgmm.Cli;
using Bgmm.Cli.Commands;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Where outputs go: never over an input (through symbolic links too) or a file bgmm did not write;
/// one predictable folder per input even when names collide or are made of dots; an empty -o is
/// refused.
/// </summary>
public class OutputPathTests
{
    private static readonly string[] Quick = ["-q", "--max-iter", "20"];

    private static string InputOf(string resultJson)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(resultJson));
        return doc.RootElement.GetProperty("input").GetString()!;
    }

    [Fact]
    public void Segment_OutputFolderLinkedToTheInputsFolder_RefusesAndLeavesTheInputUnchanged()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["in"]);
        // An image named like an output: segmenting it into its own folder would replace it.
        string input = CliRunner.ScenePng(tmp["in"], "labels.png");
        string before = SpecialFiles.Hash(input);
        Directory.CreateSymbolicLink(tmp["link"], tmp["in"]);

        CliRun run = CliRunner.Run(["segment", input, "-o", tmp["link"], .. Quick]);

        CliRunner.AssertCleanError(run, 2, "refusing to overwrite an input file", "choose another output folder with -o");
        Assert.Equal(before, SpecialFiles.Hash(input));
        Assert.Equal(["labels.png"], Directory.EnumerateFileSystemEntries(tmp["in"]).Select(Path.GetFileName));
    }

    [Fact]
    public void Apply_OutputFolderLinkedToTheModelsFolder_RefusesAndLeavesTheModelUnchanged()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", tmp["model"], .. Quick]).ExitCode);
        string model = tmp["model/result.json"];
        string before = SpecialFiles.Hash(model);
        Directory.CreateSymbolicLink(tmp["link"], tmp["model"]);

        CliRun run = CliRunner.Run("apply", model, image, "-o", tmp["link"], "-q");

        CliRunner.AssertCleanError(run, 2, "refusing to overwrite an input file");
        Assert.Equal(before, SpecialFiles.Hash(model));
    }

    [Fact]
    public void Segment_InputThatLinksToAnEarlierOutput_IsNotReplaced()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        Assert.Equal(0, CliRunner.Run(["segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], .. Quick]).ExitCode);
        string earlier = tmp["out/segments.png"];
        string before = SpecialFiles.Hash(earlier);
        // The input is bgmm's own earlier output, reached through a link named otherwise: it is
        // still an input, and an output may not replace it.
        File.CreateSymbolicLink(tmp["again.png"], earlier);

        CliRun run = CliRunner.Run(["segment", tmp["again.png"], "-o", tmp["out"], .. Quick]);

        CliRunner.AssertCleanError(run, 2, "segments.png", "refusing to overwrite an input file");
        Assert.Equal(before, SpecialFiles.Hash(earlier));
    }

    [Fact]
    public void InitOrPriorFileInTheOutputFolder_IsNotReplaced()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", tmp["out"], .. Quick]).ExitCode);
        string earlier = tmp["out/result.json"], before = SpecialFiles.Hash(earlier);

        // Refining the earlier result into its own folder would replace the file it starts from.
        CliRunner.AssertCleanError(CliRunner.Run(["segment", image, "--init", earlier, "-o", tmp["out"], .. Quick]), 2, "result.json", "refusing to overwrite an input file");
        CliRunner.AssertCleanError(CliRunner.Run(["segment", image, "--prior", earlier, "-o", tmp["out"], .. Quick]), 2, "refusing to overwrite an input file");
        Assert.Equal(before, SpecialFiles.Hash(earlier));
        Assert.Equal(0, CliRunner.Run(["segment", image, "--init", earlier, "-o", tmp["refined"], .. Quick]).ExitCode);
    }

    [Fact]
    public void Segment_SameFileNameInTwoFolders_GetsTwoNumberedFolders()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["a"]);
        Directory.CreateDirectory(tmp["b"]);
        string first = CliRunner.ScenePng(tmp["a"], "x.png", seed: 1), second = CliRunner.ScenePng(tmp["b"], "x.png", seed: 2);

        CliRun run = CliRunner.Run(["segment", first, second, "-o", tmp["out"], .. Quick]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Path.GetFullPath(first), InputOf(tmp["out/x.png-1/result.json"]));
        Assert.Equal(Path.GetFullPath(second), InputOf(tmp["out/x.png-2/result.json"]));
        Assert.Equal(["x.png-1", "x.png-2"], Directory.EnumerateFileSystemEntries(tmp["out"]).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Segment_DotNames_EachGetAFolderInsideTheOutputFolder()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["in"]);
        Directory.CreateDirectory(tmp["parent"]);
        foreach (string name in new[] { ".png", "..png", "...png" }) CliRunner.ScenePng(tmp["in"], name);

        CliRun run = CliRunner.Run(["segment", tmp["in"], "-o", tmp["parent/out"], .. Quick]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["...png", "..png", ".png"], Directory.EnumerateFileSystemEntries(tmp["parent/out"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string name in new[] { ".png", "..png", "...png" })
            Assert.Equal(Path.GetFullPath(tmp[$"in/{name}"]), InputOf(Path.Combine(tmp["parent/out"], name, "result.json")));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(tmp["parent"]).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(new[] { "a/x.png" }, new[] { "x" })]
    [InlineData(new[] { "a/x.png", "a/y.jpg" }, new[] { "x", "y" })]
    [InlineData(new[] { "a/x.png", "a/x.jpg" }, new[] { "x.png", "x.jpg" })]
    [InlineData(new[] { "a/x.png", "b/x.png" }, new[] { "x.png-1", "x.png-2" })]
    [InlineData(new[] { "a/x.png", "b/X.PNG", "c/y.png" }, new[] { "x.png-1", "X.PNG-2", "y" })]
    [InlineData(new[] { "a/x.png", "b/x.png", "a/x.jpg" }, new[] { "x.png-1", "x.png-2", "x.jpg" })]
    [InlineData(new[] { "a/.png", "a/..png", "a/...png", "a/....png" }, new[] { ".png", "..png", "...png", "....png" })]
    [InlineData(new[] { "a/-x.png", "a/x y.png", "a/ü.png" }, new[] { "-x", "x y", "ü" })]
    [InlineData(new[] { "" }, new[] { "input" })]
    public void OutputNames_FollowTheDocumentedRule(string[] inputs, string[] expected)
    {
        Assert.Equal(expected, InputList.OutputNames(inputs));
    }

    [Fact]
    public void OutputNames_ThatStillCollide_AreRefusedBeforeAnythingIsWritten()
    {
        // x.png and x.png from two folders become x.png-1 and x.png-2, which a file named x.png-1.png already is.
        UserError e = Assert.Throws<UserError>(() => InputList.OutputNames(["a/x.png", "b/x.png", "c/x.png-1.png"]));
        Assert.Contains("would both write to an output folder named x.png-1", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void EmptyOutputFolder_IsRefusedWithCode2_AndWritesNothing(string empty)
    {
        using var tmp = new TempFolder();
        string unique = "bgmm-empty-o-" + Guid.NewGuid().ToString("N");
        string a = CliRunner.ScenePng(tmp.Path, unique + "-a.png"), b = CliRunner.ScenePng(tmp.Path, unique + "-b.png");
        CliRunner.AssertCleanError(CliRunner.Run("segment", a, "-o", empty), 2, "output folder is empty", "-o results");
        CliRunner.AssertCleanError(CliRunner.Run("segment", a, b, "-o", empty), 2, "output folder is empty");
        string csv = tmp["data.csv"];
        File.WriteAllText(csv, "1,2\n3,4\n5,6\n");
        CliRunner.AssertCleanError(CliRunner.Run("fit", csv, "-o", empty), 2, "output folder is empty");
        CliRunner.AssertCleanError(CliRunner.Run("toy", "-o", empty), 2, "output folder is empty");
        CliRunner.AssertCleanError(CliRunner.Run("demo", "-o", empty), 2, "output folder is empty");
        // The old behaviour wrote OUT/NAME with OUT = "" into the current folder.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Environment.CurrentDirectory, unique + "*"));
    }

    [Fact]
    public void Segment_FileThatBgmmDidNotWrite_IsNotReplaced()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["out"]);
        File.WriteAllText(tmp["out/labels.png"], "my own labels, not bgmm's");

        CliRun run = CliRunner.Run(["segment", CliRunner.ScenePng(tmp.Path), "-o", tmp["out"], .. Quick]);

        CliRunner.AssertCleanError(run, 2, "labels.png", "did not write", "move it, or choose another output folder with -o");
        Assert.Equal("my own labels, not bgmm's", File.ReadAllText(tmp["out/labels.png"]));
        Assert.Equal(["labels.png"], Directory.EnumerateFileSystemEntries(tmp["out"]).Select(Path.GetFileName));
    }

    [Fact]
    public void Segment_RerunIntoTheSameFolder_ReplacesItsOwnOutputs_ButNotOnesChangedSince()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path);
        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", tmp["out"], "-k", "2", .. Quick]).ExitCode);
        string first = File.ReadAllText(tmp["out/result.json"]);

        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", tmp["out"], "-k", "3", .. Quick]).ExitCode);
        Assert.NotEqual(first, File.ReadAllText(tmp["out/result.json"]));

        File.AppendAllText(tmp["out/mask.png"], "edited by hand");
        string edited = SpecialFiles.Hash(tmp["out/mask.png"]), result = SpecialFiles.Hash(tmp["out/result.json"]);
        CliRun refused = CliRunner.Run(["segment", image, "-o", tmp["out"], "-k", "2", .. Quick]);
        CliRunner.AssertCleanError(refused, 2, "mask.png", "changed since");
        Assert.Equal(edited, SpecialFiles.Hash(tmp["out/mask.png"]));
        Assert.Equal(result, SpecialFiles.Hash(tmp["out/result.json"]));
    }
}
