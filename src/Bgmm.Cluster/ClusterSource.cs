using Bgmm.Cluster.Shards;
using Bgmm.Data;

namespace Bgmm.Cluster;

/// <summary>
/// The E-step of a data set given in parts (files on storage every node sees), computed on an Orleans
/// cluster: one shard grain per part, placed by Orleans. Each E-step sends the mixture to every shard
/// as plain arrays, and merges the returned statistics — K·(1 + D + D²) + 1 numbers per shard — in part
/// order by <see cref="PartStatistics.Merge"/>, the tree a local <see cref="TableSource"/> of the same
/// parts uses: the result is the local fit's, bit for bit, whatever the number of workers (when the
/// workers' E-step kernels are the client's; the client says when they are not).
/// </summary>
/// <remarks>
/// <para><b>Faults.</b> While shards compute, the client asks the cluster every
/// <see cref="ClusterFitSettings.LivenessPollInterval"/> which workers are alive. A shard whose worker
/// left the cluster (or whose call failed in transit) is asked again: Orleans activates it on a worker
/// that is left, which reloads the part and computes the iteration's statistics again — the same numbers,
/// so the fit goes on unchanged. A shard that cannot be computed for
/// <see cref="ClusterFitSettings.RecoveryTimeout"/> ends the fit with <see cref="ClusterUnavailableException"/>.</para>
/// <para>Data errors come back with the file's name: a missing, unreadable or corrupt part
/// (<see cref="DataFileException"/>), a point whose density underflows (<see cref="ModelInputException"/>,
/// as a local fit words it).</para>
/// </remarks>
public sealed class ClusterSource : StatisticsSource
{
    private readonly ClusterFitSettings _settings;
    private readonly ShardSpec[] _specs;
    private readonly string[] _names;
    private readonly IShardGrain[] _shards;
    private readonly string?[] _workers;
    private readonly ShardCalls _calls;
    private string _kernelName = "";
    private string? _kernelNotice;

    private ClusterSource(IGrainFactory grains, ShardSpec[] specs, string[] names, int dimension, long rows, ClusterFitSettings settings)
        : base(dimension, rows, rows)
    {
        _settings = settings;
        _specs = specs;
        _names = names;
        string fit = Guid.NewGuid().ToString("N");
        _shards = [.. specs.Select(s => grains.GetGrain<IShardGrain>($"{fit}/{s.Index}"))];
        _workers = new string?[specs.Length];
        _calls = new ShardCalls(grains, settings, names, _workers);
    }

    /// <summary>The parts, in order, as the client opened them.</summary>
    public IReadOnlyList<string> PartNames => _names;

    /// <summary>The worker that last computed each part (silo addresses).</summary>
    public IReadOnlyList<string?> Workers => _workers;

    /// <summary>The workers' E-step kernel ("mixed: …" when they differ).</summary>
    public override string KernelName => _kernelName;

