using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// Rows from SkiaSharp's scanline decoder (JPEG, and whatever else it decodes top-down a row at a
/// time), decoded exactly as <see cref="ImageLoader"/> decodes them: RGBA, unpremultiplied, no
/// colour space, the RGB kept. An image mirrored left to right by its EXIF orientation has each row
/// reversed; other orientations are not handled here.
/// </summary>
internal sealed unsafe class CodecRowSource : RowSource
{
    /// <summary>Bytes of decoded RGBA held at a time (at least one row).</summary>
    private const int BandBytes = 1 << 18;

    private readonly SKCodec _codec;
    private readonly Stream _file;
    private readonly string _name;
    private readonly int _width, _height, _rowBytes, _bandRows;
    private readonly bool _mirrored;
    private byte* _band;
    private int _row;

    /// <summary>
    /// Takes ownership of <paramref name="codec"/>, whose scanline decode of <paramref name="target"/>
    /// has started, and of the <paramref name="file"/> it reads.
    /// </summary>
    public CodecRowSource(SKCodec codec, Stream file, SKImageInfo target, bool mirrored, string name)
    {
        _codec = codec;
        _file = file;
        _name = name;
        _width = target.Width;
        _height = target.Height;
        _rowBytes = target.RowBytes;
        _mirrored = mirrored;
        _bandRows = Math.Clamp(BandBytes / _rowBytes, 1, _height);
        _band = (byte*)NativeMemory.Alloc((nuint)_bandRows * (nuint)_rowBytes);
    }

    public override void Read(int rows, Span<byte> red, Span<byte> green, Span<byte> blue)
    {
        int o = 0;
        while (rows > 0)
        {
            int wanted = Math.Min(rows, _bandRows);
            int got = _codec.GetScanlines((IntPtr)_band, wanted, _rowBytes);
            if (got != wanted)
            {
                throw StreamingErrors.Truncated(_name, string.Create(CultureInfo.InvariantCulture,
                    $"the decoder stopped at row {_row + got} of {_height}"));
            }
            for (int row = 0; row < wanted; row++, o += _width)
            {
                byte* source = _band + (nint)row * _rowBytes;
                Span<byte> r = red.Slice(o, _width), g = green.Slice(o, _width), b = blue.Slice(o, _width);
                if (_mirrored)
                {
                    for (int x = _width - 1; x >= 0; x--, source += 4) (r[x], g[x], b[x]) = (source[0], source[1], source[2]);
                }
                else
                {
                    for (int x = 0; x < _width; x++, source += 4) (r[x], g[x], b[x]) = (source[0], source[1], source[2]);
                }
            }
            _row += wanted;
            rows -= wanted;
        }
    }

    public override void Dispose()
    {
        NativeMemory.Free(_band);
        _band = null;
        _codec.Dispose();
        _file.Dispose();
    }
}

/// <summary>The few facts about a JPEG that decide how it can be decoded, read from its markers.</summary>
internal static class JpegMarkers
{
    /// <summary>
    /// Whether the first frame header (SOFn) of the JPEG at the start of <paramref name="input"/>
    /// says progressive coding, which libjpeg decodes through a buffer of the whole image's
    /// coefficients. False when no frame header is found (the decoder then reports the problem).
    /// </summary>
    public static bool IsProgressive(Stream input)
    {
        if (input.ReadByte() != 0xFF || input.ReadByte() != 0xD8) return false;
        Span<byte> length = stackalloc byte[2];
        while (true)
        {
            int b = input.ReadByte();
            if (b < 0) return false;
            if (b != 0xFF) continue; // not at a marker: tolerate garbage as libjpeg does
            int marker;
            do marker = input.ReadByte(); while (marker == 0xFF);
            if (marker < 0) return false;
            if (marker is 0x00 or 0x01 or (>= 0xD0 and <= 0xD8)) continue; // no length field
            if (marker is 0xD9 or 0xDA) return false; // end of image, or scan data before any frame header
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                return marker is 0xC2 or 0xC6 or 0xCA or 0xCE;
            if (input.ReadAtLeast(length, 2, throwOnEndOfStream: false) < 2) return false;
            int skip = (length[0] << 8 | length[1]) - 2;
            if (skip < 0) return false;
            input.Seek(skip, SeekOrigin.Current);
        }
    }
}
