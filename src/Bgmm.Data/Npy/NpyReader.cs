using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Bgmm.Data.Npy;

/// <summary>
/// Reads a NumPy <c>.npy</c> file of shape (N, D) or (N,) as an <see cref="IChunkedTable"/> of N
/// rows and D columns (1 for a one-dimensional array), by positioned reads of the rows asked for —
/// the file is never mapped or loaded whole.
/// </summary>
/// <remarks>
/// <para>
/// Accepted: format versions 1.0, 2.0 and 3.0; C order (row after row: a chunk of rows is one
/// contiguous read) and Fortran order (column after column: one read per column); element types
/// float64, float32 and float16, widened to double exactly, and signed or unsigned integers of 1 to
/// 8 bytes, converted to the nearest double (exact up to 2⁵³ in magnitude, as the same number
/// written in a CSV file would be read); little- or big-endian. Refused with a message that says
/// how to re-save the array: complex numbers, booleans, text, objects, dates, structured types,
/// arrays of 0 or more than 2 dimensions, and arrays without values.
/// </para>
/// <para>
/// A file shorter than its header says is refused when opened; a NaN or infinite value is a
/// <see cref="DataFileException"/> from the read whose rows hold it, naming its row and column
/// (counted from 1, with the NumPy index). Memory is a read buffer of at most
/// <see cref="ReadBufferBytes"/> bytes (or one row, if longer), whatever the chunk asked for.
/// </para>
/// </remarks>
public sealed class NpyReader : IChunkedTable
{
    /// <summary>The largest read made at once.</summary>
    public const int ReadBufferBytes = 1 << 20;

    /// <summary>The most columns an array may have (a row must fit the read buffer's order of size).</summary>
    public const int MaxColumns = 1 << 16;

    private readonly FileStream _stream;
    private readonly SafeFileHandle _file;
    private readonly NpyHeader _header;
    private readonly FileStamp _stamp;
    private readonly int _size;
    private byte[] _buffer = [];

    private NpyReader(FileStream stream, NpyHeader header, string name)
    {
        _stream = stream;
        _file = stream.SafeFileHandle;
        _header = header;
        _stamp = FileStamp.Of(_file, name);
        _size = header.ElementType.Size;
        Name = name;
        RowCount = header.Shape[0];
        ColumnCount = header.Shape.Length == 2 ? (int)header.Shape[1] : 1;
        ColumnNames = InMemoryTable.DefaultColumnNames(ColumnCount);
    }

    /// <summary>The file as given to <see cref="Open"/>; messages name it so.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public long RowCount { get; }

    /// <inheritdoc/>
    public int ColumnCount { get; }

    /// <summary>"column 1", "column 2", …: .npy files have no column names.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Rows of about a megabyte of stored values.</summary>
    public int PreferredChunkRows => (int)Math.Clamp(ReadBufferBytes / ((long)ColumnCount * _size), 1, RowCount);

    /// <summary>The NumPy element type, as stored (for instance <c>&lt;f8</c>).</summary>
    public string DataType => _header.Descr;

    /// <summary>Whether the array is stored column after column (Fortran order) rather than row after row (C order).</summary>
    public bool IsFortranOrder => _header.FortranOrder;

