using Bgmm.Plotting;
using SkiaSharp;

namespace Bgmm.Tests.Plotting;

/// <summary>Checks that text reaches the pixels of a rendered plot.</summary>
/// <remarks>
/// Counting dark pixels where the title should be is not enough: without a font the title takes no
/// space and the plot's frame moves up into that band. Instead two plots that differ only in a piece
/// of text are compared: with a working font they differ in the glyphs' pixels, without one they
/// are identical (the rendering is deterministic).
/// </remarks>
internal static class InkProbe
{
    /// <summary>
    /// Skips the test on a machine where no text can be drawn: none of the library's font files
    /// and no font at all for SkiaSharp (the plots then render without text, by design).
    /// </summary>
    public static void SkipUnlessAFontExists()
    {
        using SKTypeface fallback = SKTypeface.Default;
        Assert.SkipWhen(PlotFonts.Name is null && fallback.GlyphCount == 0,
            "this machine has no fonts, so plots render without text; install fonts-dejavu-core to check the text.");
    }

    /// <summary>The number of pixels that differ between two PNGs of the same size.</summary>
    public static int DifferingPixels(byte[] first, byte[] second)
    {
        using SKBitmap a = Decode(first), b = Decode(second);
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        int count = 0;
        for (int y = 0; y < a.Height; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                if (a.GetPixel(x, y) != b.GetPixel(x, y)) count++;
            }
        }
        return count;
    }

    private static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new FormatException("SkiaSharp could not decode the PNG.");
}
