using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Data.Parquet;

namespace Bgmm.Cli.Input;

/// <summary>
/// The data of <c>bgmm fit</c>: its files (CSV, NumPy .npy, Parquet), in the order given, as one data set — a
/// <see cref="TableSource"/> whose rows are held in memory when they fit the budget and otherwise read from disk
/// on every pass. Everything the fit needs from the data goes through here (the E-step, the rows, the moments,
/// the entropy for ICL, the labels), so another source of the same rows can take its place.
/// </summary>
internal sealed class FitData : IDisposable
{
    private readonly List<IChunkedTable> _tables;
    private StatisticsSource? _remote;

    private FitData(List<IChunkedTable> tables, TableSource source, long memoryBudget)
    {
        _tables = tables;
        Source = source;
        MemoryBudget = memoryBudget;
    }

    /// <summary>The reader of the rows (initialisation, moments, entropy, labels) and, unless <see cref="EStep"/> is another, the E-step.</summary>
    public TableSource Source { get; }

    /// <summary>The E-step: <see cref="Source"/>, or the source that computes the same statistics elsewhere (<see cref="ComputeElsewhere"/>).</summary>
    public StatisticsSource EStep => _remote ?? Source;

    /// <summary>The files' tables, in order.</summary>
    public IReadOnlyList<IChunkedTable> Tables => _tables;

    /// <summary>
    /// Hands the E-steps to <paramref name="remote"/> (a cluster's source over the same parts, which folds their
    /// statistics in the same order, so the fit is the same bit for bit); it is disposed with this object.
    /// </summary>
    public void ComputeElsewhere(StatisticsSource remote)
    {
        if (remote.Dimension != Dimension || remote.PointCount != Source.PointCount)
            throw new InvalidOperationException($"the remote source has D = {remote.Dimension} and {remote.PointCount} points, the files D = {Dimension} and {Source.PointCount}.");
        _remote = remote;
    }

    /// <summary>The budget the rows were held or streamed by.</summary>
    public long MemoryBudget { get; }

    /// <summary>D.</summary>
    public int Dimension => Source.Dimension;

    /// <summary>N.</summary>
    public long RowCount => Source.RowCount;

    /// <summary>The columns' names: a CSV header or Parquet's names; null when the first file has none (a CSV without header, a .npy).</summary>
    public IReadOnlyList<string>? ColumnNames => _tables[0] switch
    {
        CsvTable csv => csv.Header,
        ParquetColumnReader parquet => parquet.ColumnNames,
        _ => null,
    };

    /// <summary>What was read, for --verbose.</summary>
    public string Description =>
        $"{RowCount} rows in {_tables.Count} file{(_tables.Count == 1 ? "" : "s")}, D = {Dimension}; " +
        (Source.IsStreamed
            ? $"streamed from disk on every pass (more than the --memory budget of {MemorySize.Format(MemoryBudget)}; blocks of {Source.BlockRows} rows)"
              + (_tables.OfType<CsvTable>().Any(c => c.IsConverted) ? ", CSV converted to a temporary binary file" : "")
            : $"held in memory (within the --memory budget of {MemorySize.Format(MemoryBudget)})");

    /// <summary>
    /// Opens <paramref name="paths"/> (by extension: .npy, .parquet/.pq, anything else CSV) and joins them.
    /// </summary>
    /// <param name="paths">The files, in order.</param>
    /// <param name="columns">Parquet columns to read (null: every numeric column).</param>
    /// <param name="memoryBudget">Bytes the rows may take in memory.</param>
    /// <param name="threads">E-step threads (0 = every core).</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static FitData Open(IReadOnlyList<string> paths, IReadOnlyList<string>? columns, long memoryBudget, int threads, CancellationToken cancellationToken)
    {
        var tables = new List<IChunkedTable>(paths.Count);
        try
        {
            long held = 0;
            foreach (string path in paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IChunkedTable table = OpenTable(path, columns, Math.Max(0, memoryBudget - held), cancellationToken);
                tables.Add(table);
                if (table is CsvTable { IsConverted: false }) held += TableSource.LoadedBytes(table.RowCount, table.ColumnCount);
            }
            var source = TableSource.Open(tables, memoryBudget, threads, cancellationToken: cancellationToken);
            return new FitData(tables, source, memoryBudget);
        }
        catch
        {
            foreach (IChunkedTable t in tables) t.Dispose();
            throw;
        }
    }

    private static IChunkedTable OpenTable(string path, IReadOnlyList<string>? columns, long budget, CancellationToken cancellationToken)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        bool parquet = extension is ".parquet" or ".pq";
        if (columns is not null && !parquet)
            throw new UserError($"{path}: --columns picks the columns of Parquet files; a CSV or .npy file's columns are all used (drop the others before the fit).");
        if (extension == ".npy")
        {
            InputFiles.RequireRegularFile(path);
            return NpyReader.Open(path);
        }
        if (parquet)
        {
            InputFiles.RequireRegularFile(path);
            return ParquetColumnReader.Open(path, columns);
        }
        if (Directory.Exists(path)) throw new UserError($"{path}: is a folder; give a data file (CSV, .npy or Parquet).");
        if (!File.Exists(path) && !Path.Exists(path)) throw new UserError($"{path}: file not found; give the path of a data file (CSV, .npy or Parquet).");
        using StreamReader reader = InputFiles.OpenText(path, null, cancellationToken);
        try
        {
            return CsvTable.Read(reader, path, budget, cancellationToken: cancellationToken);
        }
        catch (DataFileException e) when (e.InnerException is Bgmm.Imaging.Files.InputFileException inner)
        {
            throw InputFiles.Error(inner);
        }
    }

    /// <summary>The data's mean and covariance (two passes), for mclust's prior and the scale check.</summary>
    public DataMoments Moments(CancellationToken cancellationToken) => DataMoments.Of(Source, cancellationToken);

    /// <summary>The classification entropy of the rows under <paramref name="mixture"/> (ICL).</summary>
    public double Entropy(GaussianMixture mixture, CancellationToken cancellationToken) => Source.Entropy(mixture, cancellationToken);

    /// <summary>Writes the label of every row, one per line, as it is computed.</summary>
    public void WriteLabels(GaussianMixture mixture, Stream output, CancellationToken cancellationToken) =>
        TableLabels.Write(Source, mixture, output, cancellationToken);

    public void Dispose()
    {
        _remote?.Dispose();
        Source.Dispose();
        foreach (IChunkedTable t in _tables) t.Dispose();
    }
}
