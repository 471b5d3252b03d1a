using Bgmm.Cli.Commands;
using Bgmm.Data;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;
using static Bgmm.Tests.Data.TableTestData;

namespace Bgmm.Tests.Cluster;

/// <summary>
/// The command line of the cluster: <c>fit PARTS --cluster</c> when no worker answers, bad addresses and
/// ports for <c>fit --cluster</c> and <c>worker</c>, and the empirical prior of parts (from the source's
/// one-component pass). The fits on running workers are .ci/cluster-e2e's.
/// </summary>
public class ClusterCommandTests
{
    [Fact]
    public void FitCluster_WithNoWorkerListening_ExitsTwoSayingWhatToDoAndWritesNothing()
    {
        using var parts = new PartFilesOnDisk([600, 700], seed: 21);
        using var folder = new TempFolder();
        int port = TestClusters.FreePort();

        CliRun run = CliRunner.Run(["fit", .. parts.Paths, "-k", "2", "--cluster", $"127.0.0.1:{port}", "--out", folder["out"]]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"cannot reach the cluster at 127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("bgmm worker", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder["out"]) && Directory.EnumerateFileSystemEntries(folder["out"]).Any());
    }

    [Theory]
    [InlineData("localhost", "give HOST:PORT")]
    [InlineData("localhost:0", "between 1 and 65535")]
    [InlineData(",", "--cluster is empty")]
    public void FitCluster_WithABadAddress_IsAnInputError(string cluster, string fragment)
    {
        using var parts = new PartFilesOnDisk([600], seed: 22);
        CliRun run = CliRunner.Run(["fit", .. parts.Paths, "--cluster", cluster]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(fragment, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--port", "0" }, "between 1 and 65535")]
    [InlineData(new[] { "--port", "31234", "--gateway-port", "31234" }, "two different ports")]
    [InlineData(new[] { "--primary", "nowhere" }, "give HOST:PORT")]
    [InlineData(new[] { "--address", "not-an-ip" }, "give an IP address")]
    [InlineData(new[] { "--threads", "-1" }, "--threads = -1")]
    public void Worker_WithBadOptions_IsAnInputErrorBeforeStarting(string[] options, string fragment)
    {
        CliRun run = CliRunner.Run(["worker", .. options]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(fragment, run.Stderr, StringComparison.Ordinal);
    }
}
