using System.Buffers.Binary;
using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;
using Bgmm.Numerics;
using SkiaSharp;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>
/// Bad input met by ImageRowReader — at open or at any row — is an ImageLoadException with a
/// one-line message naming the file, never a decoder exception; a reader that delivered every row
/// has read a valid file; limits are applied from the header.
/// </summary>
public class ImageRowReaderBadInputTests
{
    /// <summary>Opens and reads every row of <paramref name="bytes"/>; the failure, from open or a read.</summary>
    private static ImageLoadException ReadFails(byte[] bytes, string extension = ".png", long maxWholeImagePixels = ImageRowReader.DefaultMaxWholeImagePixels)
    {
        using var file = new TempFile(bytes, extension);
        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => RowReading.ReadAll(file.Path, bandRows: 2, maxWholeImagePixels));
        Assert.StartsWith(file.Path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    private static byte[] SmallPng(int bitDepth = 8) => TestImages.Png(9, 6, bitDepth, 2, RowReading.RandomBytes(9 * 6 * 3 * bitDepth / 8, seed: 31));

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void EveryTruncatedPrefixOfAPng_FailsCleanly(int bitDepth)
    {
        byte[] png = SmallPng(bitDepth);
        for (int length = 1; length < png.Length; length++)
        {
            ImageLoadException ex = ReadFails(png[..length]);
            // Shorter than the signature, the file is not recognisably a PNG (as ImageLoader says).
            Assert.Equal(length < 8 ? ImageLoadFailure.UnsupportedFormat : ImageLoadFailure.Truncated, ex.Failure);
        }
    }

    [Fact]
    public void PngCutAfterItsImageData_FailsOnTheLastRead()
    {
        byte[] png = SmallPng();
        using var file = new TempFile(png[..^12], ".png"); // without IEND
        using ImageRowReader reader = ImageRowReader.Open(file.Path);
        byte[] r = new byte[9 * 5], g = new byte[9 * 5], b = new byte[9 * 5];

        Assert.Equal(5, reader.ReadRows(r, g, b)); // the first five rows are there
        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => reader.ReadRows(r, g, b));

        Assert.Equal(ImageLoadFailure.Truncated, ex.Failure);
        Assert.Contains("end chunk", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => reader.ReadRows(r, g, b));
    }

    [Fact]
    public void EveryTruncatedPrefixOfAStreamedJpeg_FailsCleanly()
    {
        byte[] jpeg = TestImages.Encode(16, 16, RowReading.RandomBytes(16 * 16 * 4, seed: 32), SKEncodedImageFormat.Jpeg, 80);
        for (int length = 1; length < jpeg.Length; length++) ReadFails(jpeg[..length], ".jpg");
    }

    [Fact]
    public void RandomBytesAndSignaturesFollowedByNoise_FailCleanly()
    {
        byte[][] signatures = [[], [137, 80, 78, 71, 13, 10, 26, 10], [0xFF, 0xD8, 0xFF], "GIF89a"u8.ToArray(), "BM"u8.ToArray(), [.. "RIFF"u8, 100, 0, 0, 0, .. "WEBPVP8 "u8]];
        var random = new RandomStream(33);
        foreach (byte[] signature in signatures)
        {
            for (int trial = 0; trial < 20; trial++)
            {
                var bytes = new byte[signature.Length + 1 + random.NextInt64(300)];
                signature.CopyTo(bytes, 0);
                for (int i = signature.Length; i < bytes.Length; i++) bytes[i] = (byte)random.NextInt64(256);
                ReadFails(bytes, ".img");
            }
        }
    }

    [Fact]
    public void FlippedBytesInsideAPng_GiveImageLoadersImageOrACleanError()
    {
        byte[] png = SmallPng();
        var random = new RandomStream(34);
        for (int trial = 0; trial < 100; trial++)
        {
            byte[] copy = (byte[])png.Clone();
            copy[8 + (int)random.NextInt64(copy.Length - 8)] ^= (byte)(1 + random.NextInt64(255));
            using var file = new TempFile(copy, ".png");
            RgbImage streamed;
            try
            {
                streamed = RowReading.ReadAll(file.Path, bandRows: 4);
            }
            catch (ImageLoadException)
            {
                continue;
            }
            // Every chunk's CRC is checked, so whatever is accepted is what the file says.
            RowReading.AssertSame(ImageLoader.Load(file.Path), streamed);
        }
    }

