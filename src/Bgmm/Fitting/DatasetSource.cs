using Bgmm.Kernels;

namespace Bgmm;

/// <summary>
/// Independent points held in a <see cref="Dataset"/> (double columns, byte planes, a colour table): the
/// E-step is one <see cref="StatisticsPass"/> over fixed chunks of rows merged in chunk order, on a
/// partitioner whose workers live as long as the source.
/// </summary>
internal sealed class DatasetSource : StatisticsSource
{
    private readonly StatisticsAccumulator _accumulator;

    /// <param name="data">The points.</param>
    /// <param name="components">K.</param>
    /// <param name="threads">Threads (0 = every core); results do not depend on it.</param>
    /// <param name="precision">The kernel's arithmetic.</param>
    /// <param name="persistentWorkers">Keep worker threads between E-steps (false: the thread pool every pass; for comparison in bgmm bench).</param>
    public DatasetSource(Dataset data, int components, int threads, Precision precision = Precision.Double, bool persistentWorkers = true)
        : base(data.Dimension, data.PointCount, data.TotalWeight)
    {
        Data = data;
        _accumulator = new StatisticsAccumulator(components, data.Dimension, threads, precision, persistentWorkers);
    }

    public Dataset Data { get; }

    public override string KernelName => _accumulator.KernelName;

    /// <summary>Threads a pass uses (the caller's included).</summary>
    public int Threads => _accumulator.ThreadsFor(Data.Count);

    public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken)
    {
        _accumulator.Begin(parameters);
        _accumulator.Add(Data, cancellationToken);
        MixtureStatistics statistics = _accumulator.Statistics;
        return new EStepResult(statistics, statistics.LogLikelihood);
    }

    protected override void Dispose(bool disposing) => _accumulator.Dispose();
}
