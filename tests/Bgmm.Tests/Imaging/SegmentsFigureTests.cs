using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Tests.Imaging;

/// <summary>The study's segmentation figure: layout, size limit, blanking and titles.</summary>
public class SegmentsFigureTests
{
    private static RgbImage RandomImage(int width, int height, ulong seed)
    {
        var random = new RandomStream(seed);
        byte[] Plane() => [.. Enumerable.Range(0, width * height).Select(_ => (byte)random.NextInt64(256))];
        return RgbImage.FromRgb8(width, height, Plane(), Plane(), Plane());
    }

    private static byte[] Labels(int n, int components, ulong seed)
    {
        var random = new RandomStream(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (byte)random.NextInt64(components))];
    }

    private static (byte R, byte G, byte B) At(byte[] rgba, int width, int x, int y)
    {
        int o = (y * width + x) * 4;
        return (rgba[o], rgba[o + 1], rgba[o + 2]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Figure_SmallImage_PanelsShowTheirComponentAndBlankTheOthers(int components)
    {
        // 200×150 is drawn at scale 1, so every panel pixel must equal the image or white exactly.
        const int width = 200, height = 150;
        RgbImage image = RandomImage(width, height, seed: 1);
        byte[] labels = Labels(width * height, components, seed: 2);

        byte[] png = SegmentsFigure.EncodePng(image, labels, components);

        FigureLayout layout = FigureLayout.Plan(width, height, components + 1, SegmentsFigure.DefaultMaxLongSide);
        Assert.Equal((width, height), (layout.PanelWidth, layout.PanelHeight));
        Assert.Equal((components + 1, 1), (layout.Columns, layout.Rows)); // one row up to four components
        (int fw, int fh, byte[] rgba) = TestImages.DecodeRgba(png);
        Assert.Equal((layout.Width, layout.Height), (fw, fh));
        Assert.Equal(8, TestImages.PngHeader(png).BitDepth);
        for (int p = 0; p <= components; p++)
        {
            (int x0, int y0) = layout.PanelOrigin(p);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int i = y * width + x;
                    bool shown = p == 0 || labels[i] == p - 1;
                    (int, int, int) expected = shown ? (image.Red8[i], image.Green8[i], image.Blue8[i]) : (255, 255, 255);
                    Assert.Equal(expected, At(rgba, fw, x0 + x, y0 + y));
                }
            }
        }
    }

    [Fact]
    public void Figure_LargeImage_IsAtMost4096OnItsLongSide()
    {
        // 2400×1600 with K = 4: five panels in a row would be 12 000 px wide at full size.
        const int w = 2400, h = 1600;
        var r = new byte[w * h];
        var labels = new byte[w * h];
        for (int i = 0; i < labels.Length; i++)
        {
            r[i] = (byte)(i % w / 10);
            labels[i] = (byte)(i % w / (w / 4)); // four vertical bands
        }
        RgbImage image = RgbImage.FromRgb8(w, h, r, new byte[w * h], new byte[w * h]);

        byte[] png = SegmentsFigure.EncodePng(image, labels, 4);

        (int width, int height, int _, int _) = TestImages.PngHeader(png);
        Assert.True(Math.Max(width, height) <= 4096, $"{width}×{height}");
        Assert.True(width > 3500, $"the figure should use the space it has ({width} px wide)");
        // Component 1 is the second band: its panel is white outside x ∈ [600, 1200) of the image.
        FigureLayout layout = FigureLayout.Plan(w, h, 5, 4096);
        (_, _, byte[] rgba) = TestImages.DecodeRgba(png);
        (int x0, int y0) = layout.PanelOrigin(2);
        int y = y0 + layout.PanelHeight / 2;
        Assert.Equal((255, 255, 255), At(rgba, width, x0 + layout.PanelWidth / 8, y));
        Assert.Equal((255, 255, 255), At(rgba, width, x0 + layout.PanelWidth * 7 / 8, y));
        Assert.NotEqual((255, 255, 255), At(rgba, width, x0 + layout.PanelWidth * 3 / 8, y));
    }

    [Fact]
    public void Figure_Downscaling_AveragesTheCoveredArea()
    {
        // A 1000×10 image of alternating black and white columns, shrunk more than 3×: every panel
        // pixel covers at least one black and one white column, so the area average is a grey,
        // where point sampling would give pure black or white.
        var grey = new byte[10_000];
        for (int i = 0; i < grey.Length; i++) grey[i] = (byte)(i % 2 == 0 ? 0 : 255);
        RgbImage image = RgbImage.FromRgb8(1000, 10, grey, grey, grey);

        byte[] png = SegmentsFigure.EncodePng(image, new byte[10_000], 1, maxLongSide: 600);

        FigureLayout layout = FigureLayout.Plan(1000, 10, 2, 600);
        Assert.InRange(1000.0 / layout.PanelWidth, 3.0, 4.0);
        (int width, _, byte[] rgba) = TestImages.DecodeRgba(png);
        (int x0, int y0) = layout.PanelOrigin(0);
        double sum = 0;
        for (int x = 0; x < layout.PanelWidth; x++)
        {
            int v = At(rgba, width, x0 + x, y0).R;
            // A footprint of 3 to 4 columns holds between 1 and 2 white columns: 255/4 to 2·255/3.
            Assert.InRange(v, 63, 171);
            sum += v;
        }
        // Over the whole row the mix is half and half: 127.5, give or take the rounding of each pixel.
        Assert.InRange(sum / layout.PanelWidth, 126.5, 128.5);
    }

    [Fact]
    public void Figure_TinyImage_IsEnlargedByRepeatingPixels()
    {
        RgbImage image = RandomImage(4, 3, seed: 4);

        byte[] png = SegmentsFigure.EncodePng(image, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 2);

        FigureLayout layout = FigureLayout.Plan(4, 3, 3, 4096);
        int factor = layout.PanelWidth / 4;
        Assert.True(factor >= 10);
        Assert.Equal((4 * factor, 3 * factor), (layout.PanelWidth, layout.PanelHeight));
        (int width, _, byte[] rgba) = TestImages.DecodeRgba(png);
        (int x0, int y0) = layout.PanelOrigin(0);
        for (int y = 0; y < layout.PanelHeight; y++)
        {
            for (int x = 0; x < layout.PanelWidth; x++)
            {
                int i = y / factor * 4 + x / factor;
                Assert.Equal((image.Red8[i], image.Green8[i], image.Blue8[i]), At(rgba, width, x0 + x, y0 + y));
            }
        }
    }

    [Fact]
    public void Figure_ManyComponents_UsesAGridWithinTheLimit()
    {
        RgbImage image = RandomImage(300, 200, seed: 5);

        byte[] png = SegmentsFigure.EncodePng(image, Labels(60_000, 12, seed: 6), 12, maxLongSide: 1500);

        FigureLayout layout = FigureLayout.Plan(300, 200, 13, 1500);
        Assert.Equal((4, 4), (layout.Columns, layout.Rows));
        (int width, int height, _, _) = TestImages.PngHeader(png);
        Assert.True(Math.Max(width, height) <= 1500);
    }

    [Fact]
    public void Figure_Titles_AreDrawnAboveEveryPanel()
    {
        // The title band of each panel must contain dark pixels: text that silently fails to
        // render (no usable font on a headless machine) leaves it white.
        RgbImage image = RandomImage(240, 160, seed: 7);
        byte[] labels = Labels(240 * 160, 3, seed: 8);
        FigureLayout layout = FigureLayout.Plan(240, 160, 4, 4096);

        foreach (bool bitmapFont in new[] { false, true })
        {
            byte[] png = bitmapFont
                ? SegmentsFigure.EncodePng(image, labels, 3, 4096, typeface: null)
                : SegmentsFigure.EncodePng(image, labels, 3);
            (int width, _, byte[] rgba) = TestImages.DecodeRgba(png);
            for (int p = 0; p < 4; p++)
            {
                (int x0, int y0) = layout.PanelOrigin(p);
                int dark = 0;
                for (int y = y0 - layout.TitleHeight; y < y0 - 1; y++)
                {
                    for (int x = x0; x < x0 + layout.PanelWidth; x++)
                    {
                        if (At(rgba, width, x, y).R < 128) dark++;
                    }
                }
                Assert.True(dark > 20, $"panel {p} ({(bitmapFont ? "bitmap font" : SegmentsFigure.TitleFont)}) has {dark} dark title pixels");
            }
        }
    }

    [Fact]
    public void Figure_16BitImage_IsDrawnFromItsRounding()
    {
        ushort[] plane = [0, 257, 385, 65535];
        RgbImage image = RgbImage.FromRgb16(2, 2, plane, plane, plane);

        byte[] png = SegmentsFigure.EncodePng(image, [0, 0, 0, 0], 1);

        FigureLayout layout = FigureLayout.Plan(2, 2, 2, 4096);
        (int width, _, byte[] rgba) = TestImages.DecodeRgba(png);
        (int x0, int y0) = layout.PanelOrigin(0);
        // Pixel (0, 1) is 385 = 1.498 × 257: it rounds to 1; pixel (1, 0) is 257 → 1; (1, 1) is 65535 → 255.
        Assert.Equal((1, 1, 1), At(rgba, width, x0, y0 + layout.PanelHeight - 1));
        Assert.Equal((255, 255, 255), At(rgba, width, x0 + layout.PanelWidth - 1, y0 + layout.PanelHeight - 1));
        Assert.Equal((0, 0, 0), At(rgba, width, x0, y0));
    }
}
