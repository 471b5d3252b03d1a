using Bgmm.Cluster;
using Bgmm.Cluster.Shards;
using Bgmm.Tests.Imaging.Streaming;
using Orleans.TestingHost;
using static Bgmm.Tests.Data.TableTestData;

namespace Bgmm.Tests.Cluster;

/// <summary>An in-process cluster of three bgmm workers (Orleans' TestingHost), configured as <c>bgmm worker</c> configures its silo.</summary>
internal static class TestClusters
{
    public static async Task<TestCluster> StartAsync(int silos = 3)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<WorkerConfigurator>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Client settings for tests: lost workers noticed within a second or so, and a short give-up time.</summary>
    public static ClusterFitSettings Settings(List<string>? notices = null, double recoverySeconds = 60) => new()
    {
        ClusterName = "test cluster",
        LivenessPollInterval = TimeSpan.FromMilliseconds(250),
        RecoveryTimeout = TimeSpan.FromSeconds(recoverySeconds),
        Notice = notices is null ? null : n => { lock (notices) notices.Add(n); },
    };

    /// <summary>A loopback port nothing listens on (free when asked).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class WorkerConfigurator : ISiloConfigurator
    {
        // One E-step thread per shard: three silos share this machine's cores.
        public void Configure(ISiloBuilder siloBuilder) => WorkerHost.ConfigureSilo(siloBuilder, new WorkerSettings(long.MaxValue, threads: 1));
    }
}

/// <summary>Part files of clustered D = 3 rows (.npy), deleted on dispose.</summary>
internal sealed class PartFilesOnDisk : IDisposable
{
    private readonly TempFile[] _files;

    public PartFilesOnDisk(int[] sizes, ulong seed)
    {
        _files = [.. sizes.Select((n, p) => new TempFile(Npy(Columns(n, seed + (ulong)p)), ".npy"))];
    }

    public string[] Paths => [.. _files.Select(f => f.Path)];

    public void Dispose()
    {
        foreach (TempFile file in _files) file.Dispose();
    }
}
