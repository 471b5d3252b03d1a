using System.Globalization;
using SkiaSharp;

using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>
/// The segmentation figure of the original study (SPEC §4): the original image and one panel per
/// component in which the pixels of every other component are blanked (white), each panel titled
/// ("original", "component 0", …), in one row — or a grid for more than four components.
/// </summary>
/// <remarks>
/// The figure is at most <c>maxLongSide</c> pixels on its long side: large images are downscaled
/// by area averaging (each panel pixel is the mean of the image area it covers, blanked pixels
/// counting as white); small images are enlarged by an integer factor, pixels repeated exactly, so
/// that titles fit. A 16-bit image is drawn from its 8-bit rounding (<see cref="RgbImage.To8Bit"/>).
/// </remarks>
public static class SegmentsFigure
{
    /// <summary>The default limit on the figure's long side, in pixels.</summary>
    public const int DefaultMaxLongSide = 4096;

    /// <summary>The smallest accepted limit on the figure's long side.</summary>
    public const int MinLongSide = 64;

    /// <summary>Panels of images smaller than this (long side) are enlarged by an integer factor.</summary>
    internal const int SmallPanel = 160;

    private static readonly (byte R, byte G, byte B) TitleColour = (20, 20, 20);
    private static readonly (byte R, byte G, byte B) FrameColour = (190, 190, 190);

    /// <summary>What the titles are drawn with on this machine: a font family, or "built-in bitmap font".</summary>
    public static string TitleFont => FigureFont.Description;

    /// <summary>Draws the figure and encodes it as an 8-bit RGB PNG.</summary>
    /// <param name="image">The segmented image.</param>
    /// <param name="labels">One component index per pixel, row-major (length width·height).</param>
    /// <param name="components">K, 1..256; every label must be below it.</param>
    /// <param name="maxLongSide">The figure's largest allowed width or height, ≥ <see cref="MinLongSide"/>.</param>
    public static byte[] EncodePng(RgbImage image, ReadOnlySpan<byte> labels, int components, int maxLongSide = DefaultMaxLongSide) =>
        EncodePng(image, labels, components, maxLongSide, FigureFont.Typeface);

    /// <summary>As the public overload, with the typeface given (null: the bitmap font).</summary>
    internal static byte[] EncodePng(RgbImage image, ReadOnlySpan<byte> labels, int components, int maxLongSide, SKTypeface? typeface)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = LabelChecks.PixelCount(image.Width, image.Height);
        LabelChecks.Labels(labels, n, components);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLongSide, MinLongSide);
        var canvas = new SegmentsCanvas(image.Width, image.Height, components, maxLongSide, typeface);
        RgbImage rgb = image.To8Bit();
        ReadOnlySpan<byte> r = rgb.Red8, g = rgb.Green8, b = rgb.Blue8;
        int width = image.Width;
        for (int y = 0, o = 0; y < image.Height; y++, o += width)
            canvas.AddRow(r.Slice(o, width), g.Slice(o, width), b.Slice(o, width), labels.Slice(o, width));
        return canvas.Encode();
    }

    /// <summary>The title of panel <paramref name="panel"/>: "original", then "component k".</summary>
    internal static string Title(int panel) =>
        panel == 0 ? "original" : string.Create(CultureInfo.InvariantCulture, $"component {panel - 1}");

    internal static void DrawFrame(Span<byte> figure, int figureWidth, int x, int y, int w, int h)
    {
        for (int i = 0; i < w; i++)
        {
            Put(figure, figureWidth, x + i, y);
            Put(figure, figureWidth, x + i, y + h - 1);
        }
        for (int j = 0; j < h; j++)
        {
            Put(figure, figureWidth, x, y + j);
            Put(figure, figureWidth, x + w - 1, y + j);
        }

        static void Put(Span<byte> figure, int figureWidth, int x, int y)
        {
            int o = (y * figureWidth + x) * 4;
            (figure[o], figure[o + 1], figure[o + 2]) = FrameColour;
        }
    }

    internal static unsafe void DrawTitles(byte[] figure, FigureLayout layout, SKTypeface? typeface)
    {
        if (typeface is null)
        {
            int scale = Math.Max(1, (int)(layout.FontSize / 9));
            for (int p = 0; p < layout.Panels; p++)
            {
                (int x, int y) = layout.PanelOrigin(p);
                string title = Title(p);
                int left = x + (layout.PanelWidth - BitmapFont.Measure(title, scale)) / 2;
                int top = y - layout.Margin / 2 - BitmapFont.GlyphHeight * scale;
                BitmapFont.Draw(figure, layout.Width, layout.Height, title, left, top, scale, TitleColour);
            }
            return;
        }

        fixed (byte* pixels = figure)
        {
            var info = new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul, null);
            using var bitmap = new SKBitmap();
            if (!bitmap.InstallPixels(info, (IntPtr)pixels, info.RowBytes))
                throw new InvalidOperationException("SkiaSharp could not wrap the figure's pixels for drawing.");
            using var canvas = new SKCanvas(bitmap);
            using var font = new SKFont(typeface, layout.FontSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
            using var paint = new SKPaint { Color = new SKColor(TitleColour.R, TitleColour.G, TitleColour.B), IsAntialias = true };
            for (int p = 0; p < layout.Panels; p++)
            {
                (int x, int y) = layout.PanelOrigin(p);
                // The baseline sits a third of a margin above the panel frame, descenders included.
                float baseline = y - layout.Margin / 2f - font.Metrics.Descent;
                canvas.Save();
                canvas.ClipRect(new SKRect(x, y - layout.TitleHeight - layout.Margin / 2f, x + layout.PanelWidth, y - 1));
                canvas.DrawText(Title(p), x + layout.PanelWidth / 2f, baseline, SKTextAlign.Center, font, paint);
                canvas.Restore();
            }
            canvas.Flush();
        }
    }
}

