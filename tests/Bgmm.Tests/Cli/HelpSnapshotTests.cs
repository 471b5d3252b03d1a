using Bgmm.Tests.Support;

namespace Bgmm.Tests.Cli;

/// <summary>
/// The --help text of every command, compared with snapshots in Cli/Snapshots. After an intended
/// change, regenerate them with BGMM_UPDATE_SNAPSHOTS=1 dotnet test and review the diff.
/// </summary>
public class HelpSnapshotTests
{
    public static TheoryData<string> Commands => new() { "", "segment", "fit", "apply", "toy", "demo", "bench", "worker" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_MatchesSnapshot(string command)
    {
        string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];
        CliRun run = CliRunner.Run(args);
        Assert.Equal(0, run.ExitCode);
        string text = run.Stdout.Replace("\r\n", "\n");
        string name = (command.Length == 0 ? "root" : command) + ".help.txt";
        string path = Path.Combine(SharedFiles.RepositoryRoot, "tests", "Bgmm.Tests", "Cli", "Snapshots", name);
        if (Environment.GetEnvironmentVariable("BGMM_UPDATE_SNAPSHOTS") == "1" || !File.Exists(path))
        {
            File.WriteAllText(path, text);
            if (Environment.GetEnvironmentVariable("BGMM_UPDATE_SNAPSHOTS") != "1")
                Assert.Fail($"{name} had no snapshot; one was written. Review it and commit it.");
        }
        Assert.Equal(File.ReadAllText(path), text);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_ListsDefaults(string command)
    {
        if (command is "" or "demo" or "toy") return;
        string help = CliRunner.Run(command, "--help").Stdout;
        Assert.Contains("[default:", help);
    }
}