    /// <summary>Opens <paramref name="path"/> and reads its header.</summary>
    /// <exception cref="DataFileException">The file is missing, unreadable, not a .npy file, truncated, or holds an array this reader does not take.</exception>
    public static NpyReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return OpenStream(DataFiles.Open(path), path);
    }

    /// <summary>Reads the header of the .npy file open as <paramref name="stream"/> (which the reader then owns), named <paramref name="path"/> in messages.</summary>
    internal static NpyReader OpenStream(FileStream stream, string path)
    {
        try
        {
            NpyHeader header = NpyHeader.Read(stream, path);
            long[] shape = header.Shape;
            if (shape.Length is 0 or > 2)
            {
                throw new DataFileException(path, shape.Length == 0
                    ? $"{path}: the array is a single number (shape ()); save an array of shape (N, D) with one row per point."
                    : $"{path}: the array has {shape.Length} dimensions ({Shape(shape)}); reshape it to (N, D), one row per point, for instance array.reshape(len(array), -1).");
            }
            if (Array.Exists(shape, d => d == 0))
                throw new DataFileException(path, $"{path}: the array has no values (shape {Shape(shape)}); give at least one row and one column.");
            if (shape.Length == 2 && shape[1] > MaxColumns)
                throw new DataFileException(path, $"{path}: the array has {shape[1]} columns, more than the {MaxColumns} this reader takes; is it transposed? Save it with one row per point, shape (N, D).");
            decimal expected = (decimal)shape[0] * (shape.Length == 2 ? shape[1] : 1) * header.ElementType.Size;
            long available = stream.Length - header.DataOffset;
            if (available < expected)
            {
                throw new DataFileException(path, string.Create(CultureInfo.InvariantCulture,
                    $"{path}: the file is truncated: its header declares {Shape(shape)} {header.ElementType.DisplayName} values ({expected:N0} bytes) but only {Math.Max(0, available):N0} bytes follow the header; save it again."));
            }
            // The stream has read the header; the rows are read through its handle at explicit offsets.
            return new NpyReader(stream, header, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void ReadChunk(long firstRow, int rowCount, double[][] columns)
    {
        ChunkedTable.CheckRead(this, firstRow, rowCount, columns);
        _stamp.Check(_file, Name);
        int d = ColumnCount;
        if (_header.FortranOrder || d == 1)
        {
            // Column j's values are contiguous: rows [first, first + count) of it are one range.
            int perRead = Math.Max(1, ReadBufferBytes / _size);
            for (int j = 0; j < d; j++)
            {
                for (int done = 0; done < rowCount; done += perRead)
                {
                    int count = Math.Min(perRead, rowCount - done);
                    long offset = _header.DataOffset + ((long)j * RowCount + firstRow + done) * _size;
                    Span<byte> bytes = Fill(offset, count * _size);
                    Decode(bytes, columns[j].AsSpan(done, count), stride: 1, firstIndex: 0);
                    CheckFinite(columns[j].AsSpan(done, count), firstRow + done, j);
                }
            }
        }
        else
        {
            long rowBytes = (long)d * _size;
            int rowsPerRead = (int)Math.Max(1, ReadBufferBytes / rowBytes);
            for (int done = 0; done < rowCount; done += rowsPerRead)
            {
                int count = Math.Min(rowsPerRead, rowCount - done);
                Span<byte> bytes = Fill(_header.DataOffset + (firstRow + done) * rowBytes, (int)(count * rowBytes));
                if (IsNativeFloat64)
                {
                    // The common case, float64 in this machine's byte order: one copy per column, and the
                    // row-by-row search for a bad value only when a vectorised test finds one.
                    ReadOnlySpan<double> values = MemoryMarshal.Cast<byte, double>(bytes);
                    for (int j = 0; j < d; j++) Deinterleave(values, columns[j].AsSpan(done, count), d, j);
                    if (AllFinite(values)) continue;
                }
                else
                {
                    for (int j = 0; j < d; j++) Decode(bytes, columns[j].AsSpan(done, count), stride: d, firstIndex: j);
                }
                CheckFiniteByRow(columns, done, count, firstRow + done);
            }
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> into the buffer.</summary>
    private Span<byte> Fill(long offset, int length)
    {
        if (_buffer.Length < length) _buffer = GC.AllocateUninitializedArray<byte>(length);
        Span<byte> bytes = _buffer.AsSpan(0, length);
        int done = 0;
        try
        {
            while (done < length)
            {
                int got = RandomAccess.Read(_file, bytes[done..], offset + done);
                if (got == 0)
                    throw new DataFileException(Name, $"{Name}: the file became shorter while it was read; do not modify it while it is read.");
                done += got;
            }
        }
        catch (IOException ex)
        {
            throw new DataFileException(Name, $"{Name}: cannot read the file ({DataFiles.Describe(ex)}).", ex);
        }
        return bytes;
    }

    /// <summary>Whether the values are float64 in this machine's byte order (read without conversion).</summary>
    private bool IsNativeFloat64 => _header.ElementType is { Kind: 'f', Size: 8 } t && t.BigEndian != BitConverter.IsLittleEndian;

    /// <summary>Copies elements first, first + stride, … of <paramref name="values"/> to <paramref name="column"/>.</summary>
    private static void Deinterleave(ReadOnlySpan<double> values, Span<double> column, int stride, int first)
    {
        ref double source = ref MemoryMarshal.GetReference(values);
        nint at = first;
        for (int i = 0; i < column.Length; i++, at += stride) column[i] = Unsafe.Add(ref source, at);
    }

    /// <summary>Whether no value is NaN or infinite (all exponent bits set, either sign); vectorised (the BCL's range search).</summary>
    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        ReadOnlySpan<ulong> bits = MemoryMarshal.Cast<double, ulong>(values);
        return !bits.ContainsAnyInRange(0x7FF0_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL) && !bits.ContainsAnyInRange(0xFFF0_0000_0000_0000UL, ulong.MaxValue);
    }

    /// <summary>Decodes elements firstIndex, firstIndex + stride, … of <paramref name="bytes"/> into <paramref name="values"/>.</summary>
    private void Decode(ReadOnlySpan<byte> bytes, Span<double> values, int stride, int firstIndex)
    {
        NpyElementType t = _header.ElementType;
        int step = stride * _size;
        ReadOnlySpan<byte> b = bytes[(firstIndex * _size)..];
        bool big = t.BigEndian;
        switch (t.Kind, t.Size)
        {
            case ('f', 8):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadDoubleBigEndian(b[o..]) : BinaryPrimitives.ReadDoubleLittleEndian(b[o..]);
                break;
            case ('f', 4):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadSingleBigEndian(b[o..]) : BinaryPrimitives.ReadSingleLittleEndian(b[o..]);
                break;
            case ('f', _):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = (double)(big ? BinaryPrimitives.ReadHalfBigEndian(b[o..]) : BinaryPrimitives.ReadHalfLittleEndian(b[o..]));
                break;
            case ('i', 1):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = (sbyte)b[o];
                break;
            case ('u', 1):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = b[o];
                break;
            case ('i', 2):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadInt16BigEndian(b[o..]) : BinaryPrimitives.ReadInt16LittleEndian(b[o..]);
                break;
            case ('u', 2):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadUInt16BigEndian(b[o..]) : BinaryPrimitives.ReadUInt16LittleEndian(b[o..]);
                break;
            case ('i', 4):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadInt32BigEndian(b[o..]) : BinaryPrimitives.ReadInt32LittleEndian(b[o..]);
                break;
            case ('u', 4):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadUInt32BigEndian(b[o..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
                break;
            case ('i', _):
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadInt64BigEndian(b[o..]) : BinaryPrimitives.ReadInt64LittleEndian(b[o..]);
                break;
            default:
                for (int i = 0, o = 0; i < values.Length; i++, o += step) values[i] = big ? BinaryPrimitives.ReadUInt64BigEndian(b[o..]) : BinaryPrimitives.ReadUInt64LittleEndian(b[o..]);
                break;
        }
    }

    private void CheckFinite(ReadOnlySpan<double> values, long firstRow, int column)
    {
        if (!_header.ElementType.IsFloat) return;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw NotFinite(firstRow + i, column, values[i]);
        }
    }

    /// <summary>The first non-finite value in file order (row by row), for C order.</summary>
    private void CheckFiniteByRow(double[][] columns, int start, int count, long firstRow)
    {
        if (!_header.ElementType.IsFloat) return;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < columns.Length && j < ColumnCount; j++)
            {
                double v = columns[j][start + i];
                if (!double.IsFinite(v)) throw NotFinite(firstRow + i, j, v);
            }
        }
    }

    private DataFileException NotFinite(long row, int column, double value)
    {
        string what = double.IsNaN(value) ? "NaN" : value > 0 ? "+inf" : "-inf";
        string index = ColumnCount == 1 && _header.Shape.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"[{row}]")
            : string.Create(CultureInfo.InvariantCulture, $"[{row}, {column}]");
        return new DataFileException(Name, string.Create(CultureInfo.InvariantCulture,
            $"{Name}, row {row + 1}, column {column + 1} (index {index}): the value is {what}, not a finite number; remove or impute missing and infinite values."));
    }

    private static string Shape(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
