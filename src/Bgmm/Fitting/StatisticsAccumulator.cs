using Bgmm.Kernels;

namespace Bgmm;

/// <summary>
/// One E-step pass over independent points given in blocks: the building block of every
/// <see cref="StatisticsSource"/> of independent points (in memory, streamed from disk, one shard of a
/// cluster). Each block is cut into fixed chunks of <see cref="ChunkRows"/> rows whose statistics are
/// computed in parallel and folded into the total in row order, so the result depends on the rows
/// alone: not on the thread count, and not on how the rows were cut into blocks, provided every block
/// but the last holds a whole number of chunks.
/// </summary>
/// <remarks>
/// Use it for a whole fit (its worker threads live as long as it does): <see cref="Begin"/> at each
/// E-step's parameters, <see cref="Add"/> every block in order, then read <see cref="Statistics"/>.
/// Statistics of separate accumulations (parts of a data set) combine with
/// <see cref="MixtureStatistics.Merge"/>, in a fixed order.
/// </remarks>
public sealed class StatisticsAccumulator : IDisposable
{
    /// <summary>Rows per chunk: a block read from disk should hold a multiple of this many rows.</summary>
    public const int ChunkRows = StatisticsPass.ChunkSize;

    private readonly StatisticsPass _pass;

    /// <summary>An accumulator for K components in D dimensions.</summary>
    /// <param name="componentCount">K ≥ 1.</param>
    /// <param name="dimension">D ≥ 1.</param>
    /// <param name="threads">Threads (0 = every core); results do not depend on it.</param>
    /// <param name="precision">The arithmetic of the per-point kernel.</param>
    public StatisticsAccumulator(int componentCount, int dimension, int threads = 0, Precision precision = Precision.Double)
        : this(componentCount, dimension, threads, precision, persistentWorkers: true)
    {
    }

    internal StatisticsAccumulator(int componentCount, int dimension, int threads, Precision precision, bool persistentWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(componentCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ComponentCount = componentCount;
        Dimension = dimension;
        _pass = new StatisticsPass(componentCount, dimension, threads, KernelSelector.Select(dimension, precision), persistentWorkers);
    }

    /// <summary>K.</summary>
    public int ComponentCount { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>Which per-point kernel runs (diagnostics).</summary>
    public string KernelName => _pass.KernelName;

    /// <summary>Threads a block of <paramref name="rows"/> rows runs on (the caller's included).</summary>
    internal int ThreadsFor(int rows) => _pass.ThreadsFor(rows);

    /// <summary>Starts a pass at <paramref name="parameters"/> (forgetting any earlier one).</summary>
    public void Begin(GaussianMixture parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.ComponentCount != ComponentCount || parameters.Dimension != Dimension)
            throw new ArgumentException($"the mixture has K = {parameters.ComponentCount}, D = {parameters.Dimension}; the accumulator is for K = {ComponentCount}, D = {Dimension}.", nameof(parameters));
        _pass.Begin(new EStepModel(parameters));
    }

    /// <summary>Adds the next block of rows.</summary>
    /// <param name="rows">The rows following those added since <see cref="Begin"/>.</param>
    /// <param name="cancellationToken">Stops between chunks.</param>
    /// <exception cref="ModelInputException">A row's density underflows to 0 under every component (rows counted from the pass's first).</exception>
    /// <exception cref="InvalidOperationException">No pass begun, or the previous block ended inside a chunk.</exception>
    public void Add(Dataset rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Dimension != Dimension)
            throw new ModelInputException(nameof(rows), $"the rows have D = {rows.Dimension} but the accumulator is for D = {Dimension}.");
        _pass.Add(rows, cancellationToken);
    }

    /// <summary>The statistics of the rows added since <see cref="Begin"/> (a new object).</summary>
    public MixtureStatistics Statistics => _pass.Result;

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pass.Dispose();
}
