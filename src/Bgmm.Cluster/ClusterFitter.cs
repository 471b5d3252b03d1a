using Bgmm.Cluster.Shards;
using Bgmm.Data;

namespace Bgmm.Cluster;

/// <summary>
/// Fits a Bayesian Gaussian mixture to a data set given as part files on storage that every node sees,
/// with the E-steps computed on a cluster of bgmm workers: <see cref="TableFitter.Fit"/> on many machines,
/// with the same result bit for bit (<see cref="ClusterSource"/>).
/// </summary>
/// <remarks>
/// The client opens the parts too (their sizes; the rows the initialisation draws, read one block at a
/// time and never held: random rows read K rows and scan for K distinct ones, k-means++ makes passes over
/// the data on the client). The E-steps — where the time goes — run on the workers.
/// </remarks>
public static class ClusterFitter
{
    /// <summary>Fits <see cref="FitOptions.ComponentCount"/> components to the rows of <paramref name="paths"/>, in order.</summary>
    /// <param name="cluster">The cluster's client (<see cref="ClusterConnection.Client"/>, or a test cluster's).</param>
    /// <param name="paths">≥ 1 part files (.npy, Parquet, CSV), as every node sees them.</param>
    /// <param name="columns">Parquet columns (empty: every numeric column).</param>
    /// <param name="prior">The prior; null for <see cref="MixturePrior.Default"/>.</param>
    /// <param name="options">K, iterations, tolerance, restarts, seed, initialisation (threads and precision are the workers').</param>
    /// <param name="settings">The client's timeouts and notices; null for the defaults.</param>
    /// <param name="progress">Told after every iteration.</param>
    /// <param name="cancellationToken">Stops the fit (and the workers' passes).</param>
    /// <exception cref="ModelInputException">An option, the prior or the initial mixture does not fit the data.</exception>
    /// <exception cref="DataFileException">A part cannot be read, on the client or on a worker.</exception>
    /// <exception cref="ClusterUnavailableException">The cluster stopped answering.</exception>
    public static FitResult Fit(IGrainFactory cluster, IReadOnlyList<string> paths, IReadOnlyList<string> columns, MixturePrior? prior, FitOptions options,
        ClusterFitSettings? settings = null, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var parts = ClusterParts.Open(paths, columns, settings?.ClientMemoryBudget ?? new ClusterFitSettings().ClientMemoryBudget, cancellationToken);
        using ClusterSource source = ClusterSource.Open(cluster, parts.Tables, paths, columns, settings, cancellationToken);
        return MapEmFitter.FitSource(source, parts.Rows, prior, options, progress, cancellationToken);
    }
}

/// <summary>
/// The parts as the client opens them: the tables (their sizes) and a reader of their rows that streams
/// them on demand (what the initialisation draws), never loading them.
/// </summary>
public sealed class ClusterParts : IDisposable
{
    private readonly IChunkedTable[] _tables;

    private ClusterParts(IChunkedTable[] tables, TableSource rows)
    {
        _tables = tables;
        Rows = rows;
    }

    /// <summary>The parts' tables, in order.</summary>
    public IReadOnlyList<IChunkedTable> Tables => _tables;

    /// <summary>The rows of all the parts, in order, read from the files when asked for.</summary>
    public TableSource Rows { get; }

    /// <summary>Opens every part (by extension: .npy, .parquet/.pq, otherwise CSV).</summary>
    /// <exception cref="DataFileException">A part cannot be read, or has other columns than the first.</exception>
    public static ClusterParts Open(IReadOnlyList<string> paths, IReadOnlyList<string> columns, long csvMemoryBudget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(columns);
        if (paths.Count == 0) throw new ArgumentException("give at least one part.", nameof(paths));
        var tables = new List<IChunkedTable>(paths.Count);
        try
        {
            foreach (string path in paths) tables.Add(TableFiles.Open(path, columns, csvMemoryBudget, cancellationToken));
            // A budget of 0: the rows are read from the files when the initialisation asks, never held.
            return new ClusterParts([.. tables], TableSource.Open(tables, 0, threads: 1, cancellationToken: cancellationToken));
        }
        catch
        {
            foreach (IChunkedTable table in tables) table.Dispose();
            throw;
        }
    }

    /// <summary>Closes the reader, then the tables.</summary>
    public void Dispose()
    {
        Rows.Dispose();
        foreach (IChunkedTable table in _tables) table.Dispose();
    }
}
