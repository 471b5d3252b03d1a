namespace Bgmm.Kernels;

/// <summary>A row whose density underflows to 0 under every component (its index within the rows the kernel was given).</summary>
internal sealed class RowOutOfRangeException(int row) : Exception($"row {row} is out of range")
{
    public int Row { get; } = row;
}

/// <summary>
/// The E-step over blocks of rows as a map over fixed chunks of <see cref="ChunkSize"/> rows and a reduce
/// by folding the chunks' statistics in order into a running total, so that the result is bit-identical
/// for any number of threads (the chunks of a block are spread by a <see cref="WorkPartitioner"/>).
/// </summary>
/// <remarks>
/// Blocks continue each other: a fold over blocks whose sizes are whole numbers of chunks (but the last)
/// is the fold over the same rows in one block, so data read from disk in blocks gives the in-memory
/// result bit for bit. Blocks below <see cref="MinRowsPerThread"/> rows per thread use fewer threads.
/// </remarks>
internal sealed class StatisticsPass : IPartitionedWork, IDisposable
{
    /// <summary>Rows per chunk. Fixed: chunk boundaries must not depend on the thread count or the blocks.</summary>
    public const int ChunkSize = 4096;

    /// <summary>
    /// Fewer rows than this per thread are not worth a second thread (a chunk of 4096 rows at K = 2
    /// is a few microseconds of work, which a thread hand-off would eat).
    /// </summary>
    public const int MinRowsPerThread = 2 * ChunkSize;

    private readonly int _k;
    private readonly int _d;
    private readonly IStatisticsKernel _kernel;
    private readonly WorkPartitioner _partitioner;
    private readonly bool _ownsPartitioner;
    private readonly double[] _total;
    private double[][] _chunks = [];
    private Dataset? _block;
    private EStepModel? _model;
    private long _rowsFolded;
    private bool _ragged;

    public StatisticsPass(int components, int dimension, WorkPartitioner partitioner, IStatisticsKernel? kernel = null)
    {
        _k = components;
        _d = dimension;
        _partitioner = partitioner;
        _kernel = kernel ?? ScalarKernel.Instance;
        _total = new double[MixtureStatistics.Length(components, dimension)];
    }

    /// <summary>A pass with a partitioner of its own for <paramref name="threads"/> threads (disposed with the pass).</summary>
    public StatisticsPass(int components, int dimension, int threads, IStatisticsKernel kernel, bool persistentWorkers = true)
        : this(components, dimension, new WorkPartitioner(threads, persistentWorkers), kernel) => _ownsPartitioner = true;

    public string KernelName => _kernel.Name;

    /// <summary>Threads that work on a block of <paramref name="rows"/> rows (the caller's included).</summary>
    public int ThreadsFor(int rows) => Math.Max(1, Math.Min(_partitioner.Threads, rows / MinRowsPerThread));

    /// <summary>Starts a new fold at the given parameters.</summary>
    public void Begin(EStepModel model)
    {
        _model = model;
        Array.Clear(_total);
        _rowsFolded = 0;
        _ragged = false;
    }

    /// <summary>
    /// Folds the block's chunks into the total, in order. Every block but the last of a fold must hold a
    /// whole number of chunks (so that the chunks are those of the rows, not of the blocks).
    /// </summary>
    /// <exception cref="ModelInputException">A row's density underflows to 0 under every component (its row counted from the fold's first).</exception>
    public void Add(Dataset block, CancellationToken cancellationToken = default)
    {
        EStepModel model = _model ?? throw new InvalidOperationException("Begin the fold first.");
        if (_ragged) throw new InvalidOperationException($"Only the last block of a fold may end inside a chunk of {ChunkSize} rows.");
        int chunkCount = (block.Count + ChunkSize - 1) / ChunkSize;
        if (_chunks.Length < chunkCount)
        {
            int length = MixtureStatistics.Length(_k, _d);
            var grown = new double[chunkCount][];
            _chunks.CopyTo(grown, 0);
            for (int i = _chunks.Length; i < chunkCount; i++) grown[i] = new double[length];
            _chunks = grown;
        }
        _block = block;
        try
        {
            _partitioner.Run(chunkCount, this, MinRowsPerThread / ChunkSize, cancellationToken);
        }
        catch (RowOutOfRangeException e)
        {
            throw OutOfRange(_rowsFolded + e.Row);
        }
        finally
        {
            _block = null;
        }
        for (int i = 0; i < chunkCount; i++) MixtureStatistics.MergeInto(_total, _chunks[i], _k, _d);
        _rowsFolded += block.Count;
        _ragged = block.Count % ChunkSize != 0;
    }

    /// <summary>The fold so far (a new object).</summary>
    public MixtureStatistics Result => new(_k, _d, (double[])_total.Clone());

    /// <summary>One E-step pass over <paramref name="data"/> at the given parameters.</summary>
    public MixtureStatistics Run(Dataset data, EStepModel model, CancellationToken cancellationToken = default)
    {
        Begin(model);
        Add(data, cancellationToken);
        return Result;
    }

    public void Dispose()
    {
        if (_ownsPartitioner) _partitioner.Dispose();
    }

    void IPartitionedWork.Run(int chunk)
    {
        EStepModel model = _model!;
        Dataset data = _block!;
        double[] s = _chunks[chunk];
        Array.Clear(s);
        int start = chunk * ChunkSize;
        int end = Math.Min(start + ChunkSize, data.Count);
        _kernel.Accumulate(model, data, start, end, s);
        if (MixtureStatistics.BetterShifts(s, _k, _d, model) is double[] shifts)
        {
            // Some component's points lie far from its mean (a prior that drags the mean away from data far
            // from the origin): its moments about μ_k cancelled, so redo the chunk about their own mean.
            // The scores, and so the responsibilities and the log-likelihood, are the same.
            model = model.WithShifts(shifts);
            Array.Clear(s);
            _kernel.Accumulate(model, data, start, end, s);
        }
        MixtureStatistics.ShiftedToCentred(s, _k, _d, model.Shifts);
    }

    /// <summary>The error for a point whose density underflows to 0 under every component.</summary>
    private static ModelInputException OutOfRange(long row) =>
        new("data", $"The density of row {row + 1} underflows to 0 under every component: the data spans too many orders of magnitude for double precision. Rescale the data (e.g. standardise each column).");
}
