using Bgmm.Cluster;
using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Tests.Support;
using Orleans.TestingHost;
using static Bgmm.Tests.Data.TableTestData;

namespace Bgmm.Tests.Cluster;

/// <summary>
/// A fit on a cluster of three in-process workers is the local fit of the same parts bit for bit
/// (the parts' statistics merged in part order, <see cref="PartStatistics"/>), even when a worker is
/// killed in the middle of the fit; it stops when cancelled; a part missing on the workers is named.
/// </summary>
[Collection(nameof(ClusterTestsCollection))]
public class ClusterFitTests(SharedTestCluster shared)
{
    // Ragged part sizes (whole chunks and not) so that the tree's merges carry rounding of their own.
    private static readonly int[] Sizes = [2 * Chunk + 77, Chunk, 999, 3 * Chunk + 5, 1500, Chunk + 1];

    private static FitOptions Options => new(3) { MaxIterations = 25, Tolerance = 0, Restarts = 2, Seed = 7, Initialization = Initialization.KMeansPlusPlus };

    private static FitResult LocalFit(string[] paths, FitOptions options)
    {
        NpyReader[] tables = [.. paths.Select(NpyReader.Open)];
        try
        {
            return TableFitter.Fit(tables, null, options, long.MaxValue);
        }
        finally
        {
            foreach (NpyReader t in tables) t.Dispose();
        }
    }

    [Fact]
    public async Task Fit_OnThreeWorkers_IsTheLocalFitOfTheSamePartsBitForBit()
    {
        using var parts = new PartFilesOnDisk(Sizes, seed: 11);
        FitResult local = LocalFit(parts.Paths, Options);
        TestCluster cluster = await shared.GetAsync();

        FitResult distributed = ClusterFitter.Fit(cluster.Client, parts.Paths, [], null, Options, TestClusters.Settings());

        FitAssert.BitIdentical(local, distributed);
        Assert.Equal(local.KernelName, distributed.KernelName);
        Assert.Equal(Sizes.Sum(), distributed.Points);
    }

    [Fact]
    public async Task Fit_WhenAWorkerIsKilledMidFit_RecomputesItsPartsElsewhereAndIsStillBitIdentical()
    {
        using var parts = new PartFilesOnDisk(Sizes, seed: 12);
        FitOptions options = Options with { Restarts = 1 };
        FitResult local = LocalFit(parts.Paths, options);
        await using TestCluster cluster = await TestClusters.StartAsync();
        var notices = new List<string>();
        ClusterFitSettings settings = TestClusters.Settings(notices);

        using var files = ClusterParts.Open(parts.Paths, [], long.MaxValue);
        using ClusterSource source = ClusterSource.Open(cluster.Client, files.Tables, parts.Paths, [], settings);
        // The worker to kill: a secondary silo holding at least one part (the primary holds the membership).
        SiloHandle victim = cluster.SecondarySilos.First(s => source.Workers.Contains(s.SiloAddress.ToString()));
        string victimAddress = victim.SiloAddress.ToString();
        Task? kill = null;
        var progress = new SynchronousProgress<FitProgress>(p =>
        {
            // Killed while the next E-step's calls are in flight.
            if (p.Iteration == 3 && kill is null) kill = Task.Run(async () => { await Task.Delay(20); await cluster.KillSiloAsync(victim); });
        });

        FitResult distributed = MapEmFitter.FitSource(source, files.Rows, null, options, progress);

        await kill!;
        FitAssert.BitIdentical(local, distributed);
        Assert.DoesNotContain(victimAddress, source.Workers);
        Assert.Contains(notices, n => n.Contains("is lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fit_WhenCancelled_StopsWithOperationCanceled()
    {
        using var parts = new PartFilesOnDisk(Sizes, seed: 13);
        TestCluster cluster = await shared.GetAsync();
        using var cancel = new CancellationTokenSource();
        int reports = 0;
        var progress = new SynchronousProgress<FitProgress>(_ =>
        {
            // Cancelled from another thread while the following E-step runs on the workers.
            if (++reports == 2) Task.Run(async () => { await Task.Delay(5); await cancel.CancelAsync(); });
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            ClusterFitter.Fit(cluster.Client, parts.Paths, [], null, Options with { MaxIterations = 100_000 }, TestClusters.Settings(), progress, cancel.Token));
        Assert.InRange(reports, 2, 1000);

        // The cluster is still usable afterwards: a new fit of the same parts runs to its end.
        FitResult again = ClusterFitter.Fit(cluster.Client, parts.Paths, [], null, Options with { MaxIterations = 2, Restarts = 1 }, TestClusters.Settings());
        Assert.Equal(2, again.Iterations);
    }

    [Fact]
    public async Task Open_APartThatChangedOnTheWorkers_IsReportedWithItsFileName()
    {
        using var parts = new PartFilesOnDisk([Chunk, 500], seed: 14);
        TestCluster cluster = await shared.GetAsync();
        using var files = ClusterParts.Open(parts.Paths, [], long.MaxValue);
        // The client opened the part; the workers find it truncated to a few bytes (a corrupt copy).
        File.WriteAllBytes(parts.Paths[1], [0x93, (byte)'N', (byte)'U']);

        var error = Assert.Throws<DataFileException>(() => ClusterSource.Open(cluster.Client, files.Tables, parts.Paths, [], TestClusters.Settings()));

        Assert.Contains(Path.GetFileName(parts.Paths[1]), error.Message, StringComparison.Ordinal);
        Assert.Contains("worker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ToAPortWhereNoWorkerListens_SaysWhatToDo()
    {
        var nobody = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, TestClusters.FreePort());
        var error = await Assert.ThrowsAsync<ClusterUnavailableException>(() => ClusterConnection.ConnectAsync([nobody], $"127.0.0.1:{nobody.Port}"));
        Assert.Contains($"127.0.0.1:{nobody.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("bgmm worker", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The cluster tests start silos on this machine's ports and cores: one at a time, sharing one cluster where none is harmed.</summary>
[CollectionDefinition(nameof(ClusterTestsCollection), DisableParallelization = true)]
public class ClusterTestsCollection : ICollectionFixture<SharedTestCluster>;

/// <summary>Three workers started on first use and shared by the tests that leave them running.</summary>
public sealed class SharedTestCluster : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1);
    private TestCluster? _cluster;

    internal async Task<TestCluster> GetAsync()
    {
        await _lock.WaitAsync();
        try
        {
            return _cluster ??= await TestClusters.StartAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        _lock.Dispose();
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (as the fit's own progress does).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
