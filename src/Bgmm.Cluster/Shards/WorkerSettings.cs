namespace Bgmm.Cluster.Shards;

/// <summary>What a worker gives its shards: a memory budget shared by all of them, E-step threads, and a log.</summary>
public sealed class WorkerSettings
{
    private readonly Lock _lock = new();
    private long _reserved;

    /// <param name="memoryBudget">Bytes the parts held in memory may take together; a part that does not fit is streamed from its file on every pass.</param>
    /// <param name="threads">E-step threads per shard (0 = every core); results do not depend on it.</param>
    /// <param name="log">Told of each part loaded and released (one line each); null for silence.</param>
    public WorkerSettings(long memoryBudget, int threads = 0, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudget);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        MemoryBudget = memoryBudget;
        Threads = threads;
        Log = log ?? (_ => { });
    }

    /// <summary>Bytes the parts held in memory may take together.</summary>
    public long MemoryBudget { get; }

    /// <summary>E-step threads per shard (0 = every core).</summary>
    public int Threads { get; }

    /// <summary>Where the worker's lines go.</summary>
    public Action<string> Log { get; }

    /// <summary>Reserves <paramref name="bytes"/> of the budget if they fit; false (nothing reserved) if not.</summary>
    internal bool TryReserve(long bytes)
    {
        lock (_lock)
        {
            if (bytes > MemoryBudget - _reserved) return false;
            _reserved += bytes;
            return true;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    internal void Release(long bytes)
    {
        lock (_lock) _reserved -= bytes;
    }
}
