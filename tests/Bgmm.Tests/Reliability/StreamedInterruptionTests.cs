using System.Diagnostics;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Reliability;

/// <summary>A streamed segmentation stopped by SIGINT or SIGTERM leaves no output behind, as an in-memory one.</summary>
public class StreamedInterruptionTests
{
    [Theory]
    [InlineData("INT", "--compress", "off")]
    [InlineData("TERM", "--compress", "off")]
    [InlineData("INT", "--compress", "on")]
    public async Task Signal_DuringAStreamedRun_Exits130WithoutOutputs(string signal, string option, string value)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("POSIX signals only.");
        using var tmp = new TempFolder();
        // With --tol 0 and 10⁵ iterations the fit runs for minutes: every pixel re-read from the file at each
        // E-step (--compress off), or the colour table with the outputs' five PNGs already open (on).
        string input = SpecialFiles.LargeScene(tmp["large.png"]);
        using Process p = BgmmProcess.Start(["segment", input, "-o", tmp["out"], "--stream", "on", option, value, "--tol", "0", "--max-iter", "100000"], tmp.Path);
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        await SpecialFiles.WaitForStaging(p, tmp["out"]);
        // The staged images are open from the start of the run; let the fit get going.
        var waited = Stopwatch.StartNew();
        while (!Directory.EnumerateFiles(tmp["out"], "labels.png", SearchOption.AllDirectories).Any() && !p.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(10);
        await Task.Delay(300);
        Assert.False(p.HasExited, "bgmm ended before the signal");
        var stopping = Stopwatch.StartNew();
        BgmmProcess.Signal(p, signal);
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
        // A generous bound against a hang on a loaded machine: the run stops between bands of rows or iterations.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(130, p.ExitCode);
        string err = await stderr;
        Assert.Contains("interrupted", err);
        Assert.DoesNotContain("Exception", err);
        Assert.False(Directory.Exists(tmp["out"]), "the interrupted run left its output folder behind");
        _ = await stdout;
    }
}
