using SkiaSharp;

namespace Bgmm.Imaging;

/// <summary>
/// The typeface of figure titles. A headless Linux machine with SkiaSharp's NoDependencies native
/// asset may have no usable default font; this looks for a sans-serif family through the font
/// manager, then for well-known font files, then the default typeface, and checks that the
/// candidate really has the glyphs the titles need. When none has them, titles are drawn with a
/// small built-in bitmap font (<see cref="BitmapFont"/>).
/// </summary>
internal static class FigureFont
{
    private const string NeededCharacters = "originalcomponent 0123456789";

    private static readonly string[] Families = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans", "Open Sans"];

    private static readonly string[] Files =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/noto/NotoSans-Regular.ttf",
        "/System/Library/Fonts/Helvetica.ttc",
        "C:\\Windows\\Fonts\\arial.ttf",
    ];

    private static readonly Lazy<SKTypeface?> Found = new(Find);

    /// <summary>A typeface with the glyphs of the titles, or null when none is available.</summary>
    public static SKTypeface? Typeface => Found.Value;

    /// <summary>What titles are drawn with, for diagnostics.</summary>
    public static string Description => Typeface?.FamilyName is { Length: > 0 } family ? family : "built-in bitmap font";

    private static SKTypeface? Find()
    {
        try
        {
            foreach (string family in Families)
            {
                SKTypeface? candidate = SKFontManager.Default.MatchFamily(family);
                if (Usable(candidate)) return candidate;
            }
            foreach (string file in Files)
            {
                if (!File.Exists(file)) continue;
                SKTypeface? candidate = SKTypeface.FromFile(file);
                if (Usable(candidate)) return candidate;
            }
            if (Usable(SKTypeface.Default)) return SKTypeface.Default;
            foreach (string family in SKFontManager.Default.FontFamilies)
            {
                SKTypeface? candidate = SKFontManager.Default.MatchFamily(family);
                if (Usable(candidate)) return candidate;
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or DllNotFoundException or TypeInitializationException))
        {
            // A broken font configuration must not stop the figure: fall back to the bitmap font.
        }
        return null;
    }

    private static bool Usable(SKTypeface? typeface)
    {
        if (typeface is null || typeface.GlyphCount == 0) return false;
        using var font = new SKFont(typeface, 12);
        return font.ContainsGlyphs(NeededCharacters);
    }
}

/// <summary>
/// A 5×7 pixel font of the capital letters and digits the figure titles need, drawn when no
/// typeface is available. Other characters are left blank.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5, GlyphHeight = 7, Advance = 6;

    private static readonly Dictionary<char, byte[]> Glyphs = new()
    {
        ['0'] = [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
        ['1'] = [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        ['2'] = [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
        ['3'] = [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110],
        ['4'] = [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
        ['5'] = [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
        ['6'] = [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
        ['7'] = [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
        ['8'] = [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
        ['9'] = [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
        ['A'] = [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
        ['C'] = [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110],
        ['E'] = [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
        ['G'] = [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111],
        ['I'] = [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        ['L'] = [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
        ['M'] = [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
        ['N'] = [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001],
        ['O'] = [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
        ['P'] = [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000],
        ['R'] = [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001],
        ['T'] = [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
    };

    /// <summary>The width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int Measure(string text, int scale) => text.Length == 0 ? 0 : ((text.Length - 1) * Advance + GlyphWidth) * scale;

    /// <summary>
    /// Draws <paramref name="text"/> (upper-cased) into an RGBA buffer with its top-left corner at
    /// (<paramref name="left"/>, <paramref name="top"/>), clipped to the buffer.
    /// </summary>
    public static void Draw(Span<byte> rgba, int width, int height, string text, int left, int top, int scale, (byte R, byte G, byte B) colour)
    {
        string upper = text.ToUpperInvariant();
        for (int c = 0; c < upper.Length; c++)
        {
            if (!Glyphs.TryGetValue(upper[c], out byte[]? rows)) continue;
            int x0 = left + c * Advance * scale;
            for (int gy = 0; gy < GlyphHeight; gy++)
            {
                for (int gx = 0; gx < GlyphWidth; gx++)
                {
                    if ((rows[gy] & (1 << (GlyphWidth - 1 - gx))) == 0) continue;
                    for (int sy = 0; sy < scale; sy++)
                    {
                        int y = top + gy * scale + sy;
                        if ((uint)y >= (uint)height) continue;
                        for (int sx = 0; sx < scale; sx++)
                        {
                            int x = x0 + gx * scale + sx;
                            if ((uint)x >= (uint)width) continue;
                            int o = (y * width + x) * 4;
                            rgba[o] = colour.R;
                            rgba[o + 1] = colour.G;
                            rgba[o + 2] = colour.B;
                            rgba[o + 3] = 255;
                        }
                    }
                }
            }
        }
    }
}
