using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using SkiaSharp;

namespace Bgmm.Tests.Imaging;

/// <summary>
/// Builds test images byte by byte, independently of the code under test: a small PNG writer (every
/// bit depth and colour type, filters, Adam7, extra chunks), a reference PNG reader for 8-bit RGB(A),
/// BMP and GIF writers, SkiaSharp encoders for JPEG and WebP, and an EXIF-orientation inserter.
/// </summary>
internal static class TestImages
{
    // ---------------------------------------------------------------- PNG writer

    /// <summary>
    /// A PNG of <paramref name="width"/>×<paramref name="height"/> from unfiltered scanlines
    /// (<paramref name="raw"/>: rows of packed samples, big-endian for 16 bits, no filter bytes).
    /// Row y is written with filter type y mod 5 so that every filter is exercised.
    /// </summary>
    public static byte[] Png(int width, int height, int bitDepth, int colourType, byte[] raw,
        bool interlaced = false, IEnumerable<(string Type, byte[] Data)>? chunksBeforeImage = null)
    {
        int channels = colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new ArgumentOutOfRangeException(nameof(colourType)) };
        int bitsPerPixel = channels * bitDepth;
        int rowBytes = (width * bitsPerPixel + 7) / 8;
        Assert.Equal(rowBytes * height, raw.Length);

        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colourType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        Chunk(ms, "IHDR", ihdr);
        foreach ((string type, byte[] data) in chunksBeforeImage ?? []) Chunk(ms, type, data);

