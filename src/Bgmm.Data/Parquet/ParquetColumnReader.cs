using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Bgmm.Data.Parquet;

/// <summary>A top-level column of a Parquet file: its name, its type as a short word, and whether it can be read as numbers.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">"double", "float", "int32", "decimal", "string", "boolean", "date/time", …</param>
/// <param name="IsNumeric">Whether <see cref="ParquetColumnReader"/> can read it.</param>
/// <param name="IsNullable">Whether the schema allows missing values (which are refused when met).</param>
public sealed record ParquetColumn(string Name, string Type, bool IsNumeric, bool IsNullable);

/// <summary>
/// Reads numeric columns of a Parquet file (through Parquet.Net) as an <see cref="IChunkedTable"/>,
/// one row group at a time: memory is about one row group of the selected columns.
/// </summary>
/// <remarks>
/// <para>
/// Numeric columns are the top-level, non-repeated columns of type double, float, half, signed or
/// unsigned integers of 8 to 64 bits, and decimal. Floats are widened to double exactly; integers
/// and decimals become the nearest double (a decimal through its exact decimal text, so the value
/// is the one a CSV file holding that text would give). Text, booleans, dates, binary, nested and
/// repeated columns are not numeric and cannot be selected.
/// </para>
/// <para>
/// A missing (null) value, a NaN or an infinity is a <see cref="DataFileException"/> from the read
/// whose rows hold it, naming the column and the row (counted from 1). Reads are served from the
/// decoded row group when they fall inside it, so chunks in file order decode each group once.
/// Parquet.Net's API is asynchronous; this reader waits for it (there is no synchronization
/// context to deadlock on in a console program or on a thread-pool thread).
/// </para>
/// </remarks>
public sealed class ParquetColumnReader : IChunkedTable
{
    private readonly ParquetReader _reader;
    private readonly FileStream _file;
    private readonly FileStamp _stamp;
    private readonly DataField[] _fields;
    private readonly long[] _groupStart; // first row of each row group, then the total
    private double[][] _group;
    private int _cachedGroup = -1;

    private ParquetColumnReader(string name, ParquetReader reader, FileStream file, DataField[] fields, long[] groupStart)
    {
        Name = name;
        _reader = reader;
        _file = file;
        _stamp = FileStamp.Of(file.SafeFileHandle, name);
        _fields = fields;
        _groupStart = groupStart;
        ColumnNames = [.. fields.Select(f => f.Name)];
        _group = new double[fields.Length][];
        long largest = 1;
        for (int g = 0; g + 1 < groupStart.Length; g++) largest = Math.Max(largest, groupStart[g + 1] - groupStart[g]);
        PreferredChunkRows = (int)Math.Min(largest, Array.MaxLength);
    }

    /// <summary>The file as given to <see cref="Open"/>; messages name it so.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public long RowCount => _groupStart[^1];

    /// <inheritdoc/>
    public int ColumnCount => _fields.Length;

    /// <summary>The selected columns' names, in the order they were asked for (or in file order).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The rows of the largest row group.</summary>
    public int PreferredChunkRows { get; }

    /// <summary>How many times a row group was decoded (for tests of the caching).</summary>
    internal int GroupsDecoded { get; private set; }

    /// <summary>Decoded values the reader holds (for tests: one row group's at most).</summary>
    internal long ValuesHeld => _group.Sum(c => (long)(c?.Length ?? 0));

    /// <summary>The number of row groups in the file.</summary>
    public int RowGroupCount => _groupStart.Length - 1;

    /// <summary>Every top-level column of the file at <paramref name="path"/>, in file order.</summary>
    /// <exception cref="DataFileException">The file is missing, unreadable or not a Parquet file.</exception>
    public static IReadOnlyList<ParquetColumn> ListColumns(string path)
    {
        ParquetReader reader = OpenReader(path, out _);
        try
        {
            return [.. reader.Schema.Fields.Select(Describe)];
        }
        finally
        {
            Close(reader);
        }
    }