/// <summary>
/// Where the panels of a <see cref="SegmentsFigure"/> go: <see cref="Columns"/> × <see cref="Rows"/>
/// panels of <see cref="PanelWidth"/> × <see cref="PanelHeight"/>, each under a title band of
/// <see cref="TitleHeight"/>, separated by <see cref="Margin"/>.
/// </summary>
internal sealed record FigureLayout(int Panels, int Columns, int Rows, int PanelWidth, int PanelHeight, int Margin, int TitleHeight, float FontSize, int Width, int Height)
{
    /// <summary>The top-left pixel of panel <paramref name="panel"/> (row-major), below its title.</summary>
    public (int X, int Y) PanelOrigin(int panel)
    {
        int column = panel % Columns, row = panel / Columns;
        int x = Margin + column * (PanelWidth + Margin);
        int y = Margin + row * (TitleHeight + PanelHeight + Margin) + TitleHeight;
        return (x, y);
    }

    /// <summary>
    /// Plans a figure of <paramref name="panels"/> panels of a <paramref name="width"/>×<paramref name="height"/>
    /// image whose long side is at most <paramref name="maxLongSide"/>.
    /// </summary>
    public static FigureLayout Plan(int width, int height, int panels, int maxLongSide)
    {
        int columns = panels <= 5 ? panels : (int)Math.Ceiling(Math.Sqrt(panels));
        int rows = (panels + columns - 1) / columns;
        // Small images: enlarge by an integer factor (exact pixel repetition) so that titles fit.
        double scale = Math.Max(1, (int)Math.Ceiling((double)SegmentsFigure.SmallPanel / Math.Max(width, height)));
        for (int attempt = 0; attempt < 64; attempt++)
        {
            int pw = Math.Max(1, (int)Math.Floor(width * scale + 1e-9));
            int ph = Math.Max(1, (int)Math.Floor(height * scale + 1e-9));
            float fontSize = Math.Clamp(MathF.Round(pw / 16f), 10f, 28f);
            int titleHeight = (int)MathF.Ceiling(fontSize * 1.35f);
            int margin = Math.Max(6, (int)MathF.Round(fontSize * 0.6f));
            int fixedWidth = (columns + 1) * margin;
            int fixedHeight = rows * titleHeight + (rows + 1) * margin;
            int figureWidth = fixedWidth + columns * pw, figureHeight = fixedHeight + rows * ph;
            if (Math.Max(figureWidth, figureHeight) <= maxLongSide)
                return new FigureLayout(panels, columns, rows, pw, ph, margin, titleHeight, fontSize, figureWidth, figureHeight);
            if (pw == 1 && ph == 1) break;
            double fit = Math.Min((double)(maxLongSide - fixedWidth) / (columns * width), (double)(maxLongSide - fixedHeight) / (rows * height));
            scale = fit > 0 && fit < scale ? fit : scale * 0.9;
        }
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"a figure of {panels} panels of a {width}×{height} image does not fit in {maxLongSide} pixels; raise the figure size limit or use fewer components."));
    }
}
