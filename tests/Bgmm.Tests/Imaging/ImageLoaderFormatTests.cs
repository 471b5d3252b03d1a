using Bgmm.Imaging;
using Bgmm.Numerics;
using SkiaSharp;

namespace Bgmm.Tests.Imaging;

/// <summary>
/// Decoding generated files: alpha never alters colours, no colour-space conversion, 16-bit stays
/// 16-bit, grey and palette images, every supported format, and EXIF orientation (SPEC §4).
/// </summary>
public class ImageLoaderFormatTests
{
    private static byte[] RandomBytes(int count, ulong seed)
    {
        var random = new RandomStream(seed);
        var bytes = new byte[count];
        for (int i = 0; i < count; i++) bytes[i] = (byte)random.NextInt64(256);
        return bytes;
    }

    /// <summary>RGBA with random colours and alphas that include 0, 1, 128 and 255.</summary>
    private static byte[] RgbaWithEveryAlpha(int width, int height, ulong seed)
    {
        byte[] rgba = RandomBytes(width * height * 4, seed);
        byte[] alphas = [0, 1, 2, 127, 128, 254, 255];
        for (int i = 0; i < width * height; i++) rgba[4 * i + 3] = alphas[i % alphas.Length];
        return rgba;
    }

    private static void AssertRgb(byte[] rgba, RgbImage image)
    {
        Assert.Equal(8, image.BitsPerChannel);
        for (int i = 0; i < image.PixelCount; i++)
        {
            int x = i % image.Width, y = i / image.Width;
            Assert.Equal((rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]), image.GetPixel(x, y));
        }
    }

    [Fact]
    public void Decode_RgbaPngWithTransparentPixels_KeepsEveryColourExactly()
    {
        byte[] rgba = RgbaWithEveryAlpha(17, 9, seed: 1);
        rgba[0] = 200; rgba[1] = 100; rgba[2] = 50; rgba[3] = 0; // the case a premultiplying decode turns into black

        RgbImage image = ImageLoader.Decode(TestImages.Png(17, 9, 8, 6, rgba));

        Assert.Equal((200, 100, 50), image.GetPixel(0, 0));
        AssertRgb(rgba, image);
    }

    [Fact]
    public void Decode_RgbaPngEncodedBySkia_KeepsEveryColourExactly()
    {
        byte[] rgba = RgbaWithEveryAlpha(16, 16, seed: 2);

        RgbImage image = ImageLoader.Decode(TestImages.Encode(16, 16, rgba, SKEncodedImageFormat.Png));

        AssertRgb(rgba, image);
    }

    [Fact]
    public void Decode_GreyAndAlphaPng_KeepsTheGreyOfTransparentPixels()
    {
        byte[] raw = [10, 0, 200, 0, 77, 128, 255, 255];

        RgbImage image = ImageLoader.Decode(TestImages.Png(4, 1, 8, 4, raw));

        Assert.Equal((10, 10, 10), image.GetPixel(0, 0));
        Assert.Equal((200, 200, 200), image.GetPixel(1, 0));
        Assert.Equal((77, 77, 77), image.GetPixel(2, 0));
        Assert.Equal((255, 255, 255), image.GetPixel(3, 0));
    }

    public static TheoryData<string> ColourChunks => ["gAMA 1.0", "gAMA 1/2.2 + sRGB", "cHRM Rec.2020 + gAMA 1.0"];

    [Theory]
    [MemberData(nameof(ColourChunks))]
    public void Decode_PngWithColourChunks_KeepsStoredValues(string chunks)
    {
        byte[] rgb = RandomBytes(12 * 7 * 3, seed: 3);
        (string, byte[])[] extra = chunks switch
        {
            "gAMA 1.0" => [TestImages.Gama(100000)],
            "gAMA 1/2.2 + sRGB" => [TestImages.Gama(45455), TestImages.Srgb()],
            _ => [TestImages.ChrmRec2020(), TestImages.Gama(100000)],
        };

        RgbImage image = ImageLoader.Decode(TestImages.Png(12, 7, 8, 2, rgb, chunksBeforeImage: extra));

        Assert.Equal(rgb, TestImages.InterleavedRgb(image));
    }

    [Fact]
    public void Decode_PngWithWideGamutIccProfile_KeepsStoredValues()
    {
        byte[] rgba = RandomBytes(10 * 6 * 4, seed: 4);
        for (int i = 3; i < rgba.Length; i += 4) rgba[i] = 255;
        byte[] png = TestImages.WideGamutPng(10, 6, rgba);
        Assert.NotNull(TestImages.FindChunk(png, "iCCP")); // the profile is really there

        RgbImage image = ImageLoader.Decode(png);

        AssertRgb(rgba, image);
    }

    [Fact]
    public void Decode_16BitRgbPng_Keeps16BitValues()
    {
        byte[] raw = RandomBytes(9 * 5 * 6, seed: 5);
        // Include the extremes and values that 8-bit or half-float decoding would change.
        byte[] special = [0x00, 0x00, 0xFF, 0xFF, 0x12, 0x34, 0x00, 0x01, 0xFF, 0xFE, 0x80, 0x00];
        special.CopyTo(raw, 0);

        RgbImage image = ImageLoader.Decode(TestImages.Png(9, 5, 16, 2, raw, chunksBeforeImage: [TestImages.Srgb(), TestImages.Gama(100000)]));

        Assert.Equal(16, image.BitsPerChannel);
        Assert.Equal((9, 5), (image.Width, image.Height));
        for (int i = 0; i < 45; i++)
        {
            int v(int c) => (raw[6 * i + 2 * c] << 8) | raw[6 * i + 2 * c + 1];
            Assert.Equal((v(0), v(1), v(2)), image.GetPixel(i % 9, i / 9));
        }
        Assert.Equal((0, 65535, 0x1234), image.GetPixel(0, 0));
        Assert.Equal((1, 65534, 0x8000), image.GetPixel(1, 0));
    }

    [Fact]
    public void Decode_16BitPngWithFewDistinctBytes_UnfiltersTiesCorrectly()
    {
        // Bytes drawn from 0..4: the Paeth predictor then often has ties, where its
        // tie-breaking order (left, then up, then up-left) decides the result.
        var random = new RandomStream(13);
        byte[] raw = [.. Enumerable.Range(0, 24 * 20 * 6).Select(_ => (byte)random.NextInt64(5))];

        RgbImage image = ImageLoader.Decode(TestImages.Png(24, 20, 16, 2, raw));

        for (int i = 0; i < 24 * 20; i++)
        {
            int v(int c) => (raw[6 * i + 2 * c] << 8) | raw[6 * i + 2 * c + 1];
            Assert.Equal((v(0), v(1), v(2)), image.GetPixel(i % 24, i / 24));
        }
    }

    [Fact]
    public void Decode_16BitRgbaInterlacedPng_Keeps16BitValuesAndIgnoresAlpha()
    {
        // 13×11 exercises every Adam7 pass, including partial ones.
        byte[] raw = RandomBytes(13 * 11 * 8, seed: 6);
        for (int i = 0; i < 13 * 11; i++)
        {
            if (i % 3 == 0) { raw[8 * i + 6] = 0; raw[8 * i + 7] = 0; } // alpha 0
        }

        RgbImage image = ImageLoader.Decode(TestImages.Png(13, 11, 16, 6, raw, interlaced: true));

        Assert.Equal(16, image.BitsPerChannel);
        for (int i = 0; i < 13 * 11; i++)
        {
            int v(int c) => (raw[8 * i + 2 * c] << 8) | raw[8 * i + 2 * c + 1];
            Assert.Equal((v(0), v(1), v(2)), image.GetPixel(i % 13, i / 13));
        }
    }

    [Fact]
    public void Decode_16BitGreyPng_RepeatsTheGreyIn16Bits()
    {
        byte[] raw = [0x12, 0x34, 0xAB, 0xCD, 0x00, 0x00, 0xFF, 0xFF];

        RgbImage image = ImageLoader.Decode(TestImages.Png(2, 2, 16, 0, raw));

        Assert.Equal(16, image.BitsPerChannel);
        Assert.Equal((0x1234, 0x1234, 0x1234), image.GetPixel(0, 0));
        Assert.Equal((0xABCD, 0xABCD, 0xABCD), image.GetPixel(1, 0));
        Assert.Equal((0, 0, 0), image.GetPixel(0, 1));
        Assert.Equal((65535, 65535, 65535), image.GetPixel(1, 1));
        Assert.Equal(0xABCD / 65535.0, image.ToDataset()[1, 0]);
    }

    [Fact]
    public void Decode_16BitGreyAlphaPng_IgnoresAlpha()
    {
        byte[] raw = [0x12, 0x34, 0x00, 0x00, 0xAB, 0xCD, 0xFF, 0xFF];

        RgbImage image = ImageLoader.Decode(TestImages.Png(2, 1, 16, 4, raw));

        Assert.Equal((0x1234, 0x1234, 0x1234), image.GetPixel(0, 0));
        Assert.Equal((0xABCD, 0xABCD, 0xABCD), image.GetPixel(1, 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Decode_GreyPng_GivesEqualChannels(int bitDepth)
    {
        // 8 pixels in one row: values 0..7 scaled to the bit depth's range.
        int max = (1 << bitDepth) - 1;
        int[] levels = [.. Enumerable.Range(0, 8).Select(i => i * max / 7)];
        var raw = new byte[(8 * bitDepth + 7) / 8];
        for (int i = 0; i < 8; i++)
        {
            int bit = i * bitDepth;
            raw[bit / 8] |= (byte)(levels[i] << (8 - bitDepth - bit % 8));
        }

        RgbImage image = ImageLoader.Decode(TestImages.Png(8, 1, bitDepth, 0, raw));

        for (int i = 0; i < 8; i++)
        {
            int grey = levels[i] * 255 / max; // PNG scales low bit depths by exact replication
            Assert.Equal((grey, grey, grey), image.GetPixel(i, 0));
        }
    }

    [Fact]
    public void Decode_PalettePngWithTransparency_GivesThePaletteColours()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50];
        byte[] indices = [0, 1, 2, 3, 3, 2, 1, 0];
        byte[] transparency = [255, 128, 255, 0]; // entry 3 is fully transparent

        RgbImage image = ImageLoader.Decode(TestImages.Png(4, 2, 8, 3, indices, chunksBeforeImage: [("PLTE", palette), ("tRNS", transparency)]));

        for (int i = 0; i < 8; i++)
        {
            int p = indices[i];
            Assert.Equal((palette[3 * p], palette[3 * p + 1], palette[3 * p + 2]), image.GetPixel(i % 4, i / 4));
        }
    }

    [Fact]
    public void Decode_LosslessWebP_KeepsEveryColour()
    {
        byte[] rgba = RandomBytes(15 * 8 * 4, seed: 7);
        // Lossless WebP may rewrite the colour of fully transparent pixels; keep alpha above 0.
        for (int i = 3; i < rgba.Length; i += 4) rgba[i] = (byte)Math.Max((int)rgba[i], 1);

        RgbImage image = ImageLoader.Decode(TestImages.Encode(15, 8, rgba, SKEncodedImageFormat.Webp));

        AssertRgb(rgba, image);
    }

    [Fact]
    public void Decode_Bmp_KeepsEveryColourAndRowOrder()
    {
        byte[] rgb = RandomBytes(7 * 5 * 3, seed: 8);

        RgbImage image = ImageLoader.Decode(TestImages.Bmp(7, 5, rgb));

        Assert.Equal(rgb, TestImages.InterleavedRgb(image));
    }

    [Fact]
    public void Decode_AnimatedGif_GivesTheFirstFrame()
    {
        byte[] palette = RandomBytes(256 * 3, seed: 9);
        byte[] first = RandomBytes(20 * 15, seed: 10), second = RandomBytes(20 * 15, seed: 11);

        RgbImage image = ImageLoader.Decode(TestImages.Gif(20, 15, palette, first, second));

        Assert.Equal((20, 15), (image.Width, image.Height));
        for (int i = 0; i < first.Length; i++)
        {
            int p = first[i];
            Assert.Equal((palette[3 * p], palette[3 * p + 1], palette[3 * p + 2]), image.GetPixel(i % 20, i / 20));
        }
    }

    /// <summary>
    /// A 32×16 JPEG whose left half is red and right half blue, blocks aligned to the 8×8 DCT
    /// (and 16×16 chroma) grid so that colours come back within a few levels.
    /// </summary>
    private static byte[] RedBlueJpeg()
    {
        var rgba = new byte[32 * 16 * 4];
        for (int i = 0; i < 32 * 16; i++)
        {
            bool left = i % 32 < 16;
            rgba[4 * i] = left ? (byte)220 : (byte)20;
            rgba[4 * i + 1] = 30;
            rgba[4 * i + 2] = left ? (byte)20 : (byte)220;
            rgba[4 * i + 3] = 255;
        }
        return TestImages.Encode(32, 16, rgba, SKEncodedImageFormat.Jpeg, 100);
    }

    private static bool IsRed((int R, int G, int B) p) => p.R > 180 && p.B < 60;

    private static bool IsBlue((int R, int G, int B) p) => p.B > 180 && p.R < 60;

    [Fact]
    public void Decode_Jpeg_KeepsOrientationWithoutExif()
    {
        RgbImage image = ImageLoader.Decode(RedBlueJpeg());

        Assert.Equal((32, 16), (image.Width, image.Height));
        // Colour classes with wide margins: quality-100 JPEG of flat, block-aligned areas is within a few levels.
        Assert.True(IsRed(image.GetPixel(4, 8)));
        Assert.True(IsBlue(image.GetPixel(28, 8)));
    }

    [Theory]
    [InlineData(1, 32, 16, "left red")]
    [InlineData(2, 32, 16, "left blue")]   // mirrored left-right
    [InlineData(3, 32, 16, "left blue")]   // turned 180°
    [InlineData(4, 32, 16, "left red")]    // mirrored top-bottom
    [InlineData(5, 16, 32, "top red")]     // transposed
    [InlineData(6, 16, 32, "top red")]     // turned 90° clockwise: the stored left edge becomes the top
    [InlineData(7, 16, 32, "top blue")]    // transversed
    [InlineData(8, 16, 32, "top blue")]    // turned 90° anticlockwise: the stored left edge becomes the bottom
    public void Decode_JpegWithExifOrientation_IsTurnedAsTheTagSays(ushort orientation, int width, int height, string layout)
    {
        RgbImage image = ImageLoader.Decode(TestImages.WithExifOrientation(RedBlueJpeg(), orientation));

        Assert.Equal((width, height), (image.Width, image.Height));
        (int R, int G, int B) firstHalf = layout.StartsWith("left", StringComparison.Ordinal) ? image.GetPixel(4, 8) : image.GetPixel(8, 4);
        (int R, int G, int B) secondHalf = layout.StartsWith("left", StringComparison.Ordinal) ? image.GetPixel(28, 8) : image.GetPixel(8, 28);
        bool red = layout.EndsWith("red", StringComparison.Ordinal);
        Assert.True(red ? IsRed(firstHalf) : IsBlue(firstHalf), $"orientation {orientation}: first half is {firstHalf}");
        Assert.True(red ? IsBlue(secondHalf) : IsRed(secondHalf), $"orientation {orientation}: second half is {secondHalf}");
    }

    [Fact]
    public void Decode_MirroringOrientations_PutEveryPixelWhereTheTagSays()
    {
        // A lossless check of the index arithmetic: each pixel of a 5×3 JPEG is compared with the
        // unrotated decode (same codec, same rounding), through the transform of each orientation.
        byte[] rgba = RandomBytes(5 * 3 * 4, seed: 12);
        byte[] jpeg = TestImages.Encode(5, 3, rgba, SKEncodedImageFormat.Jpeg, 90);
        RgbImage stored = ImageLoader.Decode(jpeg);
        for (ushort orientation = 1; orientation <= 8; orientation++)
        {
            RgbImage shown = ImageLoader.Decode(TestImages.WithExifOrientation(jpeg, orientation));
            for (int sy = 0; sy < 3; sy++)
            {
                for (int sx = 0; sx < 5; sx++)
                {
                    (int x, int y) = orientation switch
                    {
                        1 => (sx, sy),
                        2 => (4 - sx, sy),
                        3 => (4 - sx, 2 - sy),
                        4 => (sx, 2 - sy),
                        5 => (sy, sx),
                        6 => (2 - sy, sx),
                        7 => (2 - sy, 4 - sx),
                        _ => (sy, 4 - sx),
                    };
                    Assert.Equal(stored.GetPixel(sx, sy), shown.GetPixel(x, y));
                }
            }
        }
    }

    [Fact]
    public void Decode_JpegTallerThanOneBand_MatchesTheWholeImageDecode()
    {
        // JPEG is decoded a band of rows at a time (1 MB of RGBA: 512 rows of 512 pixels here), so
        // 512×1300 takes three bands, the last one partial. The codec's one-shot decode is the reference.
        const int width = 512, height = 1300;
        var rgba = new byte[width * height * 4];
        var random = new RandomStream(14);
        for (int i = 0; i < width * height; i++)
        {
            int x = i % width, y = i / width;
            rgba[4 * i] = (byte)(x / 2);
            rgba[4 * i + 1] = (byte)(y / 6);
            rgba[4 * i + 2] = (byte)random.NextInt64(256);
            rgba[4 * i + 3] = 255;
        }
        byte[] jpeg = TestImages.Encode(width, height, rgba, SKEncodedImageFormat.Jpeg, 85);

        RgbImage image = ImageLoader.Decode(jpeg);

        (int w, int h, byte[] reference) = TestImages.DecodeRgba(jpeg);
        Assert.Equal((w, h), (image.Width, image.Height));
        ReadOnlySpan<byte> r = image.Red8, g = image.Green8, b = image.Blue8;
        for (int i = 0; i < w * h; i++)
        {
            if (r[i] != reference[4 * i] || g[i] != reference[4 * i + 1] || b[i] != reference[4 * i + 2])
                Assert.Fail($"pixel ({i % w}, {i / w}) differs from the whole-image decode");
        }
    }

    [Fact]
    public void Decode_Interlaced8BitPng_KeepsEveryColour()
    {
        byte[] rgb = RandomBytes(13 * 11 * 3, seed: 15);

        RgbImage image = ImageLoader.Decode(TestImages.Png(13, 11, 8, 2, rgb, interlaced: true));

        Assert.Equal(rgb, TestImages.InterleavedRgb(image));
    }

    [Fact]
    public void Decode_OnePixelImages_Work()
    {
        Assert.Equal((1, 2, 3), ImageLoader.Decode(TestImages.Png(1, 1, 8, 2, [1, 2, 3])).GetPixel(0, 0));
        Assert.Equal((0x0102, 0x0304, 0x0506), ImageLoader.Decode(TestImages.Png(1, 1, 16, 2, [1, 2, 3, 4, 5, 6])).GetPixel(0, 0));
        RgbImage jpeg = ImageLoader.Decode(TestImages.Encode(1, 1, [90, 160, 30, 255], SKEncodedImageFormat.Jpeg));
        Assert.Equal((1, 1), (jpeg.Width, jpeg.Height));
        Assert.Equal((7, 8, 9), ImageLoader.Decode(TestImages.Bmp(1, 1, [7, 8, 9])).GetPixel(0, 0));
    }

    [Fact]
    public void Load_PngFile_ReadsTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bgmm-imaging-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, TestImages.Png(2, 1, 8, 2, [1, 2, 3, 4, 5, 6]));

            RgbImage image = ImageLoader.Load(path);

            Assert.Equal((4, 5, 6), image.GetPixel(1, 0));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
