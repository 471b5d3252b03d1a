using Bgmm.Data;

namespace Bgmm.Cluster.Shards;

/// <summary>
/// The worker's side of a shard: the part opened from shared storage (held in memory when it fits the
/// worker's budget, otherwise streamed on every pass) and one E-step per call, computed off the Orleans
/// scheduler on a thread of its own so that the worker keeps answering the cluster's liveness probes.
/// </summary>
/// <remarks>
/// The statistics are the part's <see cref="TableSource"/> fold — chunks in order — which is exactly
/// the part's node of <see cref="PartStatistics"/>' tree. Errors about the data come back as a message
/// naming the file (<see cref="ShardReply.Error"/>), never as an exception to deserialize.
/// </remarks>
[SpreadPlacement]
internal sealed class ShardGrain(WorkerSettings settings) : Grain, IShardGrain
{
    private ShardSpec? _spec;
    private IChunkedTable? _table;
    private TableSource? _source;
    private long _reserved;

    public Task<ShardReply> Open(ShardSpec spec, CancellationToken cancellationToken) =>
        Answer(spec, () => [], cancellationToken);

    public Task<ShardReply> EStep(ShardSpec spec, MixtureMessage model, CancellationToken cancellationToken) =>
        Answer(spec, () =>
        {
            GaussianMixture mixture = MixtureWire.FromMessage(model);
            return MixtureWire.ToArray(_source!.EStep(mixture, cancellationToken).Statistics);
        }, cancellationToken);

    public Task Release()
    {
        Unload();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Unload();
        return Task.CompletedTask;
    }

    private async Task<ShardReply> Answer(ShardSpec spec, Func<double[]> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            // Loading and the pass are long computations: off the grain's scheduler, on a thread of their own.
            double[] statistics = await Task.Factory.StartNew(() =>
            {
                Load(spec, cancellationToken);
                return work();
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return Reply(statistics, null, ShardErrorKind.None);
        }
        catch (DataFileException e)
        {
            Unload();
            return Reply([], e.Message, ShardErrorKind.DataFile);
        }
        catch (ModelInputException e)
        {
            return Reply([], e.Message, ShardErrorKind.ModelInput);
        }
    }

    private ShardReply Reply(double[] statistics, string? error, ShardErrorKind kind) =>
        new(statistics, _table?.RowCount ?? 0, _table?.ColumnCount ?? 0, _source?.KernelName ?? "", RuntimeIdentity, error, kind);

    private void Load(ShardSpec spec, CancellationToken cancellationToken)
    {
        if (_source is not null && spec == _spec) return;
        Unload();
        IChunkedTable table = TableFiles.Open(spec.Path, spec.Columns, settings.MemoryBudget, cancellationToken);
        try
        {
            if (table.RowCount != spec.Rows || table.ColumnCount != spec.Dimension)
            {
                throw new DataFileException(table.Name,
                    $"{table.Name}: worker {RuntimeIdentity} sees {table.RowCount} rows × {table.ColumnCount} columns where the client saw {spec.Rows} × {spec.Dimension}; " +
                    "every node must see the same file at this path (shared storage).");
            }
            long bytes = TableSource.LoadedBytes(table.RowCount, table.ColumnCount);
            bool fits = settings.TryReserve(bytes);
            try
            {
                _source = TableSource.Open([table], fits ? long.MaxValue : 0, settings.Threads, Precision.Double, cancellationToken);
            }
            catch
            {
                if (fits) settings.Release(bytes);
                throw;
            }
            _reserved = fits ? bytes : 0;
            _table = table;
            _spec = spec;
            settings.Log($"part {spec.Index} ({table.Name}): {table.RowCount} rows × {table.ColumnCount} columns, {(fits ? "held in memory" : "streamed from the file")}");
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    private void Unload()
    {
        _source?.Dispose();
        _table?.Dispose();
        if (_reserved > 0) settings.Release(_reserved);
        _source = null;
        _table = null;
        _spec = null;
        _reserved = 0;
    }
}
