using Bgmm.Cli.Synthetic;
using System.Diagnostics;
using Bgmm.Imaging;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Reliability;

/// <summary>Ctrl-C (SIGINT) and SIGTERM stop a batch promptly and cleanly, with exit code 130.</summary>
public class InterruptionTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Signal_DuringABatch_StopsCleanlyAndReportsWhatFinished(string signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("POSIX signals only.");
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["in"]);
        // a.png has two colours (two rows to fit) and runs its 10⁵ iterations in a moment; b.png is
        // large enough that they take minutes.
        byte[] half = [.. Enumerable.Range(0, 64).Select(i => i < 32 ? (byte)0 : (byte)255)];
        File.WriteAllBytes(tmp["in/a.png"], ImagePng.Encode(RgbImage.FromRgb8(8, 8, half, (byte[])half.Clone(), (byte[])half.Clone())));
        File.WriteAllBytes(tmp["in/b.png"], ImagePng.Encode(SyntheticScene.Generate(500, 400, 2).Image));

        using Process p = BgmmProcess.Start(["segment", tmp["in"], "-o", tmp["out"], "--tol", "0", "--max-iter", "100000", "--restarts", "1"], tmp.Path);
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        // Wait until a.png's outputs are in place and b.png is being fitted.
        var waited = Stopwatch.StartNew();
        while (!File.Exists(tmp["out/a/result.json"]) && waited.Elapsed < TimeSpan.FromSeconds(60) && !p.HasExited) await Task.Delay(50);
        Assert.True(File.Exists(tmp["out/a/result.json"]), "a.png did not finish");
        await Task.Delay(500);
        Assert.False(p.HasExited);

        var stopping = Stopwatch.StartNew();
        BgmmProcess.Signal(p, signal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        bool exited = true;
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            exited = false;
            p.Kill(entireProcessTree: true);
        }
        stopping.Stop();

        Assert.True(exited, "bgmm did not stop within 10 s of SIG" + signal);
        // Generous bound against a hang on a loaded CI machine; a run here stops in well under a second.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(130, p.ExitCode);
        string err = await stderr;
        Assert.Contains("interrupted", err);
        Assert.Contains("1 of 2 inputs finished (a.png)", err);
        Assert.DoesNotContain("Exception", err);
        Assert.False(Directory.Exists(tmp["out/b"]) && Directory.EnumerateFileSystemEntries(tmp["out/b"]).Any(), "b.png left files behind");
        Assert.Empty(Directory.GetFiles(tmp["out"], "*.tmp", SearchOption.AllDirectories));
        _ = await stdout;
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("INT,TERM")]
    public async Task Signal_WhileReadingAndDecodingALargeImage_Exits130WithoutOutputs(string signals)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("POSIX signals only.");
        using var tmp = new TempFolder();
        // 4000×3000 pixels of a poorly compressible texture: the decode takes a few hundred
        // milliseconds, and it starts right after the run's staging folder appears.
        var r = new byte[4000 * 3000];
        new Random(5).NextBytes(r);
        byte[] g = [.. r.Select((v, i) => (byte)(i % 4000))], b = [.. r.Select((v, i) => (byte)(v ^ (i / 4000)))];
        File.WriteAllBytes(tmp["large.png"], ImagePng.Encode(RgbImage.FromRgb8(4000, 3000, r, g, b)));

        using Process p = BgmmProcess.Start(["segment", tmp["large.png"], "-o", tmp["out"]], tmp.Path);
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        await SpecialFiles.WaitForStaging(p, tmp["out"]);
        Assert.False(p.HasExited, "bgmm ended before the signal");
        var stopping = Stopwatch.StartNew();
        foreach (string signal in signals.Split(',')) BgmmProcess.Signal(p, signal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("bgmm did not stop within 10 s of the signal");
        }
        // A generous bound against a hang on a loaded machine (the run stops within a read of 4 KB,
        // or at most Interruption.GracePeriod = 2 s after the signal).
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(130, p.ExitCode);
        string err = await stderr;
        Assert.Contains("interrupted", err);
        Assert.DoesNotContain("Exception", err);
        Assert.False(Directory.Exists(tmp["out"]), "the interrupted run left its output folder behind");
        _ = await stdout;
    }

    [Fact]
    public void MaxPixels_OverTheLimit_IsRefusedBeforeDecoding()
    {
        using var tmp = new TempFolder();
        string input = CliRunner.ScenePng(tmp.Path, width: 64, height: 48);
        // In memory (--stream off), --max-pixels bounds the whole image; streamed, only what must be held.
        CliRun run = CliRunner.Run("segment", input, "-o", tmp["out"], "--max-pixels", "1000", "--stream", "off");
        CliRunner.AssertCleanError(run, 2, "3,072 pixels", "--max-pixels");
    }
}
