using SkiaSharp;

namespace Bgmm.Imaging;

/// <summary>Encodes raw pixel buffers to PNG with SkiaSharp, with no colour profile attached.</summary>
internal static class PngEncoding
{
    /// <summary>An 8-bit greyscale PNG (colour type 0) of <paramref name="pixels"/> (width·height bytes).</summary>
    public static byte[] Gray8(int width, int height, ReadOnlySpan<byte> pixels) =>
        Encode(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque, null), pixels);

    /// <summary>An 8-bit RGBA PNG of unpremultiplied <paramref name="rgba"/> (width·height·4 bytes).</summary>
    public static byte[] Rgba8(int width, int height, ReadOnlySpan<byte> rgba) =>
        Encode(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null), rgba);

    /// <summary>An 8-bit RGB PNG of <paramref name="rgba"/> whose alpha is ignored (width·height·4 bytes).</summary>
    public static byte[] Rgb8(int width, int height, ReadOnlySpan<byte> rgba) =>
        Encode(new SKImageInfo(width, height, SKColorType.Rgb888x, SKAlphaType.Opaque, null), rgba);

    private static unsafe byte[] Encode(SKImageInfo info, ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != (long)info.RowBytes * info.Height)
            throw new ArgumentException($"{pixels.Length} bytes given for a {info.Width}×{info.Height} {info.ColorType} image.");
        fixed (byte* p = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, info.RowBytes);
            // Sub and Up filters at zlib level 4: on the study's figures several times faster than all
            // filters at level 6, and the files are no larger (docs/performance.md).
            using SKData? data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub | SKPngEncoderFilterFlags.Up, 4));
            return data?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp could not encode a {info.Width}×{info.Height} {info.ColorType} PNG.");
        }
    }
}
