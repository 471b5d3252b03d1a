using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;
using Bgmm.Numerics;
using SkiaSharp;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>
/// ImageRowReader holds rows, not images: what it allocates does not grow with the height; the
/// header comes before any decoding; and a file can be read again for a second pass.
/// </summary>
public class ImageRowReaderMemoryTests
{
    /// <summary>A tall RGB PNG of smooth colours plus noise, written row by row.</summary>
    private static byte[] TallPng(int width, int height)
    {
        var output = new MemoryStream();
        var random = new RandomStream(41);
        using (var writer = new PngRowWriter(output, width, height, PngRowFormat.Rgb8, leaveOpen: true))
        {
            var row = new byte[width * 3];
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    row[3 * x] = (byte)(x * 255 / width);
                    row[3 * x + 1] = (byte)(y * 255 / height);
                    row[3 * x + 2] = (byte)random.NextInt64(16);
                }
                writer.WriteRow(row);
            }
            writer.Complete();
        }
        return output.ToArray();
    }

    /// <summary>Managed bytes allocated by opening <paramref name="path"/> and reading all its rows into one reused band.</summary>
    private static long AllocatedWhileReading(string path, int bandRows, out long checksum)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        using ImageRowReader reader = ImageRowReader.Open(path);
        int band = reader.Header.Width * bandRows;
        byte[] r = new byte[band], g = new byte[band], b = new byte[band];
        checksum = 0;
        int rows;
        while ((rows = reader.ReadRows(r, g, b)) > 0)
        {
            for (int i = 0; i < rows * reader.Header.Width; i++) checksum += r[i] + 3 * g[i] + 7 * b[i];
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void ReadingATallPng_AllocatesRowsNotTheImage()
    {
        // 1000×6000: 18 MB of planes. Reading it in bands of 16 rows (48 kB) must allocate a small
        // multiple of a row plus the file buffer, not anything the size of the image.
        using var file = new TempFile(TallPng(1000, 6000), ".png");

        long allocated = AllocatedWhileReading(file.Path, bandRows: 16, out long checksum);

        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated");
        RgbImage whole = ImageLoader.Load(file.Path);
        long expected = 0;
        for (int i = 0; i < whole.PixelCount; i++) expected += whole.Red8[i] + 3 * whole.Green8[i] + 7 * whole.Blue8[i];
        Assert.Equal(expected, checksum);
    }

    [Fact]
    public void ReadingATallJpeg_AllocatesRowsNotTheImage()
    {
        const int width = 800, height = 3000;
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            rgba[4 * i] = (byte)(i % width);
            rgba[4 * i + 1] = (byte)(i / width);
            rgba[4 * i + 3] = 255;
        }
        using var file = new TempFile(TestImages.Encode(width, height, rgba, SKEncodedImageFormat.Jpeg, 80), ".jpg");

        long allocated = AllocatedWhileReading(file.Path, bandRows: 16, out _);

        // The decoder's band lives in native memory; managed memory is the caller's band and small objects.
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated");
        Assert.True(ImageRowReader.ReadHeader(file.Path).IsStreamed);
    }

    [Fact]
    public void ReadHeader_DecodesNoPixels()
    {
        // The image data is replaced by garbage of the same length: the header is still readable,
        // and only reading rows finds the damage.
        byte[] png = TestImages.Png(30, 20, 8, 2, new byte[30 * 20 * 3]);
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        png.AsSpan(idat + 4, 10).Fill(0xEE);
        using var file = new TempFile(png, ".png");

        ImageHeader header = ImageRowReader.ReadHeader(file.Path);

        Assert.Equal(new ImageHeader(30, 20, 8, ImageFileFormat.Png, IsStreamed: true), header);
        Assert.Throws<ImageLoadException>(() => RowReading.ReadAll(file.Path, bandRows: 20));
    }

    [Fact]
    public void ASecondPass_ReadsTheSameRowsAgain()
    {
        using var file = new TempFile(TallPng(37, 301), ".png");

        RgbImage first = RowReading.ReadAll(file.Path, bandRows: 7);
        RgbImage second = RowReading.ReadAll(file.Path, bandRows: 300);

        RowReading.AssertSame(first, second);
        RowReading.AssertSame(ImageLoader.Load(file.Path), first);
    }

    public static TheoryData<string> Kinds => ["png", "jpeg", "turned jpeg", "webp"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheFileIsClosedOnDispose(string kind)
    {
        var rgba = new byte[5 * 5 * 4];
        Array.Fill(rgba, (byte)255);
        byte[] bytes = kind switch
        {
            "png" => TallPng(5, 5),
            "jpeg" => TestImages.Encode(5, 5, rgba, SKEncodedImageFormat.Jpeg),
            "turned jpeg" => TestImages.WithExifOrientation(TestImages.Encode(5, 5, rgba, SKEncodedImageFormat.Jpeg), 6),
            _ => TestImages.Encode(5, 5, rgba, SKEncodedImageFormat.Webp),
        };
        using var file = new TempFile(bytes, ".img");
        using (ImageRowReader reader = ImageRowReader.Open(file.Path)) reader.ReadRows(new byte[5], new byte[5], new byte[5]);

        // No handle left open: an exclusive open (a lock on Unix) succeeds.
        using var exclusive = new FileStream(file.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Assert.True(exclusive.Length > 0);
    }
}
