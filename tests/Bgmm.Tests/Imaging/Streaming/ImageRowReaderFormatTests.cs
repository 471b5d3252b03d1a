using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;
using Bgmm.Numerics;
using SkiaSharp;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>
/// ImageRowReader gives exactly ImageLoader's values (the SPEC §4 reference decode) for every
/// format, colour type and bit depth, whatever the band height, and says which files it streams.
/// </summary>
public class ImageRowReaderFormatTests
{
    /// <summary>Reads the file in bands of 1, 3 and more than all rows, and compares each with ImageLoader.Load.</summary>
    private static void AssertMatchesImageLoader(byte[] encoded, string extension, bool streamed, ImageFileFormat format)
    {
        using var file = new TempFile(encoded, extension);
        RgbImage expected = ImageLoader.Load(file.Path);
        foreach (int band in new[] { 1, 3, expected.Height + 5 })
        {
            using ImageRowReader reader = ImageRowReader.Open(file.Path);
            Assert.Equal(new ImageHeader(expected.Width, expected.Height, expected.BitsPerChannel, format, streamed), reader.Header);
            RowReading.AssertSame(expected, RowReading.ReadAll(reader, band));
            Assert.Equal(expected.Height, reader.RowsRead);
        }
    }

    public static TheoryData<int, int, int, int> PngKinds => new()
    {
        // colour type, bit depth, width, height: odd sizes, so that sub-byte rows end mid-byte.
        { 0, 1, 13, 7 }, { 0, 2, 13, 7 }, { 0, 4, 13, 7 }, { 0, 8, 13, 7 }, { 0, 16, 13, 7 },
        { 2, 8, 13, 7 }, { 2, 16, 13, 7 },
        { 3, 1, 13, 7 }, { 3, 2, 13, 7 }, { 3, 4, 13, 7 }, { 3, 8, 13, 7 },
        { 4, 8, 13, 7 }, { 4, 16, 13, 7 },
        { 6, 8, 13, 7 }, { 6, 16, 13, 7 },
        { 2, 8, 1, 1 }, { 6, 16, 1, 1 }, { 0, 1, 1, 9 }, { 3, 4, 31, 1 }, { 2, 8, 257, 3 },
    };

    [Theory]
    [MemberData(nameof(PngKinds))]
    public void Png_OfEveryColourTypeAndDepth_GivesImageLoadersValues(int colourType, int bitDepth, int width, int height)
    {
        int channels = colourType switch { 0 or 3 => 1, 2 => 3, 4 => 2, _ => 4 };
        int rowBytes = (width * channels * bitDepth + 7) / 8;
        byte[] raw = RowReading.RandomBytes(rowBytes * height, seed: (ulong)(colourType * 100 + bitDepth));
        var chunks = new List<(string, byte[])> { TestImages.Gama(100000) };
        if (colourType == 3)
        {
            // A full palette for the depth, with transparency, so that every index is valid.
            int entries = 1 << bitDepth;
            chunks.Add(("PLTE", RowReading.RandomBytes(3 * entries, seed: 77)));
            chunks.Add(("tRNS", RowReading.RandomBytes(entries, seed: 78)));
        }

        byte[] png = TestImages.Png(width, height, bitDepth, colourType, raw, chunksBeforeImage: chunks);

        AssertMatchesImageLoader(png, ".png", streamed: true, ImageFileFormat.Png);
    }

