using System.Buffers.Binary;
using System.IO.Compression;
using Bgmm.Imaging.Png;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// Rows of a non-interlaced PNG of any colour type and bit depth, decoded as they are read:
/// the IDAT data is inflated through one <see cref="ZLibStream"/>, each row unfiltered against the
/// previous one and expanded to planes. Memory: two rows of stored bytes, the zlib window and the
/// file buffer.
/// </summary>
/// <remarks>
/// Values are what <see cref="ImageLoader"/> gives: 16-bit samples unchanged; grey of 1, 2 or 4
/// bits scaled to 8 bits by replication (v·255/(2^depth − 1)); palette indices looked up in PLTE,
/// an index beyond the palette giving its last colour (as SkiaSharp pads its colour table); alpha
/// and tRNS ignored; no gamma or colour-space conversion.
/// </remarks>
internal sealed class PngRowSource : RowSource
{
    private readonly PngChunkInput _chunks;
    private readonly ZLibStream _inflater;
    private readonly string _name;
    private readonly int _width, _depth, _colourType, _bytesPerPixel;
    private readonly byte[] _paletteR = new byte[256], _paletteG = new byte[256], _paletteB = new byte[256];
    private byte[] _current, _previous;
    private int _row;

    /// <summary>Reads up to the image data; <paramref name="chunks"/> has read a valid, non-interlaced header.</summary>
    public PngRowSource(PngChunkInput chunks, string name)
    {
        _chunks = chunks;
        _name = name;
        PngFile.Header header = chunks.Header;
        _width = (int)header.Width;
        _depth = header.BitDepth;
        _colourType = header.ColorType;
        int bitsPerPixel = PngHeaders.Channels(_colourType) * _depth;
        _bytesPerPixel = Math.Max(1, bitsPerPixel / 8);
        int rowBytes = (int)(((long)_width * bitsPerPixel + 7) / 8);
        _current = new byte[rowBytes + 1];
        _previous = new byte[rowBytes + 1];

        chunks.ReadUpToImageData();
        if (_colourType == 3)
        {
            byte[] palette = chunks.Palette;
            if (palette.Length == 0) throw StreamingErrors.PngCorrupt(name, "it is a palette image without a palette (PLTE chunk)");
            int entries = palette.Length / 3;
            for (int i = 0; i < 256; i++)
            {
                int e = Math.Min(i, entries - 1);
                (_paletteR[i], _paletteG[i], _paletteB[i]) = (palette[3 * e], palette[3 * e + 1], palette[3 * e + 2]);
            }
        }
        _inflater = new ZLibStream(chunks, CompressionMode.Decompress, leaveOpen: true);
    }

    public override void Read(int rows, Span<byte> red, Span<byte> green, Span<byte> blue)
    {
        if (_depth == 16) base.Read(rows, red, green, blue);
        for (int row = 0, o = 0; row < rows; row++, o += _width)
        {
            ReadOnlySpan<byte> line = NextLine();
            Expand8(line, red.Slice(o, _width), green.Slice(o, _width), blue.Slice(o, _width));
        }
    }

    public override void Read(int rows, Span<ushort> red, Span<ushort> green, Span<ushort> blue)
    {
        if (_depth != 16) base.Read(rows, red, green, blue);
        int step = _bytesPerPixel;
        for (int row = 0, o = 0; row < rows; row++, o += _width)
        {
            ReadOnlySpan<byte> line = NextLine();
            Span<ushort> r = red.Slice(o, _width), g = green.Slice(o, _width), b = blue.Slice(o, _width);
            if (_colourType is 2 or 6)
            {
                for (int x = 0, i = 0; x < r.Length; x++, i += step)
                {
                    r[x] = BinaryPrimitives.ReadUInt16BigEndian(line[i..]);
                    g[x] = BinaryPrimitives.ReadUInt16BigEndian(line[(i + 2)..]);
                    b[x] = BinaryPrimitives.ReadUInt16BigEndian(line[(i + 4)..]);
                }
            }
            else
            {
                for (int x = 0, i = 0; x < r.Length; x++, i += step)
                {
                    ushort v = BinaryPrimitives.ReadUInt16BigEndian(line[i..]);
                    r[x] = v;
                    g[x] = v;
                    b[x] = v;
                }
            }
        }
    }

