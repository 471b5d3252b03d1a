using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.Versioning;
using Bgmm.Imaging;
using Bgmm.Numerics;
using SkiaSharp;

namespace Bgmm.Tests.Imaging;

/// <summary>
/// Bad input is always an <see cref="ImageLoadException"/> with a one-line message naming the
/// file, never a decoder exception, a null or a crash.
/// </summary>
public class ImageLoaderBadInputTests
{
    private static ImageLoadException DecodeFails(byte[] bytes, string name = "bad.png", long maxPixels = ImageLoader.DefaultMaxPixels)
    {
        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Decode(bytes, maxPixels, name));
        Assert.StartsWith(name + ": ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    private static byte[] SmallPng()
    {
        var rgba = new byte[12 * 10 * 4];
        var random = new RandomStream(21);
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)random.NextInt64(256);
        return TestImages.Encode(12, 10, rgba, SKEncodedImageFormat.Png);
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixOfAPng_FailsCleanly()
    {
        byte[] png = SmallPng();
        for (int length = 0; length < png.Length; length++)
        {
            ImageLoadException ex = DecodeFails(png[..length]);
            Assert.NotEqual(ImageLoadFailure.TooLarge, ex.Failure);
        }
        // The codec itself accepts a PNG cut after its image data; the loader must not.
        Assert.Equal(ImageLoadFailure.Truncated, DecodeFails(png[..^12]).Failure);
        Assert.Equal(ImageLoadFailure.Truncated, DecodeFails(png[..^1]).Failure);
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixOfA16BitPng_FailsCleanly()
    {
        var raw = new byte[6 * 5 * 6];
        var random = new RandomStream(22);
        for (int i = 0; i < raw.Length; i++) raw[i] = (byte)random.NextInt64(256);
        byte[] png = TestImages.Png(6, 5, 16, 2, raw);
        for (int length = 0; length < png.Length; length++) DecodeFails(png[..length]);
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixOfAJpeg_FailsCleanly()
    {
        var rgba = new byte[24 * 16 * 4];
        var random = new RandomStream(23);
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)random.NextInt64(256);
        byte[] jpeg = TestImages.WithExifOrientation(TestImages.Encode(24, 16, rgba, SKEncodedImageFormat.Jpeg, 90), 6);
        for (int length = 0; length < jpeg.Length; length++) DecodeFails(jpeg[..length], "bad.jpg");
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixOfAWebPAndAGif_FailsCleanly()
    {
        var rgba = new byte[8 * 8 * 4];
        Array.Fill(rgba, (byte)200);
        byte[] webp = TestImages.Encode(8, 8, rgba, SKEncodedImageFormat.Webp);
        for (int length = 0; length < webp.Length; length++) DecodeFails(webp[..length], "bad.webp");
        byte[] gif = TestImages.Gif(8, 8, new byte[768], new byte[64]);
        // A GIF cut after its first frame still holds that frame whole; only earlier cuts must fail.
        int frameEnd = gif.Length - 1;
        for (int length = 0; length < frameEnd - 1; length++) DecodeFails(gif[..length], "bad.gif");
    }

    [Fact]
    public void Decode_TruncatedFile_MessageSaysWhatToDo()
    {
        byte[] png = SmallPng();

        ImageLoadException ex = DecodeFails(png[..(png.Length / 2)], "fox.png");

        Assert.Equal(ImageLoadFailure.Truncated, ex.Failure);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("re-download or re-export", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomBytes_FailCleanly()
    {
        var random = new RandomStream(24);
        for (int trial = 0; trial < 200; trial++)
        {
            var bytes = new byte[1 + random.NextInt64(600)];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)random.NextInt64(256);
            DecodeFails(bytes, "noise.bin");
        }
    }

    [Fact]
    public void Decode_ValidSignaturesFollowedByNoise_FailCleanly()
    {
        byte[][] signatures = [[137, 80, 78, 71, 13, 10, 26, 10], [0xFF, 0xD8, 0xFF], "GIF89a"u8.ToArray(), "BM"u8.ToArray(), [.. "RIFF"u8, 100, 0, 0, 0, .. "WEBPVP8 "u8]];
        var random = new RandomStream(25);
        foreach (byte[] signature in signatures)
        {
            for (int trial = 0; trial < 50; trial++)
            {
                var bytes = new byte[signature.Length + 1 + random.NextInt64(300)];
                signature.CopyTo(bytes, 0);
                for (int i = signature.Length; i < bytes.Length; i++) bytes[i] = (byte)random.NextInt64(256);
                DecodeFails(bytes, "noise.img");
            }
        }
    }

    [Fact]
    public void Decode_CorruptedBytesInsideAPng_FailCleanly()
    {
        byte[] png = SmallPng();
        var random = new RandomStream(26);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] copy = (byte[])png.Clone();
            int at = 8 + (int)random.NextInt64(copy.Length - 8);
            copy[at] ^= (byte)(1 + random.NextInt64(255));
            // Flipped bytes in the zlib data are caught by the CRC or the decoder; a flipped byte in
            // an ancillary chunk may be ignored. Either way the result is an image or a clean error.
            try
            {
                ImageLoader.Decode(copy, ImageLoader.DefaultMaxPixels, "flipped.png");
            }
            catch (ImageLoadException)
            {
            }
        }
    }

    [Fact]
    public void Decode_CorruptCrcIn16BitPng_IsReportedAsCorrupt()
    {
        byte[] png = TestImages.Png(3, 2, 16, 2, new byte[36]);
        png[^16] ^= 0x55; // the last byte of the last IDAT's CRC

        ImageLoadException ex = DecodeFails(png);

        Assert.Equal(ImageLoadFailure.Corrupt, ex.Failure);
        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HugeDimensionsInTheHeader_FailOnTheLimitBeforeAllocating()
    {
        // 100000×100000 in IHDR with no image data: decoding would need 10¹⁰ pixels.
        byte[] png = HeaderOnlyPng(100_000, 100_000, bitDepth: 8);
        long before = GC.GetAllocatedBytesForCurrentThread();

        ImageLoadException ex = DecodeFails(png, "huge.png");

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ImageLoadFailure.TooLarge, ex.Failure);
        Assert.Contains("100000×100000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--max-pixels", ex.Message, StringComparison.Ordinal);
        // Well under one plane of the image (10 GB): only the message and small objects are allocated.
        Assert.True(allocated < 1_000_000, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Decode_MorePixelsThanMaxPixels_FailsNamingTheSize(int bitDepth)
    {
        byte[] png = TestImages.Png(20, 10, bitDepth, 2, new byte[20 * 10 * 3 * bitDepth / 8]);

        ImageLoadException ex = DecodeFails(png, "big.png", maxPixels: 199);

        Assert.Equal(ImageLoadFailure.TooLarge, ex.Failure);
        Assert.Contains("20×10 = 200 pixels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--max-pixels", ex.Message, StringComparison.Ordinal);
        Assert.Equal(200, ImageLoader.Decode(png, maxPixels: 200).PixelCount);
    }

    [Fact]
    public void Decode_JpegOverTheLimit_FailsOnTheLimit()
    {
        byte[] jpeg = TestImages.Encode(16, 16, new byte[16 * 16 * 4], SKEncodedImageFormat.Jpeg);

        Assert.Equal(ImageLoadFailure.TooLarge, DecodeFails(jpeg, "big.jpg", maxPixels: 255).Failure);
    }

    [Fact]
    public void Decode_PngSidesBeyondThePngLimit_AreCorruptNotACrash()
    {
        Assert.Equal(ImageLoadFailure.Corrupt, DecodeFails(HeaderOnlyPng(0x8000_0000u, 1, 8)).Failure);
        Assert.Equal(ImageLoadFailure.TooLarge, DecodeFails(HeaderOnlyPng(int.MaxValue, int.MaxValue, 8)).Failure);
    }

    [Theory]
    [InlineData(0u, 5u)]
    [InlineData(5u, 0u)]
    public void Decode_ZeroSizedPng_Fails(uint width, uint height)
    {
        Assert.Equal(ImageLoadFailure.ZeroSize, DecodeFails(HeaderOnlyPng(width, height, 8)).Failure);
    }

    [Fact]
    public void Decode_EmptyInput_Fails()
    {
        ImageLoadException ex = DecodeFails([], "empty.png");

        Assert.Equal(ImageLoadFailure.Empty, ex.Failure);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Text_IsNotASupportedImage()
    {
        ImageLoadException ex = DecodeFails("x,y\n1,2\n"u8.ToArray(), "data.csv");

        Assert.Equal(ImageLoadFailure.UnsupportedFormat, ex.Failure);
        Assert.Contains("PNG, JPEG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFileDirectoryAndEmptyFile_FailNamingThePath()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"bgmm-imaging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string missing = Path.Combine(dir, "missing.png");
            ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(missing));
            Assert.Equal(ImageLoadFailure.NotFound, ex.Failure);
            Assert.StartsWith(missing + ": ", ex.Message, StringComparison.Ordinal);

            ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(dir));
            Assert.Equal(ImageLoadFailure.NotFound, ex.Failure);
            Assert.Contains("directory", ex.Message, StringComparison.Ordinal);

            string empty = Path.Combine(dir, "empty.png");
            File.WriteAllBytes(empty, []);
            ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(empty));
            Assert.Equal(ImageLoadFailure.Empty, ex.Failure);
            Assert.StartsWith(empty + ": ", ex.Message, StringComparison.Ordinal);

            Assert.Equal(ImageLoadFailure.NotFound, Assert.Throws<ImageLoadException>(() => ImageLoader.Load("")).Failure);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Load_UnreadableFile_FailsNamingThePath()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("file modes are a Unix feature");
        string path = Path.Combine(Path.GetTempPath(), $"bgmm-imaging-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, TestImages.Png(1, 1, 8, 2, [1, 2, 3]));
        try
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
            if (CanRead(path)) Assert.Skip("running as a user who can read any file (root): the permission cannot be tested.");

            ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(path));

            Assert.Equal(ImageLoadFailure.Unreadable, ex.Failure);
            Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(path);
        }

        static bool CanRead(string path)
        {
            try
            {
                File.ReadAllBytes(path);
                return true;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>A PNG with only IHDR and IEND (a valid layout; the image data is missing).</summary>
    private static byte[] HeaderOnlyPng(uint width, uint height, int bitDepth)
    {
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = 2;
        TestImages.Chunk(ms, "IHDR", ihdr);
        TestImages.Chunk(ms, "IEND", []);
        return ms.ToArray();
    }
}