    /// <summary>
    /// Opens a shard for each part on the cluster and waits until every worker has loaded its part.
    /// </summary>
    /// <param name="grains">The cluster's client (an <c>IClusterClient</c>).</param>
    /// <param name="parts">The parts as the client opened them (the same paths every worker reads), in order.</param>
    /// <param name="paths">Each part's path as every worker sees it.</param>
    /// <param name="columns">Parquet columns (empty: every numeric column).</param>
    /// <param name="settings">Timeouts and notices; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the loading.</param>
    /// <exception cref="DataFileException">A part is missing, unreadable or corrupt on a worker (the message names the file and the worker).</exception>
    /// <exception cref="ClusterUnavailableException">The cluster does not answer.</exception>
    public static ClusterSource Open(IGrainFactory grains, IReadOnlyList<IChunkedTable> parts, IReadOnlyList<string> paths, IReadOnlyList<string> columns,
        ClusterFitSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(columns);
        if (parts.Count == 0 || parts.Count != paths.Count) throw new ArgumentException("give one path for each of at least one part.", nameof(paths));
        int d = parts[0].ColumnCount;
        for (int p = 1; p < parts.Count; p++)
        {
            if (parts[p].ColumnCount != d)
                throw new DataFileException(parts[p].Name,
                    $"{parts[p].Name}: {parts[p].ColumnCount} column{(parts[p].ColumnCount == 1 ? "" : "s")} where {parts[0].Name} has {d}; every part of a data set must have the same columns.");
        }
        var specs = new ShardSpec[parts.Count];
        for (int p = 0; p < specs.Length; p++) specs[p] = new ShardSpec(p, Path.GetFullPath(paths[p]), [.. columns], parts[p].RowCount, d);
        var source = new ClusterSource(grains, specs, [.. parts.Select(t => t.Name)], d, parts.Sum(t => t.RowCount), settings ?? new ClusterFitSettings());
        try
        {
            ShardReply[] replies = source._calls.All((p, token) => source._shards[p].Open(specs[p], token), cancellationToken);
            for (int p = 0; p < replies.Length; p++) source.Check(p, replies[p]);
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>One E-step on the cluster: every shard's statistics, merged in part order.</summary>
    public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        MixtureMessage message = MixtureWire.ToMessage(parameters);
        ShardReply[] replies = _calls.All((p, token) => _shards[p].EStep(_specs[p], message, token), cancellationToken);
        var statistics = new MixtureStatistics[replies.Length];
        for (int p = 0; p < replies.Length; p++)
        {
            Check(p, replies[p]);
            statistics[p] = MixtureWire.FromArray(parameters.ComponentCount, Dimension, replies[p].Statistics);
        }
        CheckKernels(replies, parameters.ComponentCount);
        return PartStatistics.Merge(statistics);
    }

    private void Check(int p, ShardReply reply)
    {
        switch (reply.ErrorKind)
        {
            case ShardErrorKind.DataFile:
                throw new DataFileException(_specs[p].Path, $"{reply.Error} (read on worker {reply.Worker})");
            case ShardErrorKind.ModelInput:
                throw PartStatistics.PartError(_names[p], _names.Length, new ModelInputException("data", reply.Error ?? "the data cannot be evaluated."));
        }
    }

    /// <summary>Names the kernel, and says once when the workers' kernels differ from each other or from this machine's.</summary>
    private void CheckKernels(ShardReply[] replies, int k)
    {
        var groups = replies.Select((r, p) => (r.KernelName, Part: p)).GroupBy(r => r.KernelName).ToList();
        string local;
        using (var accumulator = new StatisticsAccumulator(k, Dimension, 1, Precision.Double, persistentWorkers: false)) local = accumulator.KernelName;
        string? notice = null;
        if (groups.Count == 1)
        {
            _kernelName = groups[0].Key;
            if (_kernelName != local)
            {
                notice = $"the workers' E-step kernel is {_kernelName} but this machine's is {local}: the fit agrees with a local one to about 1e-12, not bit for bit " +
                    "(vector widths differ; run the workers on the same kind of CPU with the same DOTNET_ vector settings for identical results).";
            }
        }
        else
        {
            _kernelName = "mixed: " + string.Join("; ", groups.Select(g => $"{g.Key} (part{(g.Count() == 1 ? "" : "s")} {string.Join(", ", g.Select(x => x.Part))})"));
            notice = $"the workers use different E-step kernels ({_kernelName[7..]}): the fit agrees with a local one to about 1e-12 but is not bit for bit reproducible, " +
                "as it depends on where the parts are placed; run every worker on the same kind of CPU with the same DOTNET_ vector settings.";
        }
        if (notice is not null && notice != _kernelNotice) _settings.Notice?.Invoke(notice);
        _kernelNotice = notice;
    }

    /// <summary>Ends the shards' activations (their workers drop the parts).</summary>
    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        try
        {
            Task.WhenAll(_shards.Select(s => s.Release())).Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A worker that is gone has nothing left to release.
        }
    }
}
