using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Tests.Imaging;

/// <summary>Label maps, masks, cut-outs and heat maps: the PNG type, the size and every pixel.</summary>
public class EncoderTests
{
    private static byte[] Labels(int n, int components, ulong seed)
    {
        var random = new RandomStream(seed);
        var labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte)random.NextInt64(components);
        return labels;
    }

    [Theory]
    [InlineData(1, new[] { 0 })]
    [InlineData(2, new[] { 0, 255 })]
    [InlineData(3, new[] { 0, 128, 255 })]      // 127.5 rounds away from zero
    [InlineData(4, new[] { 0, 85, 170, 255 })]
    [InlineData(5, new[] { 0, 64, 128, 191, 255 })] // 63.75, 127.5, 191.25
    public void LabelImage_GreyLevels_FollowTheRoundingRule(int components, int[] expected)
    {
        Assert.Equal(expected, LabelImage.Levels(components).Take(components).Select(v => (int)v));
    }

    [Fact]
    public void LabelImage_GreyLevels_MatchTheFormulaForEveryK()
    {
        for (int k = 2; k <= 256; k++)
        {
            byte[] levels = LabelImage.Levels(k);
            for (int c = 0; c < k; c++)
            {
                // decimal arithmetic: exact for c·255/(k − 1), so the half-way cases are really half-way.
                decimal exact = c * 255m / (k - 1);
                Assert.Equal((int)Math.Round(exact, MidpointRounding.AwayFromZero), levels[c]);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void LabelImage_EncodesAGreyPngOfTheInputSize(int components)
    {
        const int width = 13, height = 7;
        byte[] labels = Labels(width * height, components, seed: (ulong)components);

        byte[] png = LabelImage.EncodePng(width, height, labels, components);

        Assert.Equal((width, height, 8, 0), TestImages.PngHeader(png)); // 8-bit greyscale
        (int w, int h, byte[] rgba) = TestImages.DecodeRgba(png);
        Assert.Equal((width, height), (w, h));
        byte[] levels = LabelImage.Levels(components);
        for (int i = 0; i < labels.Length; i++) Assert.Equal(levels[labels[i]], rgba[4 * i]);
        if (components == 2) Assert.Equal(new byte[] { 0, 255 }, rgba.Where((_, i) => i % 4 == 0).Distinct().Order().ToArray());
    }

    [Fact]
    public void Encoders_RejectBadLabels()
    {
        Assert.Throws<ArgumentException>(() => LabelImage.EncodePng(2, 2, [0, 1, 2, 1], 2)); // label 2 with K = 2
        Assert.Throws<ArgumentException>(() => LabelImage.EncodePng(2, 2, [0, 1, 1], 2));    // 3 labels for 4 pixels
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelImage.EncodePng(2, 2, [0, 0, 0, 0], 0));
        Assert.Throws<ArgumentException>(() => MaskImage.EncodePng(2, 1, [0, 1], [true]));
        Assert.Throws<ArgumentException>(() => HeatMap.EncodePng(2, 1, [0f, 1f], 1, 0));
    }

    [Fact]
    public void MaskImage_ForegroundIs255AndBackground0()
    {
        byte[] labels = Labels(10 * 4, 3, seed: 10);
        bool[] background = [false, true, false];

        byte[] png = MaskImage.EncodePng(10, 4, labels, background);

        Assert.Equal((10, 4, 8, 0), TestImages.PngHeader(png));
        (_, _, byte[] rgba) = TestImages.DecodeRgba(png);
        for (int i = 0; i < labels.Length; i++) Assert.Equal(background[labels[i]] ? 0 : 255, rgba[4 * i]);
    }

    [Fact]
    public void Cutout_BackgroundIsTransparentAndForegroundKeepsItsColour()
    {
        var random = new RandomStream(11);
        byte[] Plane() => [.. Enumerable.Range(0, 24).Select(_ => (byte)random.NextInt64(256))];
        RgbImage image = RgbImage.FromRgb8(6, 4, Plane(), Plane(), Plane());
        byte[] labels = Labels(24, 2, seed: 12);
        bool[] background = [true, false];

        byte[] png = Cutout.EncodePng(image, labels, background);

        Assert.Equal((6, 4, 8, 6), TestImages.PngHeader(png)); // 8-bit RGBA
        (_, _, byte[] rgba) = TestImages.DecodeRgba(png);
        for (int i = 0; i < 24; i++)
        {
            if (background[labels[i]])
            {
                Assert.Equal(0, rgba[4 * i + 3]);
            }
            else
            {
                Assert.Equal(255, rgba[4 * i + 3]);
                Assert.Equal((image.Red8[i], image.Green8[i], image.Blue8[i]), (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]));
            }
        }
    }

    [Fact]
    public void Cutout_16BitImage_UsesTheRounded8BitColours()
    {
        ushort[] r = [0x1234, 65535], g = [385, 0], b = [386, 32896];
        RgbImage image = RgbImage.FromRgb16(2, 1, r, g, b);

        (_, _, byte[] rgba) = TestImages.DecodeRgba(Cutout.EncodePng(image, [0, 0], [false]));

        Assert.Equal(new byte[] { 0x12, 1, 2, 255, 255, 0, 128, 255 }, rgba);
    }

    [Fact]
    public void HeatMap_MapsTheRangeOntoViridisAndClamps()
    {
        float[] values = [0f, 0.5f, 1f, -3f, 7f, float.NaN];

        byte[] png = HeatMap.EncodePng(6, 1, values, 0, 1);

        Assert.Equal((6, 1, 8, 2), TestImages.PngHeader(png)); // 8-bit RGB
        (_, _, byte[] rgba) = TestImages.DecodeRgba(png);
        (byte R, byte G, byte B) At(int i) => (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
        // Viridis: (68, 1, 84) at 0, (33, 145, 140) at 0.5, (253, 231, 37) at 1. The polynomial fit
        // is within 6 levels of these (the largest error of the fit is at the dark end).
        AssertNear((68, 1, 84), At(0), 6);
        AssertNear((33, 145, 140), At(1), 6);
        AssertNear((253, 231, 37), At(2), 6);
        Assert.Equal(At(0), At(3)); // below the range: the lowest colour
        Assert.Equal(At(2), At(4)); // above the range: the highest colour
        Assert.Equal(HeatMap.MissingColour, At(5));
    }

    [Fact]
    public void HeatMap_ColoursGetBrighterAlongTheMap()
    {
        // Viridis is perceptually ordered: its luminance rises monotonically.
        double previous = -1;
        for (int i = 0; i <= 255; i++)
        {
            (byte r, byte g, byte b) = HeatMap.ColourAt(i / 255.0);
            double luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            Assert.True(luminance >= previous - 0.5, $"luminance falls at {i}");
            previous = luminance;
        }
    }

    private static void AssertNear((int R, int G, int B) expected, (byte R, byte G, byte B) actual, int tolerance)
    {
        Assert.InRange(actual.R, expected.R - tolerance, expected.R + tolerance);
        Assert.InRange(actual.G, expected.G - tolerance, expected.G + tolerance);
        Assert.InRange(actual.B, expected.B - tolerance, expected.B + tolerance);
    }
}
