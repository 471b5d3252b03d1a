using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bgmm.Cli;
using Bgmm.Cli.Output;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Runs that die, fail or run at the same time as others into one output folder: staging left by a
/// dead run is cleaned by the next, a live run's never is; a commit cut short never looks complete;
/// a failing run never removes a folder another run is writing into.
/// </summary>
public class StagingTests
{
    private static readonly string[] Quick = ["-q", "--max-iter", "20"];

    private static string Hex(char c) => new(c, 32);

    private static string[] RunFolders(string output) =>
        [.. Directory.EnumerateDirectories(Path.Combine(output, ".bgmm"), "run-*").Select(Path.GetFileName).Order()!];

    [Fact]
    public void NextRun_DeletesWhatDeadRunsLeft_AndNothingOfALiveRun()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path), output = tmp["out"];
        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", output, .. Quick]).ExitCode);
        string control = Path.Combine(output, ".bgmm");

        // A run killed while staging: its lock file is there but nobody holds it.
        string dead = Path.Combine(control, "run-" + Hex('a'));
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, "lock"), "");
        File.WriteAllText(Path.Combine(dead, "result.json"), "half written");
        // A run killed between creating its staging folder and its lock.
        string deadEarly = Path.Combine(control, "run-" + Hex('b'));
        Directory.CreateDirectory(deadEarly);
        // A live run: it holds its lock.
        string live = Path.Combine(control, "run-" + Hex('c'));
        Directory.CreateDirectory(live);
        using var held = new FileStream(Path.Combine(live, "lock"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        File.WriteAllText(Path.Combine(live, "segments.png"), "being written");
        // Staging files of earlier bgmm versions: of a process that is gone, and of one alive (this one).
        string legacyDead = Path.Combine(output, $".result.json.999999999.{Hex('d')}.tmp");
        string legacyProbe = Path.Combine(output, $".bgmm-probe-999999999-{Hex('e')}");
        string legacyAlive = Path.Combine(output, $".labels.png.{Environment.ProcessId}.{Hex('f')}.tmp");
        string usersOwn = Path.Combine(output, ".notes.tmp");
        foreach (string f in new[] { legacyDead, legacyProbe, legacyAlive, usersOwn }) File.WriteAllText(f, "x");

        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", output, .. Quick]).ExitCode);

        Assert.Equal(["run-" + Hex('c')], RunFolders(output));
        Assert.Equal("being written", File.ReadAllText(Path.Combine(live, "segments.png")));
        Assert.False(File.Exists(legacyDead));
        Assert.False(File.Exists(legacyProbe));
        Assert.True(File.Exists(legacyAlive), "a staging file of a live process was deleted");
        Assert.True(File.Exists(usersOwn), "a file that only looks like staging was deleted");
    }

    [Fact]
    public async Task KilledRun_LeavesStaging_ThatTheNextRunDeletes()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string big = SpecialFiles.LargeScene(tmp["big.png"]), output = tmp["out"];
        using (Process p = BgmmProcess.Start(["segment", big, "-o", output, "--tol", "0", "--max-iter", "1000000", "-q"], tmp.Path))
        {
            await SpecialFiles.WaitForStaging(p, output);
            Assert.False(p.HasExited, "bgmm ended before it could be killed");
            p.Kill(); // SIGKILL: nothing of the process runs after this
            await p.WaitForExitAsync();
        }
        Assert.Single(RunFolders(output));
        Assert.False(File.Exists(Path.Combine(output, "result.json")));

        Assert.Equal(0, CliRunner.Run(["segment", CliRunner.ScenePng(tmp.Path), "-o", output, .. Quick]).ExitCode);

        Assert.Empty(RunFolders(output));
        Assert.True(File.Exists(Path.Combine(output, "result.json")));
    }

    [Fact]
    public void CommitCutShortAfterSomeRenames_LeavesNoResultJson_AndTheNextRunCompletesTheFolder()
    {
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path), output = tmp["out"];
        Assert.Equal(0, CliRunner.Run(["segment", image, "-o", output, .. Quick]).ExitCode);
        string oldMask = SpecialFiles.Hash(Path.Combine(output, "mask.png"));

        // A second run whose commit dies after two renames (a crash there).
        var set = new OutputSet(output, []);
        foreach (string name in new[] { "result.json", "segments.png", "labels.png", "mask.png" }) set.Add(name, Encoding.UTF8.GetBytes("second run: " + name));
        int renamed = 0;
        set.AfterRename = _ =>
        {
            if (++renamed == 2) throw new IOException("simulated crash");
        };
        Assert.Throws<UserError>(() => set.Commit());
        set.Dispose();

        // The folder holds a mix of both runs, but no result.json: it does not look complete.
        Assert.False(File.Exists(Path.Combine(output, "result.json")));
        Assert.Equal("second run: segments.png", File.ReadAllText(Path.Combine(output, "segments.png")));
        Assert.Equal("second run: labels.png", File.ReadAllText(Path.Combine(output, "labels.png")));
        Assert.Equal(oldMask, SpecialFiles.Hash(Path.Combine(output, "mask.png")));
        using (JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, ".bgmm", "manifest.json"))))
            Assert.Equal(JsonValueKind.Null, manifest.RootElement.GetProperty("complete").ValueKind);

        // Both runs' files are still bgmm's: the next run replaces them all.
        CliRun next = CliRunner.Run(["segment", image, "-o", output, .. Quick]);
        Assert.Equal(0, next.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "result.json")));
        Assert.NotEqual("second run: segments.png", File.ReadAllText(Path.Combine(output, "segments.png")));
        using (JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, ".bgmm", "manifest.json"))))
        {
            Assert.Equal(["cutout.png", "labels.png", "log_joint.png", "mask.png", "result.json", "segments.png", "uncertainty.png"],
                manifest.RootElement.GetProperty("complete").EnumerateArray().Select(e => e.GetString()).Order());
        }
    }

    [Fact]
    public void FailingRunThatCreatedTheFolder_KeepsItWhileAnotherRunWritesIntoIt()
    {
        using var tmp = new TempFolder();
        string output = tmp["out"];
        var failing = new OutputSet(output, []);
        using var writing = new OutputSet(output, []);
        writing.Add("result.json", "{}"u8.ToArray());

        failing.Dispose();

        Assert.True(Directory.Exists(output));
        writing.Commit();
        Assert.Equal("{}", File.ReadAllText(Path.Combine(output, "result.json")));
    }

    [Fact]
    public void FailedRunIntoAFolderItCreated_LeavesNothing()
    {
        using var tmp = new TempFolder();
        string output = tmp["new/out"];
        using (var set = new OutputSet(output, []))
        {
            set.Add("result.json", "{}"u8.ToArray());
        }
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task FailingRun_WhileAnotherProcessWritesTheSameFolder_LeavesThatRunToFinish()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string big = SpecialFiles.LargeScene(tmp["big.png"]), output = tmp["out"];
        File.WriteAllText(tmp["broken.png"], "not an image");
        using Process writer = BgmmProcess.Start(["segment", big, "-o", output, "--tol", "0", "--max-iter", "5000", "-q"], tmp.Path);
        Task<string> writerErrors = writer.StandardError.ReadToEndAsync();
        await SpecialFiles.WaitForStaging(writer, output);
        Assert.False(writer.HasExited, "the writing run ended before the failing one could start");

        CliRunner.AssertCleanError(CliRunner.Run("segment", tmp["broken.png"], "-o", output), 2, "broken.png");

        Assert.True(Directory.Exists(output));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await writer.WaitForExitAsync(timeout.Token);
        Assert.True(writer.ExitCode == 0, await writerErrors);
        Assert.True(File.Exists(Path.Combine(output, "result.json")));
    }

    [Fact]
    public void ConcurrentCommitsIntoOneFolder_NeverInterleave()
    {
        using var tmp = new TempFolder();
        string output = tmp["out"];
        string[] names = ["result.json", "a.txt", "b.txt", "c.txt"];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, writer =>
        {
            for (int round = 0; round < 5; round++)
            {
                using var set = new OutputSet(output, []);
                foreach (string name in names) set.Add(name, Encoding.UTF8.GetBytes($"{writer}/{round}"));
                set.Commit();
            }
        });
        // Whichever run committed last, every file is from that run.
        Assert.Single(names.Select(n => File.ReadAllText(Path.Combine(output, n))).Distinct());
        Assert.Empty(RunFolders(output));
    }
}
