using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Bgmm.Tests.Cli;

namespace Bgmm.Tests.Support;

/// <summary>Named pipes, sockets, symbolic links and process runs with a deadline, for the reliability tests.</summary>
internal static class SpecialFiles
{
    /// <summary>Skips the test where POSIX special files do not exist.</summary>
    public static void RequirePosix()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("named pipes, sockets and devices are POSIX file-system objects.");
    }

    /// <summary>Creates a named pipe (FIFO) with the system's mkfifo.</summary>
    public static string Fifo(string path)
    {
        RequirePosix();
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run mkfifo");
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Creates a Unix-domain socket file at <paramref name="path"/>; it lasts as long as the returned socket (.NET deletes it on close).</summary>
    public static Socket Socket(string path)
    {
        RequirePosix();
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>The SHA-256 of a file, to show that a run left it unchanged.</summary>
    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>
    /// Runs bgmm in a child process and waits at most <paramref name="deadline"/> (a hang guard, far
    /// above the time the run needs): a run that blocks is killed and the test fails, instead of the
    /// test run hanging.
    /// </summary>
    public static async Task<CliRun> RunProcess(string workingDirectory, TimeSpan deadline, params string[] args)
    {
        using Process p = BgmmProcess.Start(args, workingDirectory);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            Assert.Fail($"bgmm {string.Join(' ', args)} did not finish within {deadline.TotalSeconds} s (it hangs); stderr: {await stderr}");
        }
        return new CliRun(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Waits (at most a minute) until a run's staging folder exists in <paramref name="output"/> —
    /// the run has prepared its outputs and is reading, decoding or fitting — or the process ends.
    /// </summary>
    public static async Task WaitForStaging(Process process, string output)
    {
        string control = Path.Combine(output, ".bgmm");
        var waited = Stopwatch.StartNew();
        while (!(Directory.Exists(control) && Directory.EnumerateDirectories(control, "run-*").Any()) && !process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(10);
    }

    /// <summary>A 500×400 generated scene: with --tol 0, each thousand EM iterations take about a second.</summary>
    public static string LargeScene(string path)
    {
        File.WriteAllBytes(path, Bgmm.Imaging.ImagePng.Encode(Bgmm.Cli.Synthetic.SyntheticScene.Generate(500, 400, 2).Image));
        return path;
    }

    /// <summary>The hang guard of process runs that should take a second or two.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
}