    public override void Finish() => _chunks.ReadToEnd();

    public override void Dispose()
    {
        _inflater.Dispose();
        _chunks.Dispose();
    }

    /// <summary>Inflates and unfilters the next row; the span is valid until the next call.</summary>
    private ReadOnlySpan<byte> NextLine()
    {
        (_current, _previous) = (_previous, _current);
        try
        {
            _inflater.ReadExactly(_current);
        }
        catch (EndOfStreamException ex)
        {
            throw new ImageLoadException(_name, ImageLoadFailure.Truncated, "the file is truncated or corrupt (its compressed image data ends early); re-download or re-export it.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw StreamingErrors.PngCorrupt(_name, "its compressed image data is invalid", ex);
        }
        Span<byte> line = _current.AsSpan(1);
        if (!Png16Decoder.Unfilter(_current[0], line, _previous.AsSpan(1), _bytesPerPixel))
            throw StreamingErrors.PngCorrupt(_name, $"row {_row} uses filter type {_current[0]}, which PNG does not define");
        _row++;
        return line;
    }

    private void Expand8(ReadOnlySpan<byte> line, Span<byte> r, Span<byte> g, Span<byte> b)
    {
        switch (_colourType)
        {
            case 2:
            case 6:
                int step = _colourType == 2 ? 3 : 4;
                for (int x = 0, i = 0; x < r.Length; x++, i += step)
                {
                    r[x] = line[i];
                    g[x] = line[i + 1];
                    b[x] = line[i + 2];
                }
                break;
            case 4:
                for (int x = 0, i = 0; x < r.Length; x++, i += 2) r[x] = line[i];
                r.CopyTo(g);
                r.CopyTo(b);
                break;
            case 0 when _depth == 8:
                line[..r.Length].CopyTo(r);
                r.CopyTo(g);
                r.CopyTo(b);
                break;
            case 0:
                int scale = 255 / ((1 << _depth) - 1);
                Unpack(line, r);
                for (int x = 0; x < r.Length; x++) r[x] = (byte)(r[x] * scale);
                r.CopyTo(g);
                r.CopyTo(b);
                break;
            default: // 3: palette
                if (_depth == 8) line[..r.Length].CopyTo(g);
                else Unpack(line, g);
                for (int x = 0; x < r.Length; x++)
                {
                    byte index = g[x];
                    r[x] = _paletteR[index];
                    b[x] = _paletteB[index];
                    g[x] = _paletteG[index];
                }
                break;
        }
    }

    /// <summary>Unpacks samples of 1, 2 or 4 bits, most significant first, into one byte each.</summary>
    private void Unpack(ReadOnlySpan<byte> line, Span<byte> samples)
    {
        int depth = _depth, mask = (1 << depth) - 1, perByte = 8 / depth;
        for (int x = 0; x < samples.Length; x++)
        {
            int shift = 8 - depth * (x % perByte + 1);
            samples[x] = (byte)((line[x / perByte] >> shift) & mask);
        }
    }
}

/// <summary>Checks of a PNG header's fields.</summary>
internal static class PngHeaders
{
    /// <summary>Samples per pixel of a colour type (0 for an invalid one).</summary>
    public static int Channels(int colourType) => colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };

    /// <summary>Refuses headers that PNG does not define: unknown colour type, bit depth, compression, filter or interlace method.</summary>
    public static void Check(PngFile.Header header, string name)
    {
        bool depthAllowed = header.ColorType switch
        {
            0 => header.BitDepth is 1 or 2 or 4 or 8 or 16,
            3 => header.BitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => header.BitDepth is 8 or 16,
            _ => false,
        };
        if (!depthAllowed)
            throw StreamingErrors.PngCorrupt(name, $"its header declares colour type {header.ColorType} with {header.BitDepth} bits per sample, which PNG does not allow");
        if (header.Compression != 0 || header.Filter != 0 || header.Interlace > 1)
            throw StreamingErrors.PngCorrupt(name, "its header declares an unknown compression, filter or interlace method");
    }
}