    /// <summary>Opens <paramref name="path"/> to read the given columns.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="columns">The columns to read, by exact name, in the order wanted; null for every numeric column in file order.</param>
    /// <exception cref="DataFileException">The file is missing, unreadable, not a Parquet file or has no rows; a column asked for is missing, not numeric or asked for twice; or the file has no numeric column.</exception>
    public static ParquetColumnReader Open(string path, IReadOnlyList<string>? columns = null)
    {
        ParquetReader reader = OpenReader(path, out FileStream file);
        try
        {
            DataField[] fields = Select(path, reader.Schema, columns);
            var groupStart = new long[reader.RowGroupCount + 1];
            for (int g = 0; g < reader.RowGroupCount; g++) groupStart[g + 1] = groupStart[g] + reader.RowGroups[g].RowCount;
            if (groupStart[^1] == 0) throw new DataFileException(path, $"{path}: the file has no rows; give at least one row.");
            return new ParquetColumnReader(path, reader, file, fields, groupStart);
        }
        catch
        {
            Close(reader);
            throw;
        }
    }

    /// <inheritdoc/>
    public void ReadChunk(long firstRow, int rowCount, double[][] columns)
    {
        ChunkedTable.CheckRead(this, firstRow, rowCount, columns);
        int done = 0;
        while (done < rowCount)
        {
            long row = firstRow + done;
            int g = Array.BinarySearch(_groupStart, row);
            if (g < 0) g = ~g - 1;
            while (_groupStart[g + 1] == _groupStart[g]) g++; // empty row groups hold no rows
            LoadGroup(g);
            int offset = (int)(row - _groupStart[g]);
            int count = (int)Math.Min(rowCount - done, _groupStart[g + 1] - row);
            for (int j = 0; j < _fields.Length; j++) _group[j].AsSpan(offset, count).CopyTo(columns[j].AsSpan(done));
            done += count;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => Close(_reader);

    /// <summary>Parquet.Net's reader is only asynchronously disposable; closing a file does not block for long.</summary>
    private static void Close(ParquetReader reader) => reader.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static ParquetReader OpenReader(string path, out FileStream stream)
    {
        stream = DataFiles.Open(path);
        try
        {
            return ParquetReader.CreateAsync(stream, parquetOptions: null, leaveStreamOpen: false).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not DataFileException)
        {
            stream.Dispose();
            throw new DataFileException(path, $"{path}: this is not a readable Parquet file ({DataFiles.Describe(ex)}); check that the file is complete and is Parquet.", ex);
        }
    }

    private static DataField[] Select(string path, ParquetSchema schema, IReadOnlyList<string>? names)
    {
        List<Field> fields = [.. schema.Fields];
        if (names is null)
        {
            DataField[] numeric = [.. fields.OfType<DataField>().Where(f => IsNumeric(f))];
            if (numeric.Length == 0)
            {
                throw new DataFileException(path, $"{path}: the file has no numeric column (its columns: {string.Join(", ", fields.Select(f => $"{f.Name} ({Describe(f).Type})"))}); give a file with numeric columns.");
            }
            return numeric;
        }
        if (names.Count == 0) throw new ArgumentException("give at least one column name, or null for every numeric column.", nameof(names));
        var chosen = new List<DataField>();
        foreach (string name in names)
        {
            Field? field = fields.Find(f => f.Name == name);
            if (field is null)
            {
                Field? similar = fields.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
                string hint = similar is not null ? $"did you mean '{similar.Name}'? " : "";
                throw new DataFileException(path, $"{path}: there is no column '{name}'; {hint}the numeric columns are {NumericList(fields)}.");
            }
            ParquetColumn column = Describe(field);
            if (!column.IsNumeric)
                throw new DataFileException(path, $"{path}: column '{name}' holds {column.Type} values, not numbers; the numeric columns are {NumericList(fields)}.");
            if (chosen.Exists(f => f.Name == name))
                throw new DataFileException(path, $"{path}: column '{name}' is asked for twice; name each column once.");
            chosen.Add((DataField)field);
        }
        return [.. chosen];
    }

    private static string NumericList(List<Field> fields)
    {
        string[] numeric = [.. fields.Where(f => Describe(f).IsNumeric).Select(f => $"'{f.Name}'")];
        return numeric.Length == 0 ? "none" : string.Join(", ", numeric);
    }

    private static bool IsNumeric(DataField field) => !field.IsArray && NumericTypeName(field.ClrType) is not null;

    private static ParquetColumn Describe(Field field)
    {
        if (field is not DataField data) return new ParquetColumn(field.Name, "nested", false, false);
        if (data.IsArray) return new ParquetColumn(field.Name, "repeated", false, data.IsNullable);
        string? numeric = NumericTypeName(data.ClrType);
        string type = numeric ?? (data.ClrType == typeof(bool) ? "boolean"
            : data.ClrType == typeof(DateTime) || data.ClrType == typeof(DateOnly) || data.ClrType == typeof(TimeOnly) || data.ClrType == typeof(TimeSpan) ? "date/time"
            : data.ClrType == typeof(byte[]) ? "binary"
            : "string");
        return new ParquetColumn(field.Name, type, numeric is not null, data.IsNullable);
    }

    private static string? NumericTypeName(Type t) =>
        t == typeof(double) ? "double" : t == typeof(float) ? "float" : t == typeof(Half) ? "half"
        : t == typeof(sbyte) ? "int8" : t == typeof(short) ? "int16" : t == typeof(int) ? "int32" : t == typeof(long) ? "int64"
        : t == typeof(byte) ? "uint8" : t == typeof(ushort) ? "uint16" : t == typeof(uint) ? "uint32" : t == typeof(ulong) ? "uint64"
        : t == typeof(decimal) ? "decimal" : null;

    /// <summary>Decodes row group <paramref name="g"/> into <c>_group</c>, unless it is there already.</summary>
    private void LoadGroup(int g)
    {
        if (g == _cachedGroup) return;
        _cachedGroup = -1;
        _stamp.Check(_file.SafeFileHandle, Name);
        int rows = (int)(_groupStart[g + 1] - _groupStart[g]);
        ParquetRowGroupReader group = _reader.RowGroups[g];
        for (int j = 0; j < _fields.Length; j++)
        {
            if (_group[j] is null || _group[j].Length < rows) _group[j] = GC.AllocateUninitializedArray<double>(rows);
            var column = new ColumnTarget(this, _fields[j], _group[j].AsSpan(0, rows), _groupStart[g]);
            try
            {
                ParquetNumbers.Read(group, _fields[j], rows, ref column);
            }
            catch (Exception ex) when (ex is not DataFileException)
            {
                throw new DataFileException(Name, $"{Name}: column '{_fields[j].Name}' of row group {g + 1} cannot be read ({DataFiles.Describe(ex)}); check that the file is complete.", ex);
            }
        }
        _cachedGroup = g;
        GroupsDecoded++;
    }

    /// <summary>Where one column of a row group goes, and the messages for its bad values.</summary>
    internal readonly ref struct ColumnTarget(ParquetColumnReader table, DataField field, Span<double> values, long firstRow)
    {
        public Span<double> Values { get; } = values;

        public DataFileException Missing(int index) => Bad(index, "missing (null)", "remove or impute missing values");

        public DataFileException NotFinite(int index)
        {
            double v = Values[index];
            return Bad(index, double.IsNaN(v) ? "NaN" : v > 0 ? "+inf" : "-inf", "remove or impute missing and infinite values");
        }

        private DataFileException Bad(int index, string what, string todo) =>
            new(table.Name, string.Create(CultureInfo.InvariantCulture,
                $"{table.Name}, row {firstRow + index + 1}, column '{field.Name}': the value is {what}, not a finite number; {todo}."));
    }
}
