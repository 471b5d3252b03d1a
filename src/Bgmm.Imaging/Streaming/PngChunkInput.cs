using System.Buffers.Binary;
using Bgmm.Imaging.Png;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// The chunks of a PNG read in order from a stream, never more than a small buffer at a time:
/// the header chunk, the chunks before the image data (keeping the palette), the IDAT payloads
/// as one stream for zlib, and the chunks after it up to IEND. Every chunk's CRC is checked as its
/// last byte is read.
/// </summary>
internal sealed class PngChunkInput : Stream
{
    private readonly Stream _input;
    private readonly string _name;
    private readonly byte[] _skip = new byte[4096];
    private uint _type;
    private long _left;       // data bytes of the current chunk not yet read
    private PngCrc _crc;
    private bool _inImageData, _imageDataEnded;

    /// <summary>Reads the signature and IHDR; <paramref name="input"/> must start at the signature.</summary>
    public PngChunkInput(Stream input, string name)
    {
        _input = input;
        _name = name;
        Span<byte> head = stackalloc byte[PngFile.HeaderLength];
        int got = input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got < head.Length || !PngFile.TryReadHeader(head, out PngFile.Header header))
        {
            if (got < head.Length) throw StreamingErrors.Truncated(name, "it ends inside the PNG header");
            throw StreamingErrors.PngCorrupt(name, "its header chunk IHDR is missing or damaged");
        }
        PngCrc crc = PngCrc.Start();
        crc.Append(head.Slice(12, 17));
        if (crc.Value != BinaryPrimitives.ReadUInt32BigEndian(head[29..]))
            throw StreamingErrors.PngCorrupt(name, "its IHDR chunk fails its CRC check (the file is damaged)");
        Header = header;
    }

    public PngFile.Header Header { get; }

    /// <summary>The PLTE entries as R, G, B triples (empty when there is none).</summary>
    public byte[] Palette { get; private set; } = [];

    /// <summary>Reads the chunks before the image data, up to the first IDAT, whose data this stream then gives.</summary>
    public void ReadUpToImageData()
    {
        while (true)
        {
            NextChunk();
            switch (_type)
            {
                case PngFile.IDAT:
                    _inImageData = true;
                    return;
                case PngFile.IEND:
                    throw StreamingErrors.PngCorrupt(_name, "it has no image data (IDAT chunk)");
                case PngFile.PLTE:
                    if (_left % 3 != 0 || _left > 256 * 3 || _left == 0)
                        throw StreamingErrors.PngCorrupt(_name, "its palette (PLTE chunk) does not hold 1 to 256 colours");
                    var palette = new byte[_left];
                    ReadData(palette);
                    FinishChunk();
                    Palette = palette;
                    break;
                default:
                    SkipChunk();
                    break;
            }
        }
    }

    /// <summary>
    /// Reads the rest of the image data and every chunk after it up to IEND, checking their CRCs,
    /// that the IDAT chunks are consecutive and that no unknown critical chunk appears.
    /// </summary>
    public void ReadToEnd()
    {
        _imageDataEnded = true;
        if (_inImageData)
        {
            SkipChunk();
            while (true)
            {
                NextChunk();
                if (_type != PngFile.IDAT) break;
                SkipChunk();
            }
            _inImageData = false;
        }
        while (true)
        {
            if (_type == PngFile.IEND)
            {
                SkipChunk(); // its data should be empty; whatever it holds is read and checked
                return;
            }
            if (_type == PngFile.IDAT) throw StreamingErrors.PngCorrupt(_name, "its image data (IDAT) chunks are not consecutive");
            SkipChunk();
            NextChunk();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (_inImageData && _left == 0)
        {
            FinishChunk();
            NextChunk();
            if (_type != PngFile.IDAT)
            {
                _inImageData = false;
                _imageDataEnded = true;
            }
        }
        if (!_inImageData) return 0;
        return ReadSome(buffer[..(int)Math.Min(buffer.Length, _left)]);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Reads the next chunk's length and type; its data is next.</summary>
    private void NextChunk()
    {
        Span<byte> head = stackalloc byte[8];
        if (_input.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8)
            throw StreamingErrors.Truncated(_name, _imageDataEnded ? "it ends before the PNG's end chunk" : "it ends before the PNG's image data is complete");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (length > int.MaxValue) throw StreamingErrors.PngCorrupt(_name, "a chunk has an impossible length");
        _type = BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
        _left = length;
        _crc = PngCrc.Start();
        _crc.Append(head[4..]);
        bool critical = (_type & 0x20000000u) == 0;
        if (critical && _type is not (PngFile.IHDR or PngFile.PLTE or PngFile.IDAT or PngFile.IEND))
        {
            throw new ImageLoadException(_name, ImageLoadFailure.UnsupportedFormat,
                $"it uses the critical PNG chunk '{TypeName(_type)}', which this reader does not know; re-export it as a standard PNG.");
        }
        if (_type == PngFile.IHDR) throw StreamingErrors.PngCorrupt(_name, "it has a second header chunk (IHDR)");
    }

    private int ReadSome(Span<byte> buffer)
    {
        int got = _input.Read(buffer);
        if (got == 0) throw StreamingErrors.Truncated(_name, $"it ends inside its {TypeName(_type)} chunk");
        _crc.Append(buffer[..got]);
        _left -= got;
        return got;
    }

    private void ReadData(Span<byte> buffer)
    {
        while (!buffer.IsEmpty) buffer = buffer[ReadSome(buffer)..];
    }

    private void SkipChunk()
    {
        while (_left > 0) ReadSome(_skip.AsSpan(0, (int)Math.Min(_skip.Length, _left)));
        FinishChunk();
    }

    /// <summary>Reads the CRC after the chunk's data (all read) and checks it.</summary>
    private void FinishChunk()
    {
        Span<byte> stored = stackalloc byte[4];
        if (_input.ReadAtLeast(stored, 4, throwOnEndOfStream: false) < 4)
            throw StreamingErrors.Truncated(_name, $"it ends inside its {TypeName(_type)} chunk");
        if (BinaryPrimitives.ReadUInt32BigEndian(stored) != _crc.Value)
            throw StreamingErrors.PngCorrupt(_name, $"its {TypeName(_type)} chunk fails its CRC check (the file is damaged)");
    }

    private static string TypeName(uint type) =>
        string.Create(4, type, static (span, t) =>
        {
            for (int i = 0; i < 4; i++)
            {
                char c = (char)((t >> (24 - 8 * i)) & 0xFF);
                span[i] = c is >= ' ' and <= '~' ? c : '?';
            }
        });

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _input.Dispose();
        base.Dispose(disposing);
    }
}