    [Fact]
    public void Png_WithPaletteIndicesBeyondThePalette_GivesImageLoadersValues()
    {
        // Four palette entries, indices up to 255: what a decoder does here is its own choice; ours must agree.
        byte[] indices = [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 4 + 1))];
        byte[] png = TestImages.Png(8, 8, 8, 3, indices, chunksBeforeImage: [("PLTE", RowReading.RandomBytes(12, seed: 3))]);

        AssertMatchesImageLoader(png, ".png", streamed: true, ImageFileFormat.Png);
    }

    [Fact]
    public void Png_EncodedBySkiaWithAnIccProfile_GivesImageLoadersValues()
    {
        byte[] rgba = RowReading.RandomBytes(19 * 11 * 4, seed: 4);
        AssertMatchesImageLoader(TestImages.WideGamutPng(19, 11, rgba), ".png", streamed: true, ImageFileFormat.Png);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void InterlacedPng_IsDecodedWholeAndGivesImageLoadersValues(int bitDepth)
    {
        byte[] raw = RowReading.RandomBytes(13 * 11 * 3 * bitDepth / 8, seed: 5);
        byte[] png = TestImages.Png(13, 11, bitDepth, 2, raw, interlaced: true);

        AssertMatchesImageLoader(png, ".png", streamed: false, ImageFileFormat.Png);
    }

    private static byte[] SmoothRgba(int width, int height, ulong seed)
    {
        var random = new RandomStream(seed);
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            int x = i % width, y = i / width;
            rgba[4 * i] = (byte)(x * 255 / width);
            rgba[4 * i + 1] = (byte)(y * 255 / height);
            rgba[4 * i + 2] = (byte)random.NextInt64(256);
            rgba[4 * i + 3] = 255;
        }
        return rgba;
    }

    [Theory]
    [InlineData(37, 23)]
    [InlineData(1, 1)]
    [InlineData(301, 977)] // more rows than the decoder's band (256 KiB of RGBA): three bands, the last partial
    public void Jpeg_IsStreamedAndGivesImageLoadersValues(int width, int height)
    {
        byte[] jpeg = TestImages.Encode(width, height, SmoothRgba(width, height, seed: 6), SKEncodedImageFormat.Jpeg, 85);

        AssertMatchesImageLoader(jpeg, ".jpg", streamed: true, ImageFileFormat.Jpeg);
    }

    [Fact]
    public void Jpeg_MirroredByItsOrientation_IsStreamedWithRowsReversed()
    {
        byte[] jpeg = TestImages.WithExifOrientation(TestImages.Encode(21, 9, SmoothRgba(21, 9, seed: 7), SKEncodedImageFormat.Jpeg, 90), 2);

        AssertMatchesImageLoader(jpeg, ".jpg", streamed: true, ImageFileFormat.Jpeg);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Jpeg_TurnedOrFlippedByItsOrientation_IsDecodedWholeAsImageLoaderDoes(ushort orientation)
    {
        byte[] jpeg = TestImages.WithExifOrientation(TestImages.Encode(21, 9, SmoothRgba(21, 9, seed: 8), SKEncodedImageFormat.Jpeg, 90), orientation);

        AssertMatchesImageLoader(jpeg, ".jpg", streamed: false, ImageFileFormat.Jpeg);
    }

    [Fact]
    public void LosslessWebP_GivesImageLoadersValues()
    {
        byte[] rgba = RowReading.RandomBytes(15 * 8 * 4, seed: 9);
        for (int i = 3; i < rgba.Length; i += 4) rgba[i] = 255;

        AssertMatchesImageLoader(TestImages.Encode(15, 8, rgba, SKEncodedImageFormat.Webp), ".webp", streamed: false, ImageFileFormat.WebP);
    }

    [Fact]
    public void BottomUpBmp_GivesImageLoadersValues()
    {
        AssertMatchesImageLoader(TestImages.Bmp(7, 5, RowReading.RandomBytes(7 * 5 * 3, seed: 10)), ".bmp", streamed: false, ImageFileFormat.Bmp);
    }

    [Fact]
    public void TopDownBmp_IsStreamedAndGivesImageLoadersValues()
    {
        // TestImages.Bmp writes bottom-up rows; a negative height in the header says top-down.
        const int width = 7, height = 5, stride = (width * 3 + 3) & ~3;
        byte[] bottomUp = TestImages.Bmp(width, height, RowReading.RandomBytes(width * height * 3, seed: 14));
        byte[] topDown = (byte[])bottomUp.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(topDown.AsSpan(22), -height);
        for (int y = 0; y < height; y++) bottomUp.AsSpan(54 + (height - 1 - y) * stride, stride).CopyTo(topDown.AsSpan(54 + y * stride));

        AssertMatchesImageLoader(topDown, ".bmp", streamed: true, ImageFileFormat.Bmp);
    }

    [Fact]
    public void AnimatedGif_GivesImageLoadersFirstFrame()
    {
        byte[] gif = TestImages.Gif(20, 15, RowReading.RandomBytes(256 * 3, seed: 11), RowReading.RandomBytes(20 * 15, seed: 12), RowReading.RandomBytes(20 * 15, seed: 13));

        AssertMatchesImageLoader(gif, ".gif", streamed: false, ImageFileFormat.Gif);
    }
}
