namespace Bgmm.Imaging.Streaming;

/// <summary>
/// Where <see cref="ImageRowReader"/> gets its rows: each call decodes the next rows, top to
/// bottom, into planes of R, G and B (row-major, <c>rows × width</c> values each).
/// </summary>
internal abstract class RowSource : IDisposable
{
    /// <summary>Decodes the next <paramref name="rows"/> rows of an 8-bit image.</summary>
    public virtual void Read(int rows, Span<byte> red, Span<byte> green, Span<byte> blue) =>
        throw new InvalidOperationException("the image is 16-bit: read it into 16-bit planes.");

    /// <summary>Decodes the next <paramref name="rows"/> rows of a 16-bit image.</summary>
    public virtual void Read(int rows, Span<ushort> red, Span<ushort> green, Span<ushort> blue) =>
        throw new InvalidOperationException("the image is 8-bit: read it into 8-bit planes.");

    /// <summary>Called once the last row is read: checks what follows the pixels in the file.</summary>
    public virtual void Finish()
    {
    }

    public abstract void Dispose();
}

/// <summary>
/// Rows of an image that cannot be decoded a band at a time: the whole image is decoded by
/// <see cref="ImageLoader"/> on the first read (so values are exactly its), then handed out.
/// </summary>
internal sealed class WholeImageRowSource(string path, int width, int height, long maxPixels) : RowSource
{
    private RgbImage? _image;
    private int _next;

    public override void Read(int rows, Span<byte> red, Span<byte> green, Span<byte> blue)
    {
        RgbImage image = Load();
        int start = _next * width, count = rows * width;
        image.Red8.Slice(start, count).CopyTo(red);
        image.Green8.Slice(start, count).CopyTo(green);
        image.Blue8.Slice(start, count).CopyTo(blue);
        _next += rows;
    }

    public override void Read(int rows, Span<ushort> red, Span<ushort> green, Span<ushort> blue)
    {
        RgbImage image = Load();
        int start = _next * width, count = rows * width;
        image.Red16.Slice(start, count).CopyTo(red);
        image.Green16.Slice(start, count).CopyTo(green);
        image.Blue16.Slice(start, count).CopyTo(blue);
        _next += rows;
    }

    public override void Dispose() => _image = null;

    private RgbImage Load()
    {
        if (_image is not null) return _image;
        RgbImage image = ImageLoader.Load(path, maxPixels);
        if (image.Width != width || image.Height != height)
        {
            // The header was read from the same path a moment ago: the file was replaced in between.
            throw new ImageLoadException(path, ImageLoadFailure.Corrupt,
                $"the image changed while it was being read (its header said {width}×{height}, its pixels are {image.Width}×{image.Height}); do not modify the file while it is read.");
        }
        return _image = image;
    }
}
