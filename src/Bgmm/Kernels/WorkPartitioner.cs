using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Bgmm.Kernels;

/// <summary>The body of a partitioned loop: item i is run exactly once, on any thread.</summary>
internal interface IPartitionedWork
{
    void Run(int item);
}

/// <summary>
/// The one deterministic partitioner behind every parallel loop of the library: items [0, n) are fixed
/// by the data alone (chunks of rows, bands of an image), each is run exactly once and writes only its
/// own slot, and the caller combines the slots in item order — so results are bit-identical for any
/// thread count, which only decides how many threads claim items.
/// </summary>
/// <remarks>
/// <para>A partitioner used for a whole fit keeps its worker threads between runs, spinning briefly and
/// then blocking (starting an iteration costs a memory write, not a wake-up); workers exit by themselves
/// after <see cref="IdleExit"/> without work, and <see cref="Dispose"/> stops them. Its first run uses the
/// thread pool and starts no thread, so a partitioner run once costs no thread either. The calling
/// thread always works too and claims items like the workers: a worker that is late or gone only means
/// the others do more, never a different result.</para>
/// <para>Failures are deterministic too: when items fail, the exception of the lowest failing item is
/// rethrown (every item below it still runs), so the error is the one a single thread would meet.</para>
/// </remarks>
internal sealed class WorkPartitioner : IDisposable
{
    /// <summary>
    /// How long a worker spins for the next run before it blocks: longer than an M-step and the
    /// fitter's bookkeeping between two passes, short enough not to rob a busy machine of a core for long.
    /// </summary>
    private static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(0.5);

    /// <summary>How long a blocked worker waits for work before its thread exits.</summary>
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(1);

    private readonly Lock _sync = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread?[] _workers;
    private readonly bool _persistent;
    private volatile Job? _job;
    private volatile bool _disposed;
    private int _runs;

    /// <summary>A partitioner for <paramref name="threads"/> threads (0 = every core).</summary>
    /// <param name="threads">Threads, the caller's included; 0 for <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="persistent">Keep worker threads between runs (false: the thread pool every run).</param>
    public WorkPartitioner(int threads, bool persistent = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = Resolve(threads);
        _persistent = persistent;
        _workers = new Thread?[Threads - 1];
    }

    /// <summary>Threads that may work on a run (the caller's included).</summary>
    public int Threads { get; }

    /// <summary>0 means every core.</summary>
    public static int Resolve(int threads) => threads > 0 ? threads : Environment.ProcessorCount;

    /// <summary>
    /// Runs every item of <paramref name="work"/> once, on at most <see cref="Threads"/> threads and at
    /// most one thread per <paramref name="minItemsPerThread"/> items, and returns when all are done.
    /// </summary>
    public void Run(int items, IPartitionedWork work, int minItemsPerThread = 1, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        int threads = Math.Max(1, Math.Min(Threads, items / Math.Max(1, minItemsPerThread)));
        var job = new Job(work, items, threads, cancellationToken);
        if (threads == 1)
        {
            job.Work();
        }
        else if (!_persistent || _runs == 0)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            Parallel.For(0, threads, options, _ => job.Work());
        }
        else
        {
            RunShared(job);
        }
        _runs++;
        job.ThrowIfFailed();
    }

    /// <summary>Runs <paramref name="work"/> once on a partitioner of its own (the thread pool; no thread is kept).</summary>
    public static void RunOnce(int threads, int items, IPartitionedWork work, int minItemsPerThread = 1, CancellationToken cancellationToken = default)
    {
        using var partitioner = new WorkPartitioner(threads, persistent: false);
        partitioner.Run(items, work, minItemsPerThread, cancellationToken);
    }

    public void Dispose()
    {
        _disposed = true;
        _wake.Set();
    }

    private void RunShared(Job job)
    {
        lock (_sync)
        {
            for (int i = 0; i < _workers.Length; i++)
            {
                if (_workers[i] is null)
                {
                    var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "bgmm worker" };
                    _workers[i] = thread;
                    thread.Start(i);
                }
            }
            _job = job;
        }
        _wake.Set();
        job.Work();
        // Items claimed by workers finish within an item's time: spin.
        var spinner = new SpinWait();
        while (!job.IsComplete) spinner.SpinOnce(sleep1Threshold: -1);
    }

    private void WorkerLoop(object? state)
    {
        int index = (int)state!;
        Job? last = null;
        while (!_disposed)
        {
            Job? job = _job;
            if (job is not null && job != last)
            {
                last = job;
                // Worker i is the (i + 2)-th thread: it joins only runs that use that many.
                if (index + 1 < job.Threads) job.Work();
                continue;
            }
            if (SpinForJob(last)) continue;
            // Block. Reset, then look again, so that a job published before the reset is not missed.
            _wake.Reset();
            if (_job != last || _disposed) continue;
            if (!_wake.Wait(IdleExit))
            {
                lock (_sync)
                {
                    if (_job == last)
                    {
                        _workers[index] = null;
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Spins up to <see cref="SpinTime"/> for a job other than <paramref name="last"/>.</summary>
    private bool SpinForJob(Job? last)
    {
        long until = Stopwatch.GetTimestamp() + (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (int i = 0; i < 32; i++)
            {
                if (_job != last || _disposed) return true;
                Thread.SpinWait(8);
            }
            Thread.Yield();
        }
        return false;
    }

    /// <summary>One run: its work and the item counters every thread claims from.</summary>
    private sealed class Job(IPartitionedWork work, int items, int threads, CancellationToken cancellationToken)
    {
        private readonly Lock _failureLock = new();
        private int _next;
        private int _done;
        private int _lowestFailure = int.MaxValue;
        private Exception? _failure;

        public int Threads => threads;

        public bool IsComplete => Volatile.Read(ref _done) >= items;

        public void Work()
        {
            while (true)
            {
                int item = Interlocked.Increment(ref _next) - 1;
                if (item >= items) return;
                try
                {
                    // Items above a failure are skipped; those below it still run, so the lowest failure wins.
                    if (item < Volatile.Read(ref _lowestFailure) && !cancellationToken.IsCancellationRequested) work.Run(item);
                }
                catch (Exception e)
                {
                    lock (_failureLock)
                    {
                        if (item < _lowestFailure)
                        {
                            _lowestFailure = item;
                            _failure = e;
                        }
                    }
                }
                Interlocked.Increment(ref _done);
            }
        }

        public void ThrowIfFailed()
        {
            if (_failure is not null) ExceptionDispatchInfo.Throw(_failure);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
