using Bgmm.Imaging.Png;
using SkiaSharp;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// Reads an image file a band of rows at a time, top to bottom, as R, G, B planes of 8-bit or
/// 16-bit values — exactly the values <see cref="ImageLoader.Load"/> gives for the same file
/// (SPEC §4: unpremultiplied, no colour-space conversion, alpha ignored, 16-bit PNGs at 16 bits,
/// the EXIF orientation applied) — so that images larger than memory can be processed.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Open"/> reads the header only; <see cref="Header"/> then tells the size, depth, format
/// and whether rows are streamed, so a caller can decide before any pixel is decoded. Each
/// <see cref="ReadRows(Span{byte}, Span{byte}, Span{byte})"/> decodes the next rows into the
/// caller's planes. The file is read through a <see cref="FileStream"/> as decoding goes, never
/// whole. To read the pixels a second time, open the path again.
/// </para>
/// <para>
/// Streamed (memory proportional to the width, independent of the height): non-interlaced PNGs of
/// every colour type and bit depth, by the project's own decoder (zlib over the IDAT chunks,
/// unfiltering, every chunk's CRC checked); baseline JPEGs whose orientation is normal or mirrored
/// left to right, and other images SkiaSharp's scanline decoder reads top-down, through it.
/// Decoded whole by <see cref="ImageLoader"/> on the first read, and so refused when larger than
/// the <c>maxWholeImagePixels</c> given to <see cref="Open"/>: interlaced PNGs (Adam7 spreads
/// every row over the whole file), JPEGs turned or flipped vertically by their EXIF orientation
/// (the first shown row is the last or first column stored), WebP, GIF and bottom-up BMP (no
/// row-by-row decoder). Progressive JPEGs are read by rows but libjpeg buffers their coefficients
/// whole, so they count as decoded whole too.
/// </para>
/// <para>
/// Every problem with the input is an <see cref="ImageLoadException"/> with a one-line message, from
/// <see cref="Open"/> or from any read: a file truncated or damaged after its header is found only
/// when its rows are reached. The read that returns the last rows also checks the rest of the file
/// (for PNG: every chunk up to IEND), so a reader that delivered every row has read a valid file.
/// After a failed read the reader can only be disposed. A reader is for one thread at a time.
/// </para>
/// </remarks>
public sealed class ImageRowReader : IDisposable
{
    /// <summary>The default largest pixel count of an image that must be decoded whole (as <see cref="ImageLoader.DefaultMaxPixels"/>).</summary>
    public const long DefaultMaxWholeImagePixels = ImageLoader.DefaultMaxPixels;

    private const int FileBufferBytes = 1 << 16;

    private readonly RowSource _source;
    private bool _failed, _disposed;

    private ImageRowReader(string name, ImageHeader header, RowSource source)
    {
        Name = name;
        Header = header;
        _source = source;
    }

    /// <summary>The file as given to <see cref="Open"/>; messages name it so.</summary>
    public string Name { get; }

    /// <summary>The image's size, depth, format and decoding mode.</summary>
    public ImageHeader Header { get; }

    /// <summary>The number of rows read so far; the next read starts at this row.</summary>
    public int RowsRead { get; private set; }

