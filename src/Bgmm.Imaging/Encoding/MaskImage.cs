using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>A foreground/background mask as an 8-bit greyscale PNG.</summary>
public static class MaskImage
{
    /// <summary>
    /// An 8-bit greyscale PNG in which foreground pixels are 255 and background pixels 0; a pixel
    /// is background when its component is.
    /// </summary>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="labels">One component index per pixel, row-major (length width·height).</param>
    /// <param name="isBackground">For each component k (length K), whether it is background.</param>
    public static byte[] EncodePng(int width, int height, ReadOnlySpan<byte> labels, ReadOnlySpan<bool> isBackground)
    {
        int n = LabelChecks.PixelCount(width, height);
        LabelChecks.Labels(labels, n, isBackground.Length);
        var pixels = GC.AllocateUninitializedArray<byte>(n);
        LabelImage.Map(labels, Levels(isBackground), pixels);
        return PngEncoding.Gray8(width, height, pixels);
    }

    /// <summary>The mask value of each component: 0 for background, 255 for foreground.</summary>
    internal static byte[] Levels(ReadOnlySpan<bool> isBackground)
    {
        var level = new byte[256];
        for (int k = 0; k < isBackground.Length; k++) level[k] = isBackground[k] ? (byte)0 : (byte)255;
        return level;
    }
}

/// <summary>The foreground of an image cut out as an RGBA PNG with a transparent background.</summary>
public static class Cutout
{
    /// <summary>
    /// An 8-bit RGBA PNG of the image in which foreground pixels keep their colour with alpha 255
    /// and background pixels are (0, 0, 0) with alpha 0. A 16-bit image is rounded to 8 bits
    /// (<see cref="RgbImage.To8Bit"/>).
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="labels">One component index per pixel, row-major (length width·height).</param>
    /// <param name="isBackground">For each component k (length K), whether it is background.</param>
    public static byte[] EncodePng(RgbImage image, ReadOnlySpan<byte> labels, ReadOnlySpan<bool> isBackground)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = LabelChecks.PixelCount(image.Width, image.Height);
        LabelChecks.Labels(labels, n, isBackground.Length);
        RgbImage rgb = image.To8Bit();
        ReadOnlySpan<byte> r = rgb.Red8, g = rgb.Green8, b = rgb.Blue8;
        var rgba = new byte[(long)n * 4];
        Pixels(r, g, b, labels, isBackground, rgba);
        return PngEncoding.Rgba8(image.Width, image.Height, rgba);
    }

    /// <summary>The RGBA of every pixel (of a row, or of the whole image): its colour and 255, or all 0 for background.</summary>
    internal static void Pixels(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, ReadOnlySpan<byte> labels,
        ReadOnlySpan<bool> isBackground, Span<byte> rgba)
    {
        for (int i = 0, o = 0; i < labels.Length; i++, o += 4)
        {
            if (isBackground[labels[i]])
            {
                rgba.Slice(o, 4).Clear();
                continue;
            }
            rgba[o] = r[i];
            rgba[o + 1] = g[i];
            rgba[o + 2] = b[i];
            rgba[o + 3] = 255;
        }
    }
}
