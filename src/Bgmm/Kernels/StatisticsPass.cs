namespace Bgmm.Kernels;

/// <summary>
/// Runs the E-step over a dataset as a map over fixed chunks and a reduce by merging in chunk order,
/// so that the result is bit-identical for any number of threads.
/// </summary>
internal sealed class StatisticsPass
{
    /// <summary>Rows per chunk. Fixed: chunk boundaries must not depend on the thread count.</summary>
    public const int ChunkSize = 4096;

    private readonly Dataset _data;
    private readonly int _k;
    private readonly int _d;
    private readonly int _threads;
    private readonly double[][] _chunks;
    private readonly IStatisticsKernel _kernel;

    public StatisticsPass(Dataset data, int components, int threads, IStatisticsKernel? kernel = null)
    {
        _data = data;
        _k = components;
        _d = data.Dimension;
        int chunkCount = (data.Count + ChunkSize - 1) / ChunkSize;
        _chunks = new double[chunkCount][];
        int length = MixtureStatistics.Length(components, _d);
        for (int i = 0; i < chunkCount; i++) _chunks[i] = new double[length];
        _threads = Math.Max(1, Math.Min(threads, chunkCount));
        _kernel = kernel ?? ScalarKernel.Instance;
    }

    public string KernelName => _kernel.Name;

    /// <summary>One E-step pass at the given parameters.</summary>
    public MixtureStatistics Run(EStepModel model, CancellationToken cancellationToken = default)
    {
        if (_threads == 1)
        {
            for (int i = 0; i < _chunks.Length; i++) RunChunk(model, i);
        }
        else
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };
            Parallel.For(0, _chunks.Length, options, i => RunChunk(model, i));
        }

        var result = new double[MixtureStatistics.Length(_k, _d)];
        for (int i = 0; i < _chunks.Length; i++) MixtureStatistics.MergeInto(result, _chunks[i], _k, _d);
        return new MixtureStatistics(_k, _d, result);
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
}
