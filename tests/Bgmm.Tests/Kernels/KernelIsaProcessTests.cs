using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bgmm.Tests.Kernels;

/// <summary>
/// The narrower rungs of the kernel ladder, run in a child process with the runtime's instruction
/// sets switched off (what .NET 10 honours, verified by experiment: <c>DOTNET_EnableAVX512=0</c>
/// turns off AVX-512 — <c>DOTNET_EnableAVX512F</c> is ignored —, <c>DOTNET_PreferredVectorBitWidth=256</c>
/// keeps AVX-512 instructions but makes Vector512 unaccelerated, <c>DOTNET_EnableAVX2=0</c> turns off
/// AVX2 and FMA (Vector128 only), <c>DOTNET_EnableHWIntrinsic=0</c> turns off all SIMD;
/// <c>DOTNET_EnableFMA</c> is ignored). The child is <c>bgmm bench --self-check</c>: it prints the
/// runtime's IsHardwareAccelerated flags, the kernels it selected and their largest error against the
/// scalar float64 reference, and exits non-zero if a kernel broke its contract.
/// </summary>
public class KernelIsaProcessTests
{
    public static TheoryData<string, string, string> Rungs => new()
    {
        // environment, expected Vector512/256/128 flags, expected kernel prefix
        { "DOTNET_EnableAVX512=0", "False/True/True", "v256" },
        { "DOTNET_PreferredVectorBitWidth=256", "False/True/True", "v256" },
        { "DOTNET_EnableAVX2=0", "False/False/True", "v128" },
        { "DOTNET_EnableHWIntrinsic=0", "False/False/False", "scalar" },
    };

    [Theory]
    [MemberData(nameof(Rungs))]
    public void SelfCheck_WithInstructionSetsOff_RunsTheIntendedPathAndMatchesReference(string environment, string flags, string prefix)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) Assert.Skip("the switches tested are x64's.");
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported && prefix == "v256") Assert.Skip("this machine has no AVX2.");
        string[] parts = environment.Split('=');
        (int code, string output) = RunSelfCheck(parts[0], parts[1]);
        string[] expected = flags.Split('/');
        Assert.Contains($"Vector512.IsHardwareAccelerated={expected[0]}", output);
        Assert.Contains($"Vector256.IsHardwareAccelerated={expected[1]}", output);
        Assert.Contains($"Vector128.IsHardwareAccelerated={expected[2]}", output);
        string d3 = prefix == "scalar" ? "scalar" : prefix + "-f64-d3";
        string single = prefix == "scalar" ? "scalar" : prefix + "-f32-d3";
        string generic = prefix == "scalar" ? "scalar" : prefix + "-f64-generic";
        Assert.Contains($"kernel float64 d3: {d3}{Environment.NewLine}", output);
        Assert.Contains($"kernel float32 d3: {single}{Environment.NewLine}", output);
        Assert.Contains($"kernel float64 generic: {generic}{Environment.NewLine}", output);
        Assert.Contains("self-check: passed", output);
        Assert.Equal(0, code);
    }

    private static (int Code, string Output) RunSelfCheck(string variable, string value)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "bgmm.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing (the test project references Bgmm.Cli, which copies it here).");
        var start = new ProcessStartInfo(DotnetHost(), [cli, "bench", "--self-check"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[variable] = value;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the self-check did not finish in 2 minutes");
        string output = stdout.Result + stderr.Result;
        TestContext.Current.TestOutputHelper?.WriteLine($"{variable}={value}:{Environment.NewLine}{output}");
        return (process.ExitCode, output);
    }

    /// <summary>
    /// The dotnet host: DOTNET_HOST_PATH when set, this process when it is the host, the host beside the
    /// running runtime, or dotnet on PATH. (Checked: under <c>dotnet test</c> with Microsoft Testing
    /// Platform, Environment.ProcessPath is the test apphost bin/…/Bgmm.Tests and DOTNET_HOST_PATH is
    /// unset, so the runtime's directory is what finds the host.)
    /// </summary>
    private static string DotnetHost()
    {
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (host is not null && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == exe) return self;
        // .../shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll → .../dotnet
        string? runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        string? root = runtime is null ? null : Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        if (root is not null && File.Exists(Path.Combine(root, exe))) return Path.Combine(root, exe);
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, exe))) return Path.Combine(dir, exe);
        }
        return exe;
    }
}
