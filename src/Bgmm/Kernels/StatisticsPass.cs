namespace Bgmm.Kernels;

/// <summary>
/// Runs the E-step over a dataset as a map over fixed chunks of <see cref="ChunkSize"/> rows and a reduce
/// by merging the chunks' statistics in chunk order, so that the result is bit-identical for any number
/// of threads (the chunks are spread by a <see cref="WorkPartitioner"/>).
/// </summary>
/// <remarks>
/// Lives for a whole fit when given a partitioner that does (dispose the partitioner to stop its workers).
/// Inputs below <see cref="MinRowsPerThread"/> rows per thread use fewer threads, down to the calling thread alone.
/// </remarks>
internal sealed class StatisticsPass : IPartitionedWork, IDisposable
{
    /// <summary>Rows per chunk. Fixed: chunk boundaries must not depend on the thread count.</summary>
    public const int ChunkSize = 4096;

    /// <summary>
    /// Fewer rows than this per thread are not worth a second thread (a chunk of 4096 rows at K = 2
    /// is a few microseconds of work, which a thread hand-off would eat).
    /// </summary>
    public const int MinRowsPerThread = 2 * ChunkSize;

    private readonly Dataset _data;
    private readonly int _k;
    private readonly int _d;
    private readonly double[][] _chunks;
    private readonly IStatisticsKernel _kernel;
    private readonly WorkPartitioner _partitioner;
    private readonly bool _ownsPartitioner;
    private EStepModel? _model;

    /// <summary>A pass with a partitioner of its own for <paramref name="threads"/> threads (disposed with the pass).</summary>
    public StatisticsPass(Dataset data, int components, int threads, IStatisticsKernel kernel, bool persistentWorkers = true)
        : this(data, components, new WorkPartitioner(threads, persistentWorkers), kernel) => _ownsPartitioner = true;

    public StatisticsPass(Dataset data, int components, WorkPartitioner partitioner, IStatisticsKernel? kernel = null)
    {
        _data = data;
        _k = components;
        _d = data.Dimension;
        _partitioner = partitioner;
        int chunkCount = (data.Count + ChunkSize - 1) / ChunkSize;
        _chunks = new double[chunkCount][];
        int length = MixtureStatistics.Length(components, _d);
        for (int i = 0; i < chunkCount; i++) _chunks[i] = new double[length];
        _kernel = kernel ?? ScalarKernel.Instance;
    }

    public string KernelName => _kernel.Name;

    /// <summary>Threads that work on a pass (the caller's included).</summary>
    public int Threads => Math.Max(1, Math.Min(_partitioner.Threads, _chunks.Length / (MinRowsPerThread / ChunkSize)));

    /// <summary>One E-step pass at the given parameters.</summary>
    public MixtureStatistics Run(EStepModel model, CancellationToken cancellationToken = default)
    {
        _model = model;
        _partitioner.Run(_chunks.Length, this, MinRowsPerThread / ChunkSize, cancellationToken);
        _model = null;
        var result = new double[MixtureStatistics.Length(_k, _d)];
        for (int i = 0; i < _chunks.Length; i++) MixtureStatistics.MergeInto(result, _chunks[i], _k, _d);
        return new MixtureStatistics(_k, _d, result);
    }

    public void Dispose()
    {
        if (_ownsPartitioner) _partitioner.Dispose();
    }

    void IPartitionedWork.Run(int chunk)
    {
        EStepModel model = _model!;
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
}