    [Fact]
    public void CorruptCrc_UnknownCriticalChunk_AndUnknownFilter_AreReportedAsSuch()
    {
        byte[] png = SmallPng();
        byte[] badCrc = (byte[])png.Clone();
        badCrc[^16] ^= 0x55; // the last IDAT's CRC
        Assert.Contains("CRC", ReadFails(badCrc).Message, StringComparison.Ordinal);

        byte[] critical = TestImages.Png(2, 2, 8, 2, new byte[12], chunksBeforeImage: [("ABCD", [1, 2, 3])]);
        Assert.Equal(ImageLoadFailure.UnsupportedFormat, ReadFails(critical).Failure);

        // A row whose filter byte is 9: built by hand, as no encoder writes one.
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, 1);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 1);
        ihdr[8] = 8;
        TestImages.Chunk(ms, "IHDR", ihdr);
        var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) zs.Write([9, 0]);
        TestImages.Chunk(ms, "IDAT", z.ToArray());
        TestImages.Chunk(ms, "IEND", []);
        ImageLoadException ex = ReadFails(ms.ToArray());
        Assert.Equal(ImageLoadFailure.Corrupt, ex.Failure);
        Assert.Contains("filter type 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileDirectoryEmptyFileAndText_FailAsImageLoaderSays()
    {
        using var missing = new TempFile(".png");
        Assert.Equal(ImageLoadFailure.NotFound, Assert.Throws<ImageLoadException>(() => ImageRowReader.Open(missing.Path)).Failure);
        Assert.Equal(ImageLoadFailure.NotFound, Assert.Throws<ImageLoadException>(() => ImageRowReader.Open(Path.GetTempPath())).Failure);
        Assert.Equal(ImageLoadFailure.NotFound, Assert.Throws<ImageLoadException>(() => ImageRowReader.Open(" ")).Failure);
        Assert.Equal(ImageLoadFailure.Empty, ReadFails([]).Failure);
        ImageLoadException text = ReadFails("x,y\n1,2\n"u8.ToArray(), ".csv");
        Assert.Equal(ImageLoadFailure.UnsupportedFormat, text.Failure);
        Assert.Contains("PNG, JPEG", text.Message, StringComparison.Ordinal);
    }

    /// <summary>A PNG with only IHDR and IEND.</summary>
    private static byte[] HeaderOnlyPng(uint width, uint height, byte interlace = 0)
    {
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        ihdr[12] = interlace;
        TestImages.Chunk(ms, "IHDR", ihdr);
        TestImages.Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    [Fact]
    public void HugeDeclaredSizes_AreJudgedFromTheHeaderWithoutAllocatingPixels()
    {
        // 100000×100000 = 10¹⁰ pixels: a streamed PNG has no pixel limit of its own, so the missing
        // image data is what fails; an interlaced one must be decoded whole and is refused on size.
        long before = GC.GetAllocatedBytesForCurrentThread();
        ImageLoadException streamed = ReadFails(HeaderOnlyPng(100_000, 100_000));
        ImageLoadException interlaced = ReadFails(HeaderOnlyPng(100_000, 100_000, interlace: 1));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ImageLoadFailure.Corrupt, streamed.Failure);
        Assert.Contains("no image data", streamed.Message, StringComparison.Ordinal);
        Assert.Equal(ImageLoadFailure.TooLarge, interlaced.Failure);
        Assert.Contains("interlaced", interlaced.Message, StringComparison.Ordinal);
        Assert.True(allocated < 2_000_000, $"{allocated:N0} bytes allocated"); // a row (300 kB) and buffers, not a plane (10 GB)
        Assert.Equal(ImageLoadFailure.ZeroSize, ReadFails(HeaderOnlyPng(0, 5)).Failure);
        Assert.Equal(ImageLoadFailure.Corrupt, ReadFails(HeaderOnlyPng(0x8000_0000u, 1)).Failure);
    }

    [Fact]
    public void MaxPixels_IsAppliedFromTheHeader_WithImageLoadersWording()
    {
        using var file = new TempFile(SmallPng(), ".png");

        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageRowReader.Open(file.Path, maxPixels: 53));

        Assert.Equal(ImageLoadFailure.TooLarge, ex.Failure);
        Assert.Contains("9×6 = 54 pixels", ex.Message, StringComparison.Ordinal);
        Assert.Equal(54, ImageRowReader.ReadHeader(file.Path, maxPixels: 54).PixelCount);
    }

    [Fact]
    public void ImagesThatMustBeDecodedWhole_AreRefusedAboveTheWholeImageLimit()
    {
        byte[] interlaced = TestImages.Png(9, 6, 8, 2, new byte[9 * 6 * 3], interlaced: true);
        byte[] turned = TestImages.WithExifOrientation(TestImages.Encode(9, 6, new byte[9 * 6 * 4], SKEncodedImageFormat.Jpeg), 6);
        byte[] webp = TestImages.Encode(9, 6, RowReading.RandomBytes(9 * 6 * 4, seed: 35), SKEncodedImageFormat.Webp);

        Assert.Contains("interlaced", ReadFails(interlaced, ".png", maxWholeImagePixels: 53).Message, StringComparison.Ordinal);
        Assert.Contains("orientation", ReadFails(turned, ".jpg", maxWholeImagePixels: 53).Message, StringComparison.Ordinal);
        Assert.Contains("WebP", ReadFails(webp, ".webp", maxWholeImagePixels: 53).Message, StringComparison.Ordinal);
        // A streamed image has no such limit.
        using var file = new TempFile(SmallPng(), ".png");
        Assert.Equal(54, RowReading.ReadAll(file.Path, bandRows: 1, maxWholeImagePixels: 1).PixelCount);
    }

    [Fact]
    public void ProgressiveJpegs_AreRecognisedFromTheirFrameHeader()
    {
        byte[] baseline = TestImages.WithExifOrientation(TestImages.Encode(16, 8, new byte[16 * 8 * 4], SKEncodedImageFormat.Jpeg), 1);
        byte[] progressive = (byte[])baseline.Clone();
        int sof = baseline.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
        progressive[sof + 1] = 0xC2;

        Assert.False(JpegMarkers.IsProgressive(new MemoryStream(baseline)));
        Assert.True(JpegMarkers.IsProgressive(new MemoryStream(progressive)));
    }

    [Fact]
    public void ReadingWithTheWrongDepthOrTooSmallPlanes_IsRefused()
    {
        using var file = new TempFile(SmallPng(16), ".png");
        using ImageRowReader reader = ImageRowReader.Open(file.Path);

        Assert.Throws<InvalidOperationException>(() => reader.ReadRows(new byte[9], new byte[9], new byte[9]));
        Assert.Throws<ArgumentException>(() => reader.ReadRows(new ushort[8], new ushort[8], new ushort[8]));
        Assert.Throws<ArgumentException>(() => reader.ReadRows(new ushort[18], new ushort[9], new ushort[18]));
        Assert.Equal(2, reader.ReadRows(new ushort[18], new ushort[18], new ushort[18]));
    }
}
