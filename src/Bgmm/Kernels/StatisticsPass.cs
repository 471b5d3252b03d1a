using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Bgmm.Kernels;

/// <summary>How a pass spreads its chunks over threads (the choice is measured in the bench command).</summary>
internal enum PassThreading
{
    /// <summary>
    /// Threads that live as long as the pass (a whole fit) and spin briefly between iterations, so
    /// that starting an iteration costs a memory write, not a wake-up. The default.
    /// </summary>
    PersistentWorkers,

    /// <summary><see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> on the thread pool every pass.</summary>
    ParallelFor,
}

/// <summary>
/// Runs the E-step over a dataset as a map over fixed chunks and a reduce by merging in chunk order,
/// so that the result is bit-identical for any number of threads.
/// </summary>
/// <remarks>
/// Lives for a whole fit (dispose it to stop its workers; an undisposed pass's workers exit by
/// themselves after <see cref="IdleExit"/> without work). Its first run uses the thread pool and
/// starts no thread, so a pass run once costs no thread either. Inputs below <see cref="MinRowsPerThread"/>
/// rows per thread use fewer threads, down to the calling thread alone. The calling thread always
/// works too, and claims chunks like the workers do: a worker that is late or gone only means the
/// others do more, never a different result.
/// </remarks>
internal sealed class StatisticsPass : IDisposable
{
    /// <summary>Rows per chunk. Fixed: chunk boundaries must not depend on the thread count.</summary>
    public const int ChunkSize = 4096;

    /// <summary>
    /// Fewer rows than this per thread are not worth a second thread (a chunk of 4096 rows at K = 2
    /// is a few microseconds of work, which a thread hand-off would eat).
    /// </summary>
    public const int MinRowsPerThread = 2 * ChunkSize;

    /// <summary>
    /// How long a worker spins for the next iteration before it blocks: longer than an M-step and
    /// the fitter's bookkeeping between two passes (tens of microseconds), short enough not to rob a
    /// busy machine of a core for long. While spinning it yields to other ready threads.
    /// </summary>
    private static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(0.5);

    /// <summary>How long a blocked worker waits for work before its thread exits.</summary>
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(1);

    private readonly Dataset _data;
    private readonly int _k;
    private readonly int _d;
    private readonly int _threads;
    private readonly double[][] _chunks;
    private readonly IStatisticsKernel _kernel;
    private readonly PassThreading _threading;

    private readonly Lock _sync = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread?[] _workers;
    private volatile Job? _job;
    private volatile bool _disposed;
    private int _runs;

    public StatisticsPass(Dataset data, int components, int threads, IStatisticsKernel? kernel = null,
        PassThreading threading = PassThreading.PersistentWorkers)
    {
        _data = data;
        _k = components;
        _d = data.Dimension;
        int chunkCount = (data.Count + ChunkSize - 1) / ChunkSize;
        _chunks = new double[chunkCount][];
        int length = MixtureStatistics.Length(components, _d);
        for (int i = 0; i < chunkCount; i++) _chunks[i] = new double[length];
        int useful = Math.Max(1, data.Count / MinRowsPerThread);
        _threads = Math.Max(1, Math.Min(Math.Min(threads, chunkCount), useful));
        _kernel = kernel ?? ScalarKernel.Instance;
        _threading = threading;
        _workers = new Thread?[_threads - 1];
    }

    public string KernelName => _kernel.Name;

    /// <summary>Threads that work on a pass (the caller's included).</summary>
    public int Threads => _threads;

    /// <summary>One E-step pass at the given parameters.</summary>
    public MixtureStatistics Run(EStepModel model, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_threads == 1)
        {
            for (int i = 0; i < _chunks.Length; i++) RunChunk(model, i);
        }
        else if (_threading == PassThreading.ParallelFor || _runs == 0)
        {
            // The first pass of a pass object runs on the thread pool: a one-off pass (such as
            // MixtureStatistics.Compute, which does not dispose its pass) never starts a thread.
            var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };
            Parallel.For(0, _chunks.Length, options, i => RunChunk(model, i));
        }
        else
        {
            RunShared(model);
        }

        _runs++;
        var result = new double[MixtureStatistics.Length(_k, _d)];
        for (int i = 0; i < _chunks.Length; i++) MixtureStatistics.MergeInto(result, _chunks[i], _k, _d);
        return new MixtureStatistics(_k, _d, result);
    }

    public void Dispose()
    {
        _disposed = true;
        _wake.Set();
    }

    private void RunShared(EStepModel model)
    {
        var job = new Job(model, _chunks.Length);
        lock (_sync)
        {
            for (int i = 0; i < _workers.Length; i++)
            {
                if (_workers[i] is null)
                {
                    var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "bgmm E-step worker" };
                    _workers[i] = thread;
                    thread.Start(i);
                }
            }
            _job = job;
        }
        _wake.Set();
        Work(job);
        // Chunks claimed by workers finish within a chunk's time: spin.
        var spinner = new SpinWait();
        while (Volatile.Read(ref job.Done) < job.Chunks) spinner.SpinOnce(sleep1Threshold: -1);
        if (job.Failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }

    private void Work(Job job)
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref job.Next) - 1;
            if (chunk >= job.Chunks) return;
            try
            {
                if (job.Failure is null) RunChunk(job.Model, chunk);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref job.Failure, e, null);
            }
            Interlocked.Increment(ref job.Done);
        }
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
                Work(job);
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

    private void RunChunk(EStepModel model, int chunk)
    {
        double[] s = _chunks[chunk];
        Array.Clear(s);
        int start = chunk * ChunkSize;
        int end = Math.Min(start + ChunkSize, _data.Count);
        _kernel.Accumulate(model, _data, start, end, s);
        MixtureStatistics.ShiftedToCentred(s, _k, _d, model.Means);
    }

    /// <summary>The error for a point whose density underflows to 0 under every component.</summary>
    public static ModelInputException OutOfRange(int row) =>
        new("data", $"The density of row {row + 1} underflows to 0 under every component: the data spans too many orders of magnitude for double precision. Rescale the data (e.g. standardise each column).");

    /// <summary>One pass: its parameters and the chunk counters every thread claims from.</summary>
    private sealed class Job(EStepModel model, int chunks)
    {
        public readonly EStepModel Model = model;
        public readonly int Chunks = chunks;
        public int Next;
        public int Done;
        public Exception? Failure;
    }
}
