namespace Bgmm.Data;

/// <summary>
/// A table of <see cref="RowCount"/> rows × <see cref="ColumnCount"/> numeric columns, both known
/// when it is opened, whose rows are read in chunks [firstRow, firstRow + rowCount) into columns of
/// doubles — so that data larger than memory can be passed over chunk by chunk.
/// </summary>
/// <remarks>
/// Contract for every implementation: rows come back in file order; reading the same rows again
/// gives the same values, bit for bit, whatever was read in between and whatever the chunk
/// boundaries; every value delivered is finite (a NaN, an infinity or a missing value is a
/// <see cref="DataFileException"/> naming its row and column, raised by the read that meets it).
/// A table is not safe for concurrent reads: one read at a time, from any thread.
/// </remarks>
public interface IChunkedTable : IDisposable
{
    /// <summary>How messages name the table (usually its file name).</summary>
    string Name { get; }

    /// <summary>N, the number of rows (≥ 1).</summary>
    long RowCount { get; }

    /// <summary>D, the number of columns (≥ 1).</summary>
    int ColumnCount { get; }

    /// <summary>The name of each column (length <see cref="ColumnCount"/>).</summary>
    IReadOnlyList<string> ColumnNames { get; }

    /// <summary>
    /// A chunk length (rows) that suits the storage, such as a Parquet row group, between 1 and
    /// <see cref="RowCount"/>; reads of other lengths are allowed and give the same values.
    /// </summary>
    int PreferredChunkRows { get; }

    /// <summary>
    /// Reads rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>):
    /// value (firstRow + i, j) goes to <c>columns[j][i]</c>; nothing else in the arrays is written.
    /// </summary>
    /// <param name="firstRow">The first row, 0 ≤ firstRow ≤ <see cref="RowCount"/> − rowCount.</param>
    /// <param name="rowCount">The number of rows, ≥ 0.</param>
    /// <param name="columns"><see cref="ColumnCount"/> arrays, each at least <paramref name="rowCount"/> long.</param>
    /// <exception cref="ArgumentException">The range is outside the table, or the arrays are too few or too short.</exception>
    /// <exception cref="DataFileException">The file cannot be read, or a value in the range is not a finite number.</exception>
    void ReadChunk(long firstRow, int rowCount, double[][] columns);
}

/// <summary>Operations on any <see cref="IChunkedTable"/>.</summary>
public static class ChunkedTable
{
    /// <summary>Reads the whole table into memory: one array per column.</summary>
    /// <exception cref="InvalidOperationException">The table has more rows than an array can hold.</exception>
    /// <exception cref="DataFileException">As <see cref="IChunkedTable.ReadChunk"/>.</exception>
    public static double[][] ReadAll(IChunkedTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.RowCount > Array.MaxLength)
            throw new InvalidOperationException($"{table.Name} has {table.RowCount} rows, more than an array can hold; read it in chunks.");
        int n = (int)table.RowCount;
        var columns = new double[table.ColumnCount][];
        for (int j = 0; j < columns.Length; j++) columns[j] = GC.AllocateUninitializedArray<double>(n);
        int step = (int)Math.Clamp(table.PreferredChunkRows, 1, n);
        var chunk = new double[columns.Length][];
        for (int j = 0; j < chunk.Length; j++) chunk[j] = new double[step];
        for (int first = 0; first < n; first += step)
        {
            int count = Math.Min(step, n - first);
            table.ReadChunk(first, count, chunk);
            for (int j = 0; j < columns.Length; j++) chunk[j].AsSpan(0, count).CopyTo(columns[j].AsSpan(first));
        }
        return columns;
    }

    /// <summary>Checks the arguments of <see cref="IChunkedTable.ReadChunk"/>.</summary>
    internal static void CheckRead(IChunkedTable table, long firstRow, int rowCount, double[][] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (firstRow > table.RowCount - rowCount)
            throw new ArgumentException($"rows [{firstRow}, {firstRow + rowCount}) are outside the table's {table.RowCount} rows.", nameof(firstRow));
        if (columns.Length < table.ColumnCount)
            throw new ArgumentException($"{columns.Length} column arrays given for {table.ColumnCount} columns.", nameof(columns));
        for (int j = 0; j < table.ColumnCount; j++)
        {
            if (columns[j] is null || columns[j].Length < rowCount)
                throw new ArgumentException($"column array {j} holds {columns[j]?.Length ?? 0} values, fewer than the {rowCount} rows asked for.", nameof(columns));
        }
    }
}
