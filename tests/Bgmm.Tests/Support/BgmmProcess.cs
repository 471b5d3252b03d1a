using System.Diagnostics;

namespace Bgmm.Tests.Support;

/// <summary>Runs the real <c>bgmm</c> program (bgmm.dll next to the test assembly) in a child process.</summary>
internal static class BgmmProcess
{
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "bgmm.dll");

    public static Process Start(IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(CliDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach ((string key, string value) in environment) info.Environment[key] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start bgmm");
    }

    /// <summary>Sends a POSIX signal (INT, TERM) with the system's kill command.</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id}") { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
    }
}