        var filtered = new MemoryStream();
        foreach (byte[] row in Scanlines(width, height, bitsPerPixel, raw, rowBytes, interlaced)) filtered.Write(row);
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write(filtered.ToArray());
        byte[] compressed = z.ToArray();
        // Two IDAT chunks, to exercise their concatenation.
        int half = compressed.Length / 2;
        Chunk(ms, "IDAT", compressed.AsSpan(0, half));
        Chunk(ms, "IDAT", compressed.AsSpan(half));
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>The filtered scanlines (filter byte + data) of every pass.</summary>
    private static IEnumerable<byte[]> Scanlines(int width, int height, int bitsPerPixel, byte[] raw, int rowBytes, bool interlaced)
    {
        (int X0, int Y0, int Dx, int Dy)[] passes = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)];
        if (interlaced) Assert.Equal(0, bitsPerPixel % 8); // sub-byte interlacing is not needed by the tests
        int bpp = Math.Max(1, bitsPerPixel / 8);
        int rowCounter = 0;
        foreach ((int x0, int y0, int dx, int dy) in passes)
        {
            int pw = (width - x0 + dx - 1) / dx, ph = (height - y0 + dy - 1) / dy;
            if (pw <= 0 || ph <= 0) continue;
            int passRowBytes = interlaced ? pw * bpp : rowBytes;
            var previous = new byte[passRowBytes];
            for (int r = 0; r < ph; r++)
            {
                var line = new byte[passRowBytes];
                int y = y0 + r * dy;
                if (interlaced)
                {
                    for (int i = 0; i < pw; i++) Array.Copy(raw, y * rowBytes + (x0 + i * dx) * bpp, line, i * bpp, bpp);
                }
                else
                {
                    Array.Copy(raw, y * rowBytes, line, 0, rowBytes);
                }
                int filter = rowCounter++ % 5;
                var output = new byte[passRowBytes + 1];
                output[0] = (byte)filter;
                for (int i = 0; i < passRowBytes; i++)
                {
                    int a = i >= bpp ? line[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                    int predictor = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        _ => Paeth(a, b, c),
                    };
                    output[i + 1] = (byte)(line[i] - predictor);
                }
                previous = line;
                yield return output;
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    public static void Chunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        s.Write(word);
        byte[] t = Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc(t, data));
        s.Write(word);
    }

    public static uint Crc(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte x in a) c = CrcTable[(c ^ x) & 0xFF] ^ (c >> 8);
        foreach (byte x in b) c = CrcTable[(c ^ x) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>A gAMA chunk of gamma 1/2.2 is the common case; 1.0 (100000) differs most from sRGB.</summary>
    public static (string, byte[]) Gama(uint gammaTimes100000) => ("gAMA", BigEndian(gammaTimes100000));

    public static (string, byte[]) Srgb() => ("sRGB", [0]);

    /// <summary>The data of the first chunk of <paramref name="type"/>, or null.</summary>
    public static byte[]? FindChunk(byte[] png, string type)
    {
        for (int p = 8; p + 8 <= png.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p));
            if (Encoding.ASCII.GetString(png, p + 4, 4) == type) return png.AsSpan(p + 8, length).ToArray();
            p += 12 + length;
        }
        return null;
    }

    /// <summary>A cHRM chunk with Rec. 2020 primaries (wide gamut).</summary>
    public static (string, byte[]) ChrmRec2020()
    {
        uint[] values = [31270, 32900, 70800, 29200, 17000, 79700, 13100, 4600];
        var data = new byte[32];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4 * i), values[i]);
        return ("cHRM", data);
    }

    /// <summary>
    /// A PNG that SkiaSharp encodes with a wide-gamut colour space (Rec. 2020 primaries, linear
    /// transfer): it carries that ICC profile in an iCCP chunk.
    /// </summary>
    public static byte[] WideGamutPng(int width, int height, byte[] rgba)
    {
        using var space = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Linear, SKColorSpaceXyz.Rec2020);
        return Encode(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, space), rgba, SKEncodedImageFormat.Png, 100);
    }

    private static byte[] BigEndian(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    // ---------------------------------------------------------------- reference PNG reader

    /// <summary>
    /// Decodes a non-interlaced 8-bit RGB or RGBA PNG to its stored R, G, B values, by the PNG
    /// specification alone (no colour management, no premultiplication).
    /// </summary>
    public static (int Width, int Height, byte[] Rgb) ReadPngRgb8(byte[] png)
    {
        int p = 8, width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        while (p < png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p));
            string type = Encoding.ASCII.GetString(png, p + 4, 4);
            ReadOnlySpan<byte> data = png.AsSpan(p + 8, length);
            if (type == "IHDR")
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidOperationException("only RGB and RGBA") };
                Assert.Equal(0, data[12]);
            }
            if (type == "IDAT") idat.Write(data);
            if (type == "IEND") break;
            p += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        int stride = width * channels;
        var previous = new byte[stride];
        var line = new byte[stride + 1];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            z.ReadExactly(line);
            var current = line.AsSpan(1).ToArray();
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int predictor = line[0] switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => throw new InvalidDataException() };
                current[i] = (byte)(current[i] + predictor);
            }
            for (int x = 0; x < width; x++)
            {
                for (int k = 0; k < 3; k++) rgb[(y * width + x) * 3 + k] = current[x * channels + k];
            }
            previous = current;
        }
        return (width, height, rgb);
    }

    /// <summary>IHDR's bit depth and colour type.</summary>
    public static (int Width, int Height, int BitDepth, int ColourType) PngHeader(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith((ReadOnlySpan<byte>)[137, 80, 78, 71, 13, 10, 26, 10]), "not a PNG");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20)), png[24], png[25]);
    }

    /// <summary>Decodes any PNG to unpremultiplied RGBA with SkiaSharp (for checking encoder output).</summary>
    public static (int Width, int Height, byte[] Rgba) DecodeRgba(byte[] encoded)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(encoded)) ?? throw new InvalidOperationException("not decodable");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null);
        var pixels = new byte[info.BytesSize];
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, pixels));
        return (info.Width, info.Height, pixels);
    }

    // ---------------------------------------------------------------- SkiaSharp encoders

    /// <summary>Encodes unpremultiplied RGBA with SkiaSharp (PNG, JPEG or WebP).</summary>
    public static byte[] Encode(int width, int height, byte[] rgba, SKEncodedImageFormat format, int quality = 100) =>
        Encode(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null), rgba, format, quality);

    private static byte[] Encode(SKImageInfo info, byte[] rgba, SKEncodedImageFormat format, int quality)
    {
        GCHandle pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, pin.AddrOfPinnedObject(), info.RowBytes);
            using SKData? data = format == SKEncodedImageFormat.Webp && quality == 100
                ? pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
                : pixmap.Encode(format, quality);
            return data?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp could not encode {format}.");
        }
        finally
        {
            pin.Free();
        }
    }

    /// <summary>
    /// Inserts an APP1 Exif segment with the given orientation tag right after the JPEG's SOI marker.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        var tiff = new MemoryStream();
        tiff.Write("MM\0*"u8);                              // big-endian TIFF header
        tiff.Write([0, 0, 0, 8]);                           // offset of IFD0
        tiff.Write([0, 1]);                                 // one entry
        tiff.Write([0x01, 0x12, 0, 3, 0, 0, 0, 1]);         // Orientation, SHORT, count 1
        tiff.Write([(byte)(orientation >> 8), (byte)orientation, 0, 0]);
        tiff.Write([0, 0, 0, 0]);                           // no next IFD
        byte[] payload = [.. "Exif\0\0"u8, .. tiff.ToArray()];
        int length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    // ---------------------------------------------------------------- BMP and GIF writers

    /// <summary>A 24-bit bottom-up BMP (BITMAPINFOHEADER, BI_RGB) of interleaved RGB.</summary>
    public static byte[] Bmp(int width, int height, byte[] rgb)
    {
        int stride = (width * 3 + 3) & ~3;
        int size = 54 + stride * height;
        var bmp = new byte[size];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                bmp[row + 3 * x] = rgb[i + 2];
                bmp[row + 3 * x + 1] = rgb[i + 1];
                bmp[row + 3 * x + 2] = rgb[i];
            }
        }
        return bmp;
    }

    /// <summary>
    /// A GIF89a with a 256-colour global palette and one full-size frame per entry of
    /// <paramref name="frames"/> (palette indices, row-major). The LZW stream uses 9-bit codes and
    /// a clear code every 254 literals, so the code size never grows (valid, if uncompressed).
    /// </summary>
    public static byte[] Gif(int width, int height, byte[] palette, params byte[][] frames)
    {
        Assert.Equal(256 * 3, palette.Length);
        var ms = new MemoryStream();
        ms.Write("GIF89a"u8);
        WriteUInt16(ms, width);
        WriteUInt16(ms, height);
        ms.WriteByte(0xF7); // global colour table, 8 bits per primary, 256 entries
        ms.WriteByte(0);
        ms.WriteByte(0);
        ms.Write(palette);
        foreach (byte[] indices in frames)
        {
            ms.Write([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // graphic control: 0.1 s delay, no transparency
            ms.WriteByte(0x2C);
            WriteUInt16(ms, 0);
            WriteUInt16(ms, 0);
            WriteUInt16(ms, width);
            WriteUInt16(ms, height);
            ms.WriteByte(0);
            ms.WriteByte(8); // LZW minimum code size
            var bits = new BitWriter();
            int sinceClear = 0;
            bits.Write(256, 9);
            foreach (byte index in indices)
            {
                if (sinceClear == 254)
                {
                    bits.Write(256, 9);
                    sinceClear = 0;
                }
                bits.Write(index, 9);
                sinceClear++;
            }
            bits.Write(257, 9);
            byte[] data = bits.ToArray();
            for (int o = 0; o < data.Length; o += 255)
            {
                int n = Math.Min(255, data.Length - o);
                ms.WriteByte((byte)n);
                ms.Write(data, o, n);
            }
            ms.WriteByte(0);
        }
        ms.WriteByte(0x3B);
        return ms.ToArray();

        static void WriteUInt16(Stream s, int v)
        {
            s.WriteByte((byte)v);
            s.WriteByte((byte)(v >> 8));
        }
    }

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _buffer, _count;

        public void Write(int code, int width)
        {
            _buffer |= code << _count;
            _count += width;
            while (_count >= 8)
            {
                _bytes.Add((byte)_buffer);
                _buffer >>= 8;
                _count -= 8;
            }
        }

        public byte[] ToArray()
        {
            if (_count > 0) _bytes.Add((byte)_buffer);
            _count = 0;
            return [.. _bytes];
        }
    }

    /// <summary>Interleaved RGB of an image's stored values (8-bit images only).</summary>
    public static byte[] InterleavedRgb(Bgmm.Imaging.RgbImage image)
    {
        var rgb = new byte[image.PixelCount * 3];
        ReadOnlySpan<byte> r = image.Red8, g = image.Green8, b = image.Blue8;
        for (int i = 0; i < r.Length; i++)
        {
            rgb[3 * i] = r[i];
            rgb[3 * i + 1] = g[i];
            rgb[3 * i + 2] = b[i];
        }
        return rgb;
    }
}
