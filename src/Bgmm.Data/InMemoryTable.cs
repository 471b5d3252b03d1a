using System.Globalization;

namespace Bgmm.Data;

/// <summary>An <see cref="IChunkedTable"/> over columns already in memory (not copied).</summary>
public sealed class InMemoryTable : IChunkedTable, IColumnsInMemory
{
    private readonly double[][] _columns;

    /// <summary>A table of the given columns, which must not be changed afterwards.</summary>
    /// <param name="columns">D ≥ 1 arrays of the same length N ≥ 1, all values finite.</param>
    /// <param name="columnNames">One name per column; by default "column 1", "column 2", ….</param>
    /// <param name="name">How messages name the table.</param>
    /// <exception cref="ArgumentException">No columns, no rows, columns of different lengths, wrong number of names, or a value that is not finite.</exception>
    public InMemoryTable(double[][] columns, IReadOnlyList<string>? columnNames = null, string name = "(data in memory)")
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(name);
        if (columns.Length == 0) throw new ArgumentException("the table needs at least one column.", nameof(columns));
        int n = columns[0]?.Length ?? 0;
        if (n == 0) throw new ArgumentException("the table needs at least one row.", nameof(columns));
        for (int j = 0; j < columns.Length; j++)
        {
            if (columns[j] is null || columns[j].Length != n)
                throw new ArgumentException($"column {j + 1} has {columns[j]?.Length ?? 0} values where column 1 has {n}.", nameof(columns));
            int bad = IndexOfNonFinite(columns[j]);
            if (bad >= 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"row {bad + 1}, column {j + 1}: {columns[j][bad]} is not a finite number."), nameof(columns));
        }
        if (columnNames is not null && columnNames.Count != columns.Length)
            throw new ArgumentException($"{columnNames.Count} column names for {columns.Length} columns.", nameof(columnNames));
        _columns = columns;
        ColumnNames = columnNames ?? DefaultColumnNames(columns.Length);
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public long RowCount => _columns[0].Length;

    /// <inheritdoc/>
    public int ColumnCount => _columns.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ColumnNames { get; }

    double[][]? IColumnsInMemory.Columns => _columns;

    /// <inheritdoc/>
    public int PreferredChunkRows => Math.Min(1 << 16, _columns[0].Length);

    /// <inheritdoc/>
    public void ReadChunk(long firstRow, int rowCount, double[][] columns)
    {
        ChunkedTable.CheckRead(this, firstRow, rowCount, columns);
        for (int j = 0; j < _columns.Length; j++) _columns[j].AsSpan((int)firstRow, rowCount).CopyTo(columns[j]);
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    /// <summary>"column 1", "column 2", …: the names of columns that have none.</summary>
    internal static string[] DefaultColumnNames(int count) =>
        [.. Enumerable.Range(1, count).Select(j => string.Create(CultureInfo.InvariantCulture, $"column {j}"))];

    private static int IndexOfNonFinite(double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) return i;
        }
        return -1;
    }
}
