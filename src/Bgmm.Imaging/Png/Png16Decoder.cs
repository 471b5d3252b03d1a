using System.Buffers.Binary;
using System.IO.Compression;

namespace Bgmm.Imaging.Png;

/// <summary>
/// Decodes 16-bit PNGs (grey, grey + alpha, RGB, RGBA; plain or Adam7-interlaced) to 16-bit planes.
/// </summary>
/// <remarks>
/// SkiaSharp's codec cannot deliver 16 bits per channel (it refuses
/// <c>SKColorType.Rgba16161616</c> as a decode target, and half floats keep only 11 significant
/// bits), while SPEC §4 asks that 16-bit sources stay 16-bit. PNG's image data is just zlib plus
/// five row filters, so this decoder reads it directly: stored values come out unchanged (no gamma
/// or colour-space conversion), alpha is dropped, and rows stream into the planes without a
/// full-image buffer. Every chunk's CRC is checked.
/// </remarks>
internal static class Png16Decoder
{
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int X0, int Y0, int Dx, int Dy)[] Progressive = [(0, 0, 1, 1)];

    /// <summary>Decodes <paramref name="data"/>, whose IHDR (<paramref name="header"/>) says 16 bits.</summary>
    /// <exception cref="ImageLoadException">The data is corrupt, truncated or uses an unknown feature.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (checked once per row).</exception>
    public static RgbImage Decode(byte[] data, PngFile.Header header, string name, CancellationToken cancellationToken = default)
    {
        int channels = header.ColorType switch
        {
            0 => 1,
            2 => 3,
            4 => 2,
            6 => 4,
            _ => throw Corrupt(name, $"its header declares 16 bits per channel with colour type {header.ColorType}, which PNG does not allow"),
        };
        if (header.Compression != 0 || header.Filter != 0 || header.Interlace > 1)
            throw Corrupt(name, "its header declares an unknown compression, filter or interlace method");

        List<PngFile.Chunk> idat = CollectImageData(data, name);

        int width = (int)header.Width, height = (int)header.Height;
        int n = width * height; // the caller checked that it fits
        var r = GC.AllocateUninitializedArray<ushort>(n);
        var g = GC.AllocateUninitializedArray<ushort>(n);
        var b = GC.AllocateUninitializedArray<ushort>(n);

        int bpp = channels * 2;
        using var inflater = new ZLibStream(new SegmentStream(data, idat), CompressionMode.Decompress);
        foreach ((int x0, int y0, int dx, int dy) in header.Interlace == 1 ? Adam7 : Progressive)
        {
            int passWidth = (width - x0 + dx - 1) / dx, passHeight = (height - y0 + dy - 1) / dy;
            if (passWidth <= 0 || passHeight <= 0) continue;
            long rowBytes = (long)passWidth * bpp;
            if (rowBytes + 1 > Array.MaxLength)
                throw new ImageLoadException(name, ImageLoadFailure.TooLarge, $"its rows are {rowBytes} bytes long, more than this program can hold; downscale the image.");
            var previous = new byte[rowBytes];
            var current = new byte[rowBytes + 1];
            for (int row = 0; row < passHeight; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    inflater.ReadExactly(current);
                }
                catch (EndOfStreamException ex)
                {
                    throw new ImageLoadException(name, ImageLoadFailure.Truncated, "the file is truncated or corrupt (its compressed image data ends early); re-download or re-export it.", ex);
                }
                catch (InvalidDataException ex)
                {
                    throw Corrupt(name, "its compressed image data is invalid", ex);
                }
                Span<byte> line = current.AsSpan(1);
                if (!Unfilter(current[0], line, previous, bpp))
                    throw Corrupt(name, $"row {row} uses filter type {current[0]}, which PNG does not define");

                int y = y0 + row * dy;
                int index = y * width + x0;
                if (channels >= 3)
                {
                    for (int i = 0, o = 0; i < passWidth; i++, o += bpp, index += dx)
                    {
                        r[index] = BinaryPrimitives.ReadUInt16BigEndian(line[o..]);
                        g[index] = BinaryPrimitives.ReadUInt16BigEndian(line[(o + 2)..]);
                        b[index] = BinaryPrimitives.ReadUInt16BigEndian(line[(o + 4)..]);
                    }
                }
                else
                {
                    for (int i = 0, o = 0; i < passWidth; i++, o += bpp, index += dx)
                    {
                        ushort v = BinaryPrimitives.ReadUInt16BigEndian(line[o..]);
                        r[index] = v;
                        g[index] = v;
                        b[index] = v;
                    }
                }
                line.CopyTo(previous);
            }
        }
        return RgbImage.FromRgb16(width, height, r, g, b);
    }

    /// <summary>Checks every chunk's CRC and order and returns the IDAT chunks.</summary>
    private static List<PngFile.Chunk> CollectImageData(byte[] data, string name)
    {
        var idat = new List<PngFile.Chunk>();
        bool idatEnded = false;
        foreach (PngFile.Chunk chunk in new PngFile.ChunkReader(data))
        {
            // The caller checked the layout, so every chunk lies inside the file.
            string type = TypeName(chunk.Type);
            if (!PngFile.CrcMatches(data, chunk))
                throw Corrupt(name, $"its {type} chunk fails its CRC check (the file is damaged)");
            if (chunk.Type == PngFile.IEND) break;
            if (chunk.Type == PngFile.IDAT)
            {
                if (idatEnded) throw Corrupt(name, "its image data (IDAT) chunks are not consecutive");
                idat.Add(chunk);
                continue;
            }
            if (idat.Count > 0) idatEnded = true;
            bool critical = (chunk.Type & 0x20000000u) == 0;
            if (critical && chunk.Type is not (PngFile.IHDR or PngFile.PLTE))
            {
                throw new ImageLoadException(name, ImageLoadFailure.UnsupportedFormat,
                    $"it uses the critical PNG chunk '{type}', which this reader does not know; re-export it as a standard PNG.");
            }
        }
        if (idat.Count == 0) throw Corrupt(name, "it has no image data (IDAT chunk)");
        return idat;
    }

    /// <summary>Reverses PNG filter <paramref name="filter"/> in place; false for an unknown filter.</summary>
    internal static bool Unfilter(byte filter, Span<byte> line, ReadOnlySpan<byte> previous, int bpp)
    {
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (int i = bpp; i < line.Length; i++) line[i] += line[i - bpp];
                return true;
            case 2:
                for (int i = 0; i < line.Length; i++) line[i] += previous[i];
                return true;
            case 3:
                for (int i = 0; i < bpp; i++) line[i] += (byte)(previous[i] >> 1);
                for (int i = bpp; i < line.Length; i++) line[i] += (byte)((line[i - bpp] + previous[i]) >> 1);
                return true;
            case 4:
                for (int i = 0; i < bpp; i++) line[i] += previous[i];
                for (int i = bpp; i < line.Length; i++) line[i] += Paeth(line[i - bpp], previous[i], previous[i - bpp]);
                return true;
            default:
                return false;
        }
    }

    private static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
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

    private static ImageLoadException Corrupt(string name, string what, Exception? inner = null) =>
        new(name, ImageLoadFailure.Corrupt, $"the PNG is corrupt ({what}); re-download or re-export it.", inner);

    /// <summary>The IDAT payloads read back to back, as zlib expects them.</summary>
    private sealed class SegmentStream(byte[] data, List<PngFile.Chunk> segments) : Stream
    {
        private int _segment;
        private int _offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_segment < segments.Count)
            {
                PngFile.Chunk chunk = segments[_segment];
                int left = chunk.Length - _offset;
                if (left == 0)
                {
                    _segment++;
                    _offset = 0;
                    continue;
                }
                int count = Math.Min(left, buffer.Length);
                data.AsSpan(chunk.DataOffset + _offset, count).CopyTo(buffer);
                _offset += count;
                return count;
            }
            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
