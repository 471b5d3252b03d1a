using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>An <see cref="RgbImage"/> as an opaque 8-bit RGB PNG.</summary>
public static class ImagePng
{
    /// <summary>Encodes the image (a 16-bit image is rounded to 8 bits first).</summary>
    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        RgbImage rgb = image.To8Bit();
        int n = LabelChecks.PixelCount(rgb.Width, rgb.Height);
        ReadOnlySpan<byte> r = rgb.Red8, g = rgb.Green8, b = rgb.Blue8;
        var rgba = new byte[(long)n * 4];
        for (int i = 0, o = 0; i < n; i++, o += 4)
        {
            rgba[o] = r[i];
            rgba[o + 1] = g[i];
            rgba[o + 2] = b[i];
            rgba[o + 3] = 255;
        }
        return PngEncoding.Rgb8(rgb.Width, rgb.Height, rgba);
    }
}