    /// <summary>Opens <paramref name="path"/> and reads its header; no pixels are decoded yet.</summary>
    /// <param name="path">The image file (PNG, JPEG, WebP, BMP or GIF).</param>
    /// <param name="maxPixels">Images with more pixels than this are refused, however they are decoded.</param>
    /// <param name="maxWholeImagePixels">Images that must be decoded whole (see the remarks) are refused above this many pixels.</param>
    /// <exception cref="ImageLoadException">The file is missing, unreadable, not a supported image, corrupt, truncated, zero-sized or too large.</exception>
    public static ImageRowReader Open(string path, long maxPixels = long.MaxValue, long maxWholeImagePixels = DefaultMaxWholeImagePixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWholeImagePixels, 1);
        long maxWhole = Math.Min(Math.Min(maxWholeImagePixels, maxPixels), RgbImage.MaxPixelCount);
        FileStream file = StreamingErrors.OpenFile(path, FileBufferBytes);
        try
        {
            Span<byte> head = stackalloc byte[16];
            int length = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..length];
            file.Position = 0;
            return PngFile.HasSignature(head)
                ? OpenPng(file, path, maxPixels, maxWhole)
                : OpenWithCodec(file, head, path, maxPixels, maxWhole);
        }
        catch (Exception ex)
        {
            file.Dispose();
            Exception translated = Translate(ex, path);
            if (ReferenceEquals(translated, ex)) throw;
            throw translated;
        }
    }

    /// <summary>The header of <paramref name="path"/> (see <see cref="Open"/>), without decoding pixels.</summary>
    /// <exception cref="ImageLoadException">As <see cref="Open"/>.</exception>
    public static ImageHeader ReadHeader(string path, long maxPixels = long.MaxValue, long maxWholeImagePixels = DefaultMaxWholeImagePixels)
    {
        using ImageRowReader reader = Open(path, maxPixels, maxWholeImagePixels);
        return reader.Header;
    }

    /// <summary>
    /// Decodes the next rows of an 8-bit image into the planes: as many whole rows as
    /// <paramref name="red"/> holds, or as remain. Row r of the band (from 0) is at
    /// <c>r × Width</c> in each plane.
    /// </summary>
    /// <returns>The number of rows read; 0 once every row has been read.</returns>
    /// <exception cref="ArgumentException">The red plane holds less than one row, or the others are shorter than it.</exception>
    /// <exception cref="InvalidOperationException">The image is 16-bit, or an earlier read failed.</exception>
    /// <exception cref="ImageLoadException">The file is truncated, corrupt or unreadable.</exception>
    public int ReadRows(Span<byte> red, Span<byte> green, Span<byte> blue)
    {
        int rows = RowsFor(red.Length, green.Length, blue.Length);
        if (rows > 0) Run(rows, red, green, blue, static (s, n, r, g, b) => s.Read(n, r, g, b));
        return rows;
    }

    /// <summary>As <see cref="ReadRows(Span{byte}, Span{byte}, Span{byte})"/>, for a 16-bit image.</summary>
    /// <returns>The number of rows read; 0 once every row has been read.</returns>
    /// <exception cref="ArgumentException">The red plane holds less than one row, or the others are shorter than it.</exception>
    /// <exception cref="InvalidOperationException">The image is 8-bit, or an earlier read failed.</exception>
    /// <exception cref="ImageLoadException">The file is truncated, corrupt or unreadable.</exception>
    public int ReadRows(Span<ushort> red, Span<ushort> green, Span<ushort> blue)
    {
        int rows = RowsFor(red.Length, green.Length, blue.Length);
        if (rows > 0) Run(rows, red, green, blue, static (s, n, r, g, b) => s.Read(n, r, g, b));
        return rows;
    }

    /// <summary>Closes the file and frees the decoder.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _source.Dispose();
    }

    private delegate void ReadBand<T>(RowSource source, int rows, Span<T> red, Span<T> green, Span<T> blue);

    private void Run<T>(int rows, Span<T> red, Span<T> green, Span<T> blue, ReadBand<T> read)
    {
        bool wants16 = typeof(T) == typeof(ushort);
        if (wants16 != (Header.BitsPerChannel == 16))
        {
            throw new InvalidOperationException(Header.BitsPerChannel == 16
                ? "the image is 16-bit: read it into 16-bit planes."
                : "the image is 8-bit: read it into 8-bit planes.");
        }
        _failed = true;
        try
        {
            read(_source, rows, red, green, blue);
            RowsRead += rows;
            if (RowsRead == Header.Height) _source.Finish();
        }
        catch (Exception ex)
        {
            Exception translated = Translate(ex, Name);
            if (ReferenceEquals(translated, ex)) throw;
            throw translated;
        }
        _failed = false;
    }

    private int RowsFor(int red, int green, int blue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed) throw new InvalidOperationException("an earlier read of this image failed; open it again.");
        int left = Header.Height - RowsRead;
        if (left == 0) return 0;
        int width = Header.Width;
        if (red < width)
            throw new ArgumentException($"the planes hold {red} values, less than one row of {width} pixels.", nameof(red));
        if (green < red || blue < red)
            throw new ArgumentException($"the planes have {red}, {green} and {blue} values: the green and blue planes must be at least as long as the red one.", nameof(green));
        return Math.Min(red / width, left);
    }

    private static ImageRowReader OpenPng(FileStream file, string path, long maxPixels, long maxWhole)
    {
        var chunks = new PngChunkInput(file, path);
        PngFile.Header h = chunks.Header;
        if (h.Width == 0 || h.Height == 0) throw StreamingErrors.ZeroSize(path, h.Width, h.Height);
        if (h.Width > PngFile.MaxSide || h.Height > PngFile.MaxSide)
            throw StreamingErrors.PngCorrupt(path, $"its header declares {h.Width}×{h.Height} pixels, beyond PNG's limit of 2147483647 per side");
        PngHeaders.Check(h, path);
        StreamingErrors.CheckPixelCount(path, h.Width, h.Height, maxPixels);
        int bits = h.BitDepth == 16 ? 16 : 8;
        if (h.Interlace == 1)
        {
            chunks.Dispose();
            if (h.Width * (long)h.Height > maxWhole)
            {
                throw StreamingErrors.CannotStream(path, "it is an interlaced (Adam7) PNG, whose every row is spread over the whole file",
                    "re-save it as a non-interlaced PNG", h.Width, h.Height, maxWhole);
            }
            return new ImageRowReader(path, new ImageHeader((int)h.Width, (int)h.Height, bits, ImageFileFormat.Png, IsStreamed: false),
                new WholeImageRowSource(path, (int)h.Width, (int)h.Height, maxWhole));
        }
        if (h.Width > Array.MaxLength / 8)
        {
            throw new ImageLoadException(path, ImageLoadFailure.TooLarge,
                $"its rows are {h.Width} pixels long, more than this program can hold; downscale the image.");
        }
        var source = new PngRowSource(chunks, path);
        return new ImageRowReader(path, new ImageHeader((int)h.Width, (int)h.Height, bits, ImageFileFormat.Png, IsStreamed: true), source);
    }

    private static ImageRowReader OpenWithCodec(FileStream file, ReadOnlySpan<byte> head, string path, long maxPixels, long maxWhole)
    {
        bool progressive = head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) && JpegMarkers.IsProgressive(file);
        file.Position = 0;
        var stream = new SKManagedStream(file, disposeManagedStream: true);
        SKCodec? codec = SKCodec.Create(stream, out SKCodecResult created);
        if (codec is null)
        {
            stream.Dispose();
            if (!StreamingErrors.HasKnownSignature(head)) throw StreamingErrors.NotAnImage(path);
            throw created == SKCodecResult.IncompleteInput
                ? StreamingErrors.Truncated(path, "it ends inside the image header")
                : StreamingErrors.CodecFailed(path, created);
        }
        try
        {
            SKImageInfo stored = codec.Info;
            if (stored.Width <= 0 || stored.Height <= 0) throw StreamingErrors.ZeroSize(path, Math.Max(0, stored.Width), Math.Max(0, stored.Height));
            SKEncodedOrigin origin = codec.EncodedOrigin;
            bool transposed = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
            (int width, int height) = transposed ? (stored.Height, stored.Width) : (stored.Width, stored.Height);
            StreamingErrors.CheckPixelCount(path, width, height, maxPixels);
            ImageFileFormat format = codec.EncodedFormat switch
            {
                SKEncodedImageFormat.Png => ImageFileFormat.Png,
                SKEncodedImageFormat.Jpeg => ImageFileFormat.Jpeg,
                SKEncodedImageFormat.Webp => ImageFileFormat.WebP,
                SKEncodedImageFormat.Bmp => ImageFileFormat.Bmp,
                SKEncodedImageFormat.Gif => ImageFileFormat.Gif,
                _ => ImageFileFormat.Other,
            };

            // As ImageLoader: unpremultiplied RGBA and a null colour space, so the codec converts nothing.
            var target = new SKImageInfo(stored.Width, stored.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null);
            bool upright = origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.TopRight;
            if (upright && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown && codec.StartScanlineDecode(target) == SKCodecResult.Success)
            {
                if (progressive && (long)width * height > maxWhole)
                {
                    throw StreamingErrors.CannotStream(path, "it is a progressive JPEG, which the decoder holds whole in memory",
                        "re-save it as a baseline (non-progressive) JPEG or as PNG", width, height, maxWhole);
                }
                var source = new CodecRowSource(codec, file, target, origin == SKEncodedOrigin.TopRight, path);
                return new ImageRowReader(path, new ImageHeader(width, height, 8, format, IsStreamed: !progressive), source);
            }
            codec.Dispose();
            file.Dispose();
            if ((long)width * height > maxWhole)
            {
                (string why, string advice) = upright
                    ? ($"the decoder cannot decode this {format} image a row at a time", "convert it to PNG")
                    : ("its EXIF orientation turns or flips it vertically", "rotate its pixels and drop the orientation tag (for instance, convert it to PNG with the orientation applied)");
                throw StreamingErrors.CannotStream(path, why, advice, width, height, maxWhole);
            }
            return new ImageRowReader(path, new ImageHeader(width, height, 8, format, IsStreamed: false),
                new WholeImageRowSource(path, width, height, maxWhole));
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    /// <summary>Turns a decoder's or the file system's exception into an <see cref="ImageLoadException"/>.</summary>
    private static Exception Translate(Exception ex, string name) => ex switch
    {
        ImageLoadException or ArgumentException or InvalidOperationException => ex,
        OutOfMemoryException oom => StreamingErrors.OutOfMemory(name, oom),
        IOException or UnauthorizedAccessException => StreamingErrors.Unreadable(name, ex),
        DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException => ex,
        _ => StreamingErrors.DecoderFailed(name, ex),
    };
}
