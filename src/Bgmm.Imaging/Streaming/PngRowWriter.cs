using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using Bgmm.Imaging.Png;

namespace Bgmm.Imaging.Streaming;

/// <summary>The pixel layouts <see cref="PngRowWriter"/> writes, all 8 bits per channel.</summary>
public enum PngRowFormat
{
    /// <summary>Greyscale (colour type 0): one byte per pixel.</summary>
    Grey8,

    /// <summary>RGB (colour type 2): three bytes per pixel, R, G, B.</summary>
    Rgb8,

    /// <summary>RGBA (colour type 6), unpremultiplied: four bytes per pixel, R, G, B, A.</summary>
    Rgba8,
}

/// <summary>
/// Writes a PNG to a stream one row at a time, top to bottom, so that images larger than memory
/// can be written: memory is a few rows plus one compressed chunk and the zlib state, whatever
/// the height.
/// </summary>
/// <remarks>
/// <para>
/// The constructor writes the signature and the header; each <see cref="WriteRow"/> filters the
/// row (None, Sub or Up, whichever has the smallest sum of absolute residuals, a cheap form of
/// the usual heuristic) and compresses it with zlib; the compressed data goes out as IDAT chunks
/// of at most <see cref="MaxChunkData"/> bytes, each with its CRC. <see cref="Complete"/> ends the
/// data and writes the end chunk. A writer disposed before <see cref="Complete"/> leaves an
/// unfinished file that decoders refuse: write to a temporary file and rename it once complete.
/// </para>
/// <para>
/// The file carries no colour-space, gamma or text chunks, as the project's other PNG encoders.
/// Rows are not allocated per call; a writer is for one thread at a time.
/// </para>
/// </remarks>
public sealed class PngRowWriter : IDisposable
{
    /// <summary>The largest data length of an IDAT chunk written.</summary>
    public const int MaxChunkData = 1 << 16;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly IdatChunkStream _idat;
    private readonly ZLibStream _deflate;
    private readonly int _bytesPerPixel;
    private readonly byte[] _previous, _filtered, _zeros;
    private bool _completed, _disposed;

    /// <summary>Starts a PNG of <paramref name="width"/>×<paramref name="height"/> pixels on <paramref name="output"/>.</summary>
    /// <param name="output">A writable stream; the PNG starts at its current position.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="format">The layout of the rows given to <see cref="WriteRow"/>, which is also the PNG's colour type.</param>
    /// <param name="compression">The zlib effort; the default favours speed.</param>
    /// <param name="leaveOpen">Whether <paramref name="output"/> stays open when the writer is disposed.</param>
    /// <exception cref="ArgumentException">A size is below 1, a row would be too long, or the stream cannot be written.</exception>
    public PngRowWriter(Stream output, int width, int height, PngRowFormat format,
        CompressionLevel compression = CompressionLevel.Fastest, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!output.CanWrite) throw new ArgumentException("the stream cannot be written.", nameof(output));
        _bytesPerPixel = format switch
        {
            PngRowFormat.Grey8 => 1,
            PngRowFormat.Rgb8 => 3,
            PngRowFormat.Rgba8 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a PNG row format."),
        };
        long rowBytes = (long)width * _bytesPerPixel;
        if (rowBytes + 1 > Array.MaxLength)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a row of {width} {format} pixels is {rowBytes} bytes, more than one array can hold."), nameof(width));

        Width = width;
        Height = height;
        Format = format;
        RowBytes = (int)rowBytes;
        _output = output;
        _leaveOpen = leaveOpen;
        _previous = new byte[RowBytes];
        _zeros = new byte[RowBytes];
        _filtered = new byte[RowBytes + 1];

        WriteHeader();
        _idat = new IdatChunkStream(output);
        _deflate = new ZLibStream(_idat, compression, leaveOpen: true);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels: the number of rows to write.</summary>
    public int Height { get; }

    /// <summary>The layout of each row.</summary>
    public PngRowFormat Format { get; }

    /// <summary>The length in bytes of each row given to <see cref="WriteRow"/>: width × bytes per pixel.</summary>
    public int RowBytes { get; }

    /// <summary>The number of rows written so far.</summary>
    public int RowsWritten { get; private set; }

