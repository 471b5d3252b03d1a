using System.Text;
using Bgmm.Data.Csv;
using Bgmm.Data.Npy;

namespace Bgmm.Data;

/// <summary>
/// A CSV of numbers as an <see cref="IChunkedTable"/>, read once when opened (the rules are
/// <c>bgmm fit</c>'s: see the remarks). A file whose values fit the memory budget is held in memory;
/// a larger one is converted, while it is read, into a temporary binary file (a float64 C-order
/// <c>.npy</c> in the system's temporary folder) that later reads come from, and that is deleted when
/// the table is disposed or the process ends, however it ends.
/// </summary>
/// <remarks>
/// <para>Rules: one point per row, D = the number of fields of the first row; an optional header row (a
/// first row with a field that is not a number), whose fields name the columns; comma, semicolon or tab
/// separated (the most frequent in the first row); fields optionally in double quotes; invariant culture
/// ('.' decimal point, exponents allowed); blank lines and a UTF-8 byte-order mark ignored. Every problem
/// is a <see cref="DataFileException"/> naming the file, the line and the column.</para>
/// <para>The values are held in memory when <see cref="TableSource.LoadedBytes"/> of the rows read is at
/// most the budget, which is when a <see cref="TableSource"/> with the same budget loads them (it then
/// uses these columns without a copy). Otherwise 8·D bytes per row go to the temporary file: on Unix the
/// file is unlinked as soon as it is created and lives only as long as its handle.</para>
/// </remarks>
public sealed class CsvTable : IChunkedTable, IColumnsInMemory
{
    /// <summary>Lines read between two checks for cancellation.</summary>
    private const int CancellationCheckRows = 1 << 14;

    private readonly InMemoryTable? _memory;
    private readonly NpyReader? _converted;

    private CsvTable(string name, string[]? header, InMemoryTable? memory, NpyReader? converted)
    {
        Name = name;
        Header = header;
        _memory = memory;
        _converted = converted;
        IChunkedTable table = (IChunkedTable?)memory ?? converted!;
        RowCount = table.RowCount;
        ColumnCount = table.ColumnCount;
        ColumnNames = header ?? InMemoryTable.DefaultColumnNames(ColumnCount);
    }

    /// <summary>The file's name, as messages name it.</summary>
    public string Name { get; }

    /// <summary>The header row's fields, or null when the file has none.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <inheritdoc/>
    public long RowCount { get; }

    /// <inheritdoc/>
    public int ColumnCount { get; }

    /// <summary>The header's fields, or "column 1", "column 2", … without a header.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <inheritdoc/>
    public int PreferredChunkRows => ((IChunkedTable?)_memory ?? _converted!).PreferredChunkRows;

    /// <summary>Whether the values went to a temporary binary file (they did not fit the budget).</summary>
    public bool IsConverted => _converted is not null;

    double[][]? IColumnsInMemory.Columns => _memory is null ? null : ((IColumnsInMemory)_memory).Columns;

    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <param name="path">The file (UTF-8, with or without a byte-order mark).</param>
    /// <param name="memoryBudget">Bytes the values may take in memory (<see cref="TableSource.LoadedBytes"/>); 0 converts any file.</param>
    /// <param name="temporaryFolder">Where the binary copy goes; null for the system's temporary folder.</param>
    /// <param name="cancellationToken">Stops the reading (and deletes the temporary file).</param>
    /// <exception cref="DataFileException">The file cannot be read, is not a CSV of numbers, or the temporary file cannot be written.</exception>
    public static CsvTable Open(string path, long memoryBudget, string? temporaryFolder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream file = DataFiles.Open(path, allowEmpty: true);
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path), memoryBudget, temporaryFolder, cancellationToken);
    }

    /// <summary>Reads a CSV from <paramref name="reader"/>, named <paramref name="name"/> in messages.</summary>
    /// <inheritdoc cref="Open" path="/param[@name='memoryBudget']"/>
    /// <inheritdoc cref="Open" path="/param[@name='temporaryFolder']"/>
    /// <inheritdoc cref="Open" path="/param[@name='cancellationToken']"/>
    /// <inheritdoc cref="Open" path="/exception"/>
    public static CsvTable Read(TextReader reader, string name, long memoryBudget, string? temporaryFolder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudget);
        var rows = new CsvRows(reader, name);
        var held = new ColumnBuffer();
        TemporaryNpy? spill = null;
        try
        {
            while (rows.Next())
            {
                if (rows.Rows % CancellationCheckRows == 0) cancellationToken.ThrowIfCancellationRequested();
                if (spill is not null)
                {
                    spill.Write(rows.Values);
                    continue;
                }
                held.Add(rows.Values);
                // Columns in memory hold at most Array.MaxLength rows, whatever the budget.
                if (TableSource.LoadedBytes(held.Rows, rows.Values.Length) > memoryBudget || held.Rows == Array.MaxLength)
                {
                    spill = new TemporaryNpy(name, rows.Values.Length, temporaryFolder);
                    held.MoveTo(spill);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (spill is null) return new CsvTable(name, rows.Header, new InMemoryTable(held.ToColumns(), rows.Header, name), null);
            NpyReader converted = spill.Complete();
            spill = null;
            return new CsvTable(name, rows.Header, null, converted);
        }
        finally
        {
            spill?.Dispose();
        }
    }

    /// <inheritdoc/>
    public void ReadChunk(long firstRow, int rowCount, double[][] columns) =>
        ((IChunkedTable?)_memory ?? _converted!).ReadChunk(firstRow, rowCount, columns);

    /// <summary>Releases the values and deletes the temporary file, if any.</summary>
    public void Dispose() => _converted?.Dispose();

    /// <summary>Rows appended in segments (no array is copied to grow), joined into columns at the end.</summary>
    private sealed class ColumnBuffer
    {
        private const int SegmentRows = 1 << 14;
        private readonly List<double[][]> _segments = [];
        private int _inLast = SegmentRows;

        public long Rows { get; private set; }

        public void Add(double[] row)
        {
            if (_inLast == SegmentRows)
            {
                _segments.Add(TableBlocks.NewColumns(row.Length, SegmentRows));
                _inLast = 0;
            }
            double[][] last = _segments[^1];
            for (int j = 0; j < row.Length; j++) last[j][_inLast] = row[j];
            _inLast++;
            Rows++;
        }

        public double[][] ToColumns()
        {
            int d = _segments[0].Length;
            double[][] columns = TableBlocks.NewColumns(d, checked((int)Rows));
            for (int s = 0; s < _segments.Count; s++)
            {
                int count = s == _segments.Count - 1 ? _inLast : SegmentRows;
                for (int j = 0; j < d; j++) _segments[s][j].AsSpan(0, count).CopyTo(columns[j].AsSpan(s * SegmentRows));
            }
            return columns;
        }

        /// <summary>Writes the rows held to <paramref name="file"/> and forgets them.</summary>
        public void MoveTo(TemporaryNpy file)
        {
            var row = new double[_segments[0].Length];
            for (int s = 0; s < _segments.Count; s++)
            {
                int count = s == _segments.Count - 1 ? _inLast : SegmentRows;
                for (int i = 0; i < count; i++)
                {
                    for (int j = 0; j < row.Length; j++) row[j] = _segments[s][j][i];
                    file.Write(row);
                }
            }
            _segments.Clear();
        }
    }
}
