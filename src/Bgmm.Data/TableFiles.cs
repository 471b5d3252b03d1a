using Bgmm.Data.Npy;
using Bgmm.Data.Parquet;

namespace Bgmm.Data;

/// <summary>Opens a data file as a table by its extension: <c>.npy</c>, <c>.parquet</c>/<c>.pq</c>, otherwise CSV.</summary>
public static class TableFiles
{
    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="columns">Parquet columns to read, by name (empty: every numeric column).</param>
    /// <param name="memoryBudget">A CSV larger than this is converted to a temporary binary file (<see cref="CsvTable.Open"/>).</param>
    /// <param name="cancellationToken">Stops reading a CSV.</param>
    /// <exception cref="DataFileException">The file cannot be read as a table of numbers.</exception>
    public static IChunkedTable Open(string path, IReadOnlyList<string> columns, long memoryBudget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(columns);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".npy" => NpyReader.Open(path),
            ".parquet" or ".pq" => ParquetColumnReader.Open(path, columns.Count == 0 ? null : columns),
            _ => CsvTable.Open(path, memoryBudget, cancellationToken: cancellationToken),
        };
    }
}
