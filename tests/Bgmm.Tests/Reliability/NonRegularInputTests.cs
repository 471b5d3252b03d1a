using System.Globalization;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Named pipes, devices and sockets given where a file is expected — an image, an image inside a
/// folder, a CSV, a --prior or --init file, apply's model — are refused with exit code 2 and a
/// message saying what they are, without being opened. The runs that could hang run in a child
/// process with a deadline, so that a regression fails the test instead of hanging the test run.
/// </summary>
public class NonRegularInputTests
{
    private static string Csv(string folder)
    {
        string path = Path.Combine(folder, "data.csv");
        File.WriteAllLines(path, ["x,y", .. Enumerable.Range(0, 40).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 2 * 5 + i * 0.01},{i % 2 * 5 - i * 0.02}"))]);
        return path;
    }

    [Fact]
    public async Task Segment_NamedPipeAsImage_ExitsWith2AtOnce()
    {
        using var tmp = new TempFolder();
        SpecialFiles.Fifo(tmp["pipe.png"]);
        CliRun run = await SpecialFiles.RunProcess(tmp.Path, SpecialFiles.Deadline, "segment", tmp["pipe.png"], "-o", tmp["out"]);
        CliRunner.AssertCleanError(run, 2, "pipe.png", "named pipe (FIFO), not a regular file", "save the image to a file");
        Assert.False(Directory.Exists(tmp["out"]), "the refused input left an output folder");
    }

    [Fact]
    public async Task Segment_FolderHoldingANamedPipe_SegmentsTheImagesAndRefusesThePipe()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["in"]);
        CliRunner.ScenePng(tmp["in"], "a.png");
        SpecialFiles.Fifo(tmp["in/b.png"]);
        CliRun run = await SpecialFiles.RunProcess(tmp.Path, SpecialFiles.Deadline, "segment", tmp["in"], "-o", tmp["out"], "-q");
        CliRunner.AssertCleanError(run, 2, "b.png", "named pipe");
        Assert.True(File.Exists(tmp["out/a/result.json"]), "the regular image next to the pipe was not segmented");
        Assert.False(Directory.Exists(tmp["out/b"]));
    }

    public static TheoryData<string, string[]> TextInputs => new()
    {
        { "csv", ["fit", "{special}", "-o", "{out}"] },
        { "prior", ["fit", "{csv}", "--prior", "{special}", "-o", "{out}"] },
        { "init", ["fit", "{csv}", "--init", "{special}", "-o", "{out}"] },
        { "model", ["apply", "{special}", "{image}", "-o", "{out}"] },
        { "segment prior", ["segment", "{image}", "--prior", "{special}", "-o", "{out}"] },
    };

    [Theory]
    [MemberData(nameof(TextInputs))]
    public async Task TextInputs_NamedPipe_ExitWith2AtOnce(string what, string[] template)
    {
        using var tmp = new TempFolder();
        string fifo = SpecialFiles.Fifo(tmp["pipe.json"]);
        CliRun run = await SpecialFiles.RunProcess(tmp.Path, SpecialFiles.Deadline, Fill(template, tmp, fifo));
        CliRunner.AssertCleanError(run, 2, "named pipe (FIFO)");
        Assert.False(Directory.Exists(tmp["out"]) && Directory.EnumerateFileSystemEntries(tmp["out"]).Any(), $"{what}: outputs were written");
    }

    [Theory]
    [MemberData(nameof(TextInputs))]
    public async Task TextInputs_DevZero_ExitWith2WithoutReadingIt(string what, string[] template)
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        CliRun run = await SpecialFiles.RunProcess(tmp.Path, SpecialFiles.Deadline, Fill(template, tmp, "/dev/zero"));
        CliRunner.AssertCleanError(run, 2, "/dev/zero", "character device");
        Assert.False(Directory.Exists(tmp["out"]) && Directory.EnumerateFileSystemEntries(tmp["out"]).Any(), $"{what}: outputs were written");
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public async Task Segment_Device_ExitsWith2WithoutReadingIt(string device)
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        CliRun run = await SpecialFiles.RunProcess(tmp.Path, SpecialFiles.Deadline, "segment", device, "-o", tmp["out"]);
        CliRunner.AssertCleanError(run, 2, device, "character device");
    }

    [Fact]
    public void Segment_SocketAndFolderAsImage_AreInputErrors()
    {
        using var tmp = new TempFolder();
        using System.Net.Sockets.Socket socket = SpecialFiles.Socket(tmp["socket.png"]);
        CliRunner.AssertCleanError(CliRunner.Run("segment", tmp["socket.png"], "-o", tmp["out"]), 2, "a socket, not a regular file");
        CliRunner.AssertCleanError(CliRunner.Run("fit", tmp["socket.png"], "-o", tmp["out"]), 2, "a socket, not a regular file");
        CliRunner.AssertCleanError(CliRunner.Run("fit", Csv(tmp.Path), "--init", tmp.Path, "-o", tmp["out"]), 2, "this is a folder");
    }

    [Fact]
    public void Segment_SymbolicLinkToAnImage_IsSegmented()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path);
        File.CreateSymbolicLink(tmp["link.png"], image);
        Assert.Equal(0, CliRunner.Run("segment", tmp["link.png"], "-o", tmp["out"], "-q").ExitCode);
        Assert.True(File.Exists(tmp["out/result.json"]));
    }

    private static string[] Fill(string[] template, TempFolder tmp, string special)
    {
        string csv = Csv(tmp.Path), image = CliRunner.ScenePng(tmp.Path);
        return [.. template.Select(t => t.Replace("{special}", special).Replace("{csv}", csv).Replace("{image}", image).Replace("{out}", tmp["out"]))];
    }
}
