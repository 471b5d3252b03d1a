using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Bgmm.Data.Npy;

/// <summary>
/// Writes a NumPy <c>.npy</c> file (format 1.0) of float64 values in C order, shape (N, D), row by row,
/// when N is not known in advance: the header is written first with room for any N and rewritten with
/// the final N by <see cref="Complete"/>. <c>numpy.load</c> and <see cref="NpyReader"/> read the result.
/// </summary>
/// <remarks>
/// The header follows NEP 1 (numpy.lib.format): the magic string \x93NUMPY, version 1.0, the header
/// length as a little-endian uint16, then the Python dictionary
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (N, D), }</c> padded with spaces and ended
/// by a newline so that the data starts at a multiple of 64 bytes; then the values, little-endian,
/// row after row.
/// </remarks>
public sealed class NpyWriter : IDisposable
{
    private const int BufferBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _headerBytes;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _used;
    private bool _completed;

    /// <summary>Starts an array of <paramref name="columns"/> columns at the current position of <paramref name="stream"/> (which must be seekable).</summary>
    /// <param name="stream">Where the file goes; written from its current position.</param>
    /// <param name="columns">D ≥ 1.</param>
    /// <param name="leaveOpen">Leave the stream open on dispose.</param>
    public NpyWriter(Stream stream, int columns, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (!stream.CanSeek || !stream.CanWrite) throw new ArgumentException("the stream must be writable and seekable (the header is rewritten at the end).", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        ColumnCount = columns;
        Start = stream.Position;
        // Room for the longest N (19 digits): the header keeps its length when N is written.
        byte[] header = Header(long.MaxValue, columns, 0);
        _headerBytes = header.Length;
        _stream.Write(Header(0, columns, _headerBytes));
    }

    /// <summary>D.</summary>
    public int ColumnCount { get; }

    /// <summary>Rows written so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>The position of the file's first byte in the stream.</summary>
    private long Start { get; }

    /// <summary>Appends one row of D values.</summary>
    public void WriteRow(ReadOnlySpan<double> row)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (row.Length != ColumnCount) throw new ArgumentException($"the row has {row.Length} values; the array has {ColumnCount} columns.", nameof(row));
        foreach (double v in row)
        {
            if (_used + 8 > _buffer.Length) Flush();
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_used), v);
            _used += 8;
        }
        RowCount++;
    }

    /// <summary>Appends rows 0 … <paramref name="count"/> − 1 of <paramref name="columns"/> (value (i, j) in <c>columns[j][i]</c>).</summary>
    public void WriteRows(double[][] columns, int count)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (columns.Length != ColumnCount) throw new ArgumentException($"{columns.Length} columns given; the array has {ColumnCount}.", nameof(columns));
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < ColumnCount; j++)
            {
                if (_used + 8 > _buffer.Length) Flush();
                BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_used), columns[j][i]);
                _used += 8;
            }
        }
        RowCount += count;
    }

    /// <summary>Writes the buffered rows and the header with the final N, and flushes the stream; no row may follow.</summary>
    public void Complete()
    {
        if (_completed) return;
        Flush();
        long end = _stream.Position;
        _stream.Position = Start;
        _stream.Write(Header(RowCount, ColumnCount, _headerBytes));
        _stream.Position = end;
        _stream.Flush();
        _completed = true;
    }

    /// <summary>Closes the stream unless it was left open; does not complete the file.</summary>
    public void Dispose()
    {
        _completed = true;
        if (!_leaveOpen) _stream.Dispose();
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <summary>The magic string, version, length and dictionary, padded to <paramref name="length"/> bytes (0: to the next multiple of 64).</summary>
    private static byte[] Header(long rows, int columns, int length)
    {
        string dictionary = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        const int prefix = 10;
        int total = length > 0 ? length : (prefix + dictionary.Length + 1 + 63) / 64 * 64;
        string text = dictionary.PadRight(total - prefix - 1) + "\n";
        var header = new byte[total];
        header[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(prefix));
        return header;
    }
}