    /// <summary>Writes the next row (top to bottom).</summary>
    /// <param name="row">Exactly <see cref="RowBytes"/> bytes in the layout of <see cref="Format"/>.</param>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">All rows are already written, or the writer is completed or disposed.</exception>
    /// <exception cref="IOException">The output stream failed.</exception>
    public void WriteRow(ReadOnlySpan<byte> row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("the PNG is already completed.");
        if (row.Length != RowBytes)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the row has {row.Length} bytes; a {Width}-pixel {Format} row has {RowBytes}."), nameof(row));
        if (RowsWritten == Height)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"all {Height} rows are already written."));

        Filter(row);
        _deflate.Write(_filtered);
        row.CopyTo(_previous);
        RowsWritten++;
    }

    /// <summary>Ends the image data and writes the end chunk; the PNG is then complete.</summary>
    /// <exception cref="InvalidOperationException">Fewer than <see cref="Height"/> rows were written.</exception>
    /// <exception cref="IOException">The output stream failed.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) return;
        if (RowsWritten != Height)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"only {RowsWritten} of {Height} rows were written."));
        _deflate.Dispose(); // writes the end of the zlib stream into the pending chunk
        _idat.WritePendingChunk();
        WriteChunk(_output, PngFile.IEND, []);
        _output.Flush();
        _completed = true;
    }

    /// <summary>Releases the zlib state and, unless asked to leave it open, the stream; does not complete the PNG.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_completed)
        {
            // Dispose would try to finish the zlib stream through a chunk stream nobody will write out.
            _idat.Discard();
        }
        _deflate.Dispose();
        if (!_leaveOpen) _output.Dispose();
    }

    private void WriteHeader()
    {
        _output.Write(PngFile.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)Height);
        ihdr[8] = 8;
        ihdr[9] = Format switch { PngRowFormat.Grey8 => 0, PngRowFormat.Rgb8 => 2, _ => 6 };
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // not interlaced
        WriteChunk(_output, PngFile.IHDR, ihdr);
    }

    /// <summary>Writes <c>_filtered</c>: the filter type, then the row filtered with it.</summary>
    private void Filter(ReadOnlySpan<byte> row)
    {
        int bpp = _bytesPerPixel;
        Span<byte> output = _filtered.AsSpan(1);
        long none = AbsoluteResiduals(row, _zeros);
        long sub = AbsoluteResiduals(row[..bpp], _zeros.AsSpan(0, bpp)) + AbsoluteResiduals(row[bpp..], row[..^bpp]);
        long up = RowsWritten == 0 ? long.MaxValue : AbsoluteResiduals(row, _previous);
        if (none <= sub && none <= up)
        {
            _filtered[0] = 0;
            row.CopyTo(output);
        }
        else if (sub <= up)
        {
            _filtered[0] = 1;
            row[..bpp].CopyTo(output);
            Subtract(row[bpp..], row[..^bpp], output[bpp..]);
        }
        else
        {
            _filtered[0] = 2;
            Subtract(row, _previous, output);
        }
    }

    /// <summary>Σ |a[i] − b[i]|, each difference taken modulo 256 as a signed byte.</summary>
    internal static long AbsoluteResiduals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long total = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sum = Vector<ushort>.Zero;
            int steps = 0;
            for (; i <= a.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector<byte> d = new Vector<byte>(a[i..]) - new Vector<byte>(b[i..]);
                // |signed d| = min(d, 256 − d) in unsigned bytes; 0x80 gives 128.
                Vector.Widen(Vector.Min(d, Vector<byte>.Zero - d), out Vector<ushort> low, out Vector<ushort> high);
                sum += low + high;
                if (++steps == 255)
                {
                    // Each lane has grown by at most 256 per step: 255 steps stay below 65536.
                    total += Total(sum);
                    sum = Vector<ushort>.Zero;
                    steps = 0;
                }
            }
            total += Total(sum);
        }
        for (; i < a.Length; i++)
        {
            int d = (byte)(a[i] - b[i]);
            total += Math.Min(d, 256 - d);
        }
        return total;

        static long Total(Vector<ushort> sum)
        {
            Vector.Widen(sum, out Vector<uint> low, out Vector<uint> high);
            return Vector.Sum(low + high);
        }
    }

    /// <summary>output[i] = a[i] − b[i] modulo 256.</summary>
    private static void Subtract(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                (new Vector<byte>(a[i..]) - new Vector<byte>(b[i..])).CopyTo(output[i..]);
        }
        for (; i < a.Length; i++) output[i] = (byte)(a[i] - b[i]);
    }

    /// <summary>Writes one chunk: length, type, data and the CRC of type and data.</summary>
    internal static void WriteChunk(Stream output, uint type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(word[4..], type);
        output.Write(word);
        output.Write(data);
        PngCrc crc = PngCrc.Start();
        crc.Append(word[4..]);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.Value);
        output.Write(word[..4]);
    }

    /// <summary>Collects zlib's output and writes it as IDAT chunks of at most <see cref="MaxChunkData"/> bytes.</summary>
    private sealed class IdatChunkStream(Stream output) : Stream
    {
        // Length and type, data, CRC: one chunk is written with one call.
        private readonly byte[] _chunk = new byte[8 + MaxChunkData + 4];
        private int _length;
        private bool _discarded;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_discarded) return;
            while (buffer.Length > 0)
            {
                int count = Math.Min(buffer.Length, MaxChunkData - _length);
                buffer[..count].CopyTo(_chunk.AsSpan(8 + _length));
                _length += count;
                buffer = buffer[count..];
                if (_length == MaxChunkData) WritePendingChunk();
            }
        }

        /// <summary>Writes the data collected so far as one IDAT chunk (none when there is none).</summary>
        public void WritePendingChunk()
        {
            if (_length == 0) return;
            BinaryPrimitives.WriteUInt32BigEndian(_chunk, (uint)_length);
            BinaryPrimitives.WriteUInt32BigEndian(_chunk.AsSpan(4), PngFile.IDAT);
            PngCrc crc = PngCrc.Start();
            crc.Append(_chunk.AsSpan(4, 4 + _length));
            BinaryPrimitives.WriteUInt32BigEndian(_chunk.AsSpan(8 + _length), crc.Value);
            output.Write(_chunk, 0, 12 + _length);
            _length = 0;
        }

        /// <summary>Drops whatever is written from now on (the PNG is being abandoned).</summary>
        public void Discard() => _discarded = true;

        // zlib flushes are not chunk boundaries: chunks are cut by size alone.
        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
