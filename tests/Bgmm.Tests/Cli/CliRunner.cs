using Bgmm.Cli.Synthetic;
using System.Text.Json;
using Bgmm.Cli;
using Bgmm.Imaging;

namespace Bgmm.Tests.Cli;

/// <summary>Runs <c>bgmm</c> in-process, as a user would, with captured standard output and error.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json()
    {
        using JsonDocument doc = JsonDocument.Parse(Stdout);
        return doc.RootElement.Clone();
    }
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bgmm-test-" + Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class CliRunner
{
    public static CliRun Run(params string[] args) => Run(CancellationToken.None, args);

    public static CliRun Run(CancellationToken token, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = BgmmApp.Run(args, stdout, stderr, interactive: false, token);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A small generated scene (object on background) written as a PNG.</summary>
    public static string ScenePng(string folder, string name = "scene.png", int width = 64, int height = 48, ulong seed = 1)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, ImagePng.Encode(SyntheticScene.Generate(width, height, seed).Image));
        return path;
    }

    /// <summary>Asserts a user-facing error: the given exit code, a one- or two-line message, no stack trace.</summary>
    public static void AssertCleanError(CliRun run, int exitCode, params string[] fragments)
    {
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains("bgmm: error:", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        foreach (string f in fragments) Assert.Contains(f, run.Stderr);
    }
}
