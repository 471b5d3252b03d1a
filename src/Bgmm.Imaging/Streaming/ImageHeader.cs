namespace Bgmm.Imaging.Streaming;

/// <summary>The container format of an image file.</summary>
public enum ImageFileFormat
{
    /// <summary>PNG.</summary>
    Png,

    /// <summary>JPEG.</summary>
    Jpeg,

    /// <summary>WebP.</summary>
    WebP,

    /// <summary>BMP.</summary>
    Bmp,

    /// <summary>GIF (the first frame is read).</summary>
    Gif,

    /// <summary>Another format the decoder recognises.</summary>
    Other,
}

/// <summary>
/// What <see cref="ImageRowReader.Open"/> learns from an image file's header, before any pixel is
/// decoded: the size of the image as shown (after its EXIF orientation), the depth of the values
/// its rows will have, and how it will be decoded.
/// </summary>
/// <param name="Width">Width in pixels as shown (≥ 1).</param>
/// <param name="Height">Height in pixels as shown (≥ 1).</param>
/// <param name="BitsPerChannel">8 or 16: 16 only for 16-bit PNGs, as <see cref="ImageLoader"/> does.</param>
/// <param name="Format">The file's format.</param>
/// <param name="IsStreamed">
/// True when rows are decoded as they are read, with memory proportional to the width alone;
/// false when the image is decoded whole first (interlaced PNG, progressive JPEG, a JPEG turned or
/// flipped vertically by its orientation, formats SkiaSharp cannot decode by rows), which needs
/// memory proportional to the pixel count.
/// </param>
public sealed record ImageHeader(int Width, int Height, int BitsPerChannel, ImageFileFormat Format, bool IsStreamed)
{
    /// <summary>Width × Height.</summary>
    public long PixelCount => (long)Width * Height;
}
