using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;
using Bgmm.Numerics;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>
/// PngRowWriter's output decodes, with SkiaSharp, ImageLoader, ImageRowReader and the tests'
/// own reference reader, to exactly the rows written; its chunks are well formed; and it writes
/// any number of rows without allocating per row.
/// </summary>
public class PngRowWriterTests
{
    private static int BytesPerPixel(PngRowFormat format) => format switch { PngRowFormat.Grey8 => 1, PngRowFormat.Rgb8 => 3, _ => 4 };

    /// <summary>Rows that make each filter the best somewhere: noise, vertical stripes (Up), horizontal ramps (Sub), flat.</summary>
    private static byte[] TestRows(int width, int height, PngRowFormat format, ulong seed)
    {
        int bpp = BytesPerPixel(format), stride = width * bpp;
        var random = new RandomStream(seed);
        var pixels = new byte[stride * height];
        byte[] stripes = new byte[stride];
        for (int i = 0; i < stride; i++) stripes[i] = (byte)random.NextInt64(256);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = pixels.AsSpan(y * stride, stride);
            switch (y % 4)
            {
                case 0:
                    for (int i = 0; i < stride; i++) row[i] = (byte)random.NextInt64(256);
                    break;
                case 1:
                    stripes.CopyTo(row);
                    break;
                case 2:
                    for (int i = 0; i < stride; i++) row[i] = (byte)(i / bpp * 3 + i % bpp * 50);
                    break;
                default:
                    row.Fill((byte)(y * 7));
                    break;
            }
        }
        return pixels;
    }

    private static byte[] Write(int width, int height, PngRowFormat format, byte[] pixels)
    {
        var output = new MemoryStream();
        using (var writer = new PngRowWriter(output, width, height, format, leaveOpen: true))
        {
            int stride = width * BytesPerPixel(format);
            for (int y = 0; y < height; y++) writer.WriteRow(pixels.AsSpan(y * stride, stride));
            writer.Complete();
        }
        return output.ToArray();
    }

    public static TheoryData<PngRowFormat, int, int> Sizes => new()
    {
        { PngRowFormat.Grey8, 1, 1 }, { PngRowFormat.Rgb8, 1, 1 }, { PngRowFormat.Rgba8, 1, 1 },
        { PngRowFormat.Grey8, 13, 7 }, { PngRowFormat.Rgb8, 13, 7 }, { PngRowFormat.Rgba8, 13, 7 },
        { PngRowFormat.Rgb8, 1, 40 }, { PngRowFormat.Grey8, 999, 3 },
        { PngRowFormat.Grey8, 10_000, 9 }, { PngRowFormat.Rgb8, 10_000, 9 }, { PngRowFormat.Rgba8, 10_000, 9 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Output_DecodedBySkia_GivesBackTheRowsWritten(PngRowFormat format, int width, int height)
    {
        byte[] pixels = TestRows(width, height, format, seed: (ulong)(width + height));

        byte[] png = Write(width, height, format, pixels);

        (int w, int h, byte[] rgba) = TestImages.DecodeRgba(png);
        Assert.Equal((width, height), (w, h));
        int bpp = BytesPerPixel(format);
        for (int i = 0; i < width * height; i++)
        {
            byte[] expected = format switch
            {
                PngRowFormat.Grey8 => [pixels[i], pixels[i], pixels[i], 255],
                PngRowFormat.Rgb8 => [pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2], 255],
                _ => pixels[(4 * i)..(4 * i + 4)],
            };
            if (!rgba.AsSpan(4 * i, 4).SequenceEqual(expected)) Assert.Fail($"pixel ({i % width}, {i / width}) differs");
        }
        Assert.Equal(bpp == 1 ? 0 : bpp == 3 ? 2 : 6, TestImages.PngHeader(png).ColourType);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Output_ReadByImageLoaderAndImageRowReader_GivesBackTheRowsWritten(PngRowFormat format, int width, int height)
    {
        byte[] pixels = TestRows(width, height, format, seed: 5);
        using var file = new TempFile(Write(width, height, format, pixels), ".png");

        RgbImage loaded = ImageLoader.Load(file.Path);
        RgbImage streamed = RowReading.ReadAll(file.Path, bandRows: 2);

        RowReading.AssertSame(loaded, streamed);
        int bpp = BytesPerPixel(format);
        for (int i = 0; i < width * height; i++)
        {
            (int R, int G, int B) expected = bpp == 1 ? (pixels[i], pixels[i], pixels[i]) : (pixels[bpp * i], pixels[bpp * i + 1], pixels[bpp * i + 2]);
            if (loaded.GetPixel(i % width, i / width) != expected) Assert.Fail($"pixel ({i % width}, {i / width}) differs");
        }
    }

    [Fact]
    public void Output_ReadByTheReferenceReader_GivesBackTheRowsWritten()
    {
        // The tests' own reader follows the PNG specification alone (unfiltering included).
        byte[] pixels = TestRows(57, 33, PngRowFormat.Rgb8, seed: 6);

        (int w, int h, byte[] rgb) = TestImages.ReadPngRgb8(Write(57, 33, PngRowFormat.Rgb8, pixels));

        Assert.Equal((57, 33), (w, h));
        Assert.Equal(pixels, rgb);
    }

    /// <summary>The chunks of a PNG: type, data.</summary>
    private static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (int p = 8; p < png.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p));
            string type = Encoding.ASCII.GetString(png, p + 4, 4);
            byte[] data = png.AsSpan(p + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p + 8 + length));
            Assert.Equal(TestImages.Crc(Encoding.ASCII.GetBytes(type), data), crc);
            chunks.Add((type, data));
            p += 12 + length;
        }
        return chunks;
    }

    [Fact]
    public void Output_HasValidCrcsAndImageDataChunksOfBoundedSize()
    {
        byte[] pixels = TestRows(700, 300, PngRowFormat.Rgba8, seed: 7); // mostly noise: ~800 kB compressed

        List<(string Type, byte[] Data)> chunks = Chunks(Write(700, 300, PngRowFormat.Rgba8, pixels));

        Assert.Equal(["IHDR", "IDAT"], chunks.Take(2).Select(c => c.Type));
        Assert.Equal("IEND", chunks[^1].Type);
        List<byte[]> idat = [.. chunks.Where(c => c.Type == "IDAT").Select(c => c.Data)];
        Assert.Equal(chunks.Count - 2, idat.Count); // consecutive, nothing else in between
        Assert.True(idat.Count > 5, $"{idat.Count} IDAT chunks");
        Assert.All(idat, data => Assert.InRange(data.Length, 1, PngRowWriter.MaxChunkData));
    }

    [Fact]
    public void Filters_AreChosenPerRow_NoneForNoiseUpForARepeatSubForARamp()
    {
        const int width = 64, stride = width * 3;
        var random = new RandomStream(8);
        var pixels = new byte[stride * 4];
        for (int i = 0; i < stride; i++) pixels[i] = (byte)random.NextInt64(256);   // row 0: noise
        pixels.AsSpan(0, stride).CopyTo(pixels.AsSpan(stride));                     // row 1: row 0 again
        for (int i = 0; i < stride; i++) pixels[2 * stride + i] = (byte)(i / 3 * 3); // row 2: a ramp
        // row 3: zeros, which need no filter
        byte[] png = Write(width, 4, PngRowFormat.Rgb8, pixels);

        var idat = new MemoryStream();
        foreach ((string type, byte[] data) in Chunks(png)) if (type == "IDAT") idat.Write(data);
        idat.Position = 0;
        using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
        var filters = new int[4];
        var row = new byte[1 + stride];
        for (int y = 0; y < 4; y++)
        {
            inflater.ReadExactly(row);
            filters[y] = row[0];
        }

        Assert.Equal([0, 2, 1, 0], filters);
        Assert.Equal(pixels, TestImages.ReadPngRgb8(png).Rgb);
    }

    [Fact]
    public void WriteRow_OfTheWrongLength_IsRefused()
    {
        using var writer = new PngRowWriter(new MemoryStream(), 5, 2, PngRowFormat.Rgb8);

        Assert.Throws<ArgumentException>(() => writer.WriteRow(new byte[14]));
        Assert.Throws<ArgumentException>(() => writer.WriteRow(new byte[16]));
        Assert.Equal(0, writer.RowsWritten);
    }

    [Fact]
    public void WriteRow_BeyondTheHeight_AndComplete_BeforeIt_AreRefused()
    {
        using var writer = new PngRowWriter(new MemoryStream(), 3, 2, PngRowFormat.Grey8);
        writer.WriteRow([1, 2, 3]);

        Assert.Throws<InvalidOperationException>(writer.Complete);
        writer.WriteRow([4, 5, 6]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteRow([7, 8, 9]));
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.WriteRow([7, 8, 9]));
    }

    [Fact]
    public void Dispose_BeforeComplete_LeavesAFileThatDecodersRefuse()
    {
        var output = new MemoryStream();
        using (var writer = new PngRowWriter(output, 4, 3, PngRowFormat.Rgb8, leaveOpen: true))
        {
            writer.WriteRow(new byte[12]);
        }

        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Decode(output.ToArray()));
        Assert.Equal(ImageLoadFailure.Truncated, ex.Failure);
    }

    [Fact]
    public void Writing200000RowsOfWidth4000_AllocatesNothingPerRow()
    {
        // 800 MB of rows through one writer: if anything were allocated per row, or the output
        // buffered, the total would be hundreds of megabytes. The allowance covers what zlib's
        // wrapper may allocate once; the rows themselves must cost nothing.
        const int width = 4000, height = 200_000;
        var row = new byte[width];
        var writer = new PngRowWriter(Stream.Null, width, height, PngRowFormat.Grey8);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int y = 0; y < height; y++)
        {
            // A ramp that shifts every row: cheap to make, and neither flat nor repeated.
            for (int x = 0; x < width; x++) row[x] = (byte)(x + y);
            writer.WriteRow(row);
        }
        writer.Complete();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        writer.Dispose();

        Assert.True(allocated < 256 * 1024, $"{allocated:N0} bytes allocated while writing {height} rows");
    }
}
