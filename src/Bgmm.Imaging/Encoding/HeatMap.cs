using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>Per-pixel values (such as uncertainty) as a colour-mapped PNG.</summary>
public static class HeatMap
{
    /// <summary>The colour of non-finite values: mid grey, outside the colour map.</summary>
    public static (byte R, byte G, byte B) MissingColour { get; } = (128, 128, 128);

    private static readonly byte[] Palette = CreatePalette();

    /// <summary>
    /// An 8-bit RGB PNG in which each value is coloured by a viridis-like map (dark purple at
    /// <paramref name="min"/>, through blue and green, to yellow at <paramref name="max"/>);
    /// values outside [min, max] are clamped, and NaN or infinite values are
    /// <see cref="MissingColour"/>.
    /// </summary>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="values">One value per pixel, row-major (length width·height).</param>
    /// <param name="min">The value drawn darkest.</param>
    /// <param name="max">The value drawn brightest; ≥ <paramref name="min"/> (equal: every finite value gets the darkest colour).</param>
    public static byte[] EncodePng(int width, int height, ReadOnlySpan<float> values, double min, double max)
    {
        int n = LabelChecks.PixelCount(width, height);
        if (values.Length != n)
            throw new ArgumentException($"there are {values.Length} values for {n} pixels: give one value per pixel.", nameof(values));
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min)
            throw new ArgumentException($"the range [{min}, {max}] is not a finite interval with min ≤ max.", nameof(max));
        var rgba = GC.AllocateUninitializedArray<byte>(n * 4);
        Pixels(values, min, max, rgba, bytesPerPixel: 4);
        return PngEncoding.Rgb8(width, height, rgba);
    }

    /// <summary>
    /// The colours of <paramref name="values"/> (a row, or the whole image) into <paramref name="pixels"/>:
    /// R, G, B, then 255 when <paramref name="bytesPerPixel"/> is 4.
    /// </summary>
    internal static void Pixels(ReadOnlySpan<float> values, double min, double max, Span<byte> pixels, int bytesPerPixel)
    {
        double scale = max > min ? 255.0 / (max - min) : 0.0;
        for (int i = 0, o = 0; i < values.Length; i++, o += bytesPerPixel)
        {
            float v = values[i];
            if (!float.IsFinite(v))
            {
                (pixels[o], pixels[o + 1], pixels[o + 2]) = MissingColour;
            }
            else
            {
                int index = (int)Math.Round(Math.Clamp((v - min) * scale, 0.0, 255.0));
                pixels[o] = Palette[3 * index];
                pixels[o + 1] = Palette[3 * index + 1];
                pixels[o + 2] = Palette[3 * index + 2];
            }
            if (bytesPerPixel == 4) pixels[o + 3] = 255;
        }
    }

    /// <summary>The colour of t ∈ [0, 1].</summary>
    public static (byte R, byte G, byte B) ColourAt(double t)
    {
        int index = double.IsNaN(t) ? 0 : (int)Math.Round(Math.Clamp(t, 0.0, 1.0) * 255.0);
        return (Palette[3 * index], Palette[3 * index + 1], Palette[3 * index + 2]);
    }

    private static byte[] CreatePalette()
    {
        // A degree-6 polynomial fit of matplotlib's viridis per channel (Matt Zucker's fit), within
        // a few levels of the real map: dark purple at 0, teal near 0.5, yellow at 1.
        ReadOnlySpan<double> red = [0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486, 6.228269936347081, 4.776384997670288, -5.435455855934631];
        ReadOnlySpan<double> green = [0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585, 14.17993336680509, -13.74514537774601, 4.645852612178535];
        ReadOnlySpan<double> blue = [0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987, 56.69055260068105, -65.35303263337234, 26.3124352495832];
        var palette = new byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            double t = i / 255.0;
            palette[3 * i] = ToByte(Polynomial(red, t));
            palette[3 * i + 1] = ToByte(Polynomial(green, t));
            palette[3 * i + 2] = ToByte(Polynomial(blue, t));
        }
        return palette;

        static double Polynomial(ReadOnlySpan<double> c, double t)
        {
            double sum = 0;
            for (int j = c.Length - 1; j >= 0; j--) sum = sum * t + c[j];
            return sum;
        }

        static byte ToByte(double x) => (byte)Math.Round(Math.Clamp(x, 0.0, 1.0) * 255.0);
    }
}
