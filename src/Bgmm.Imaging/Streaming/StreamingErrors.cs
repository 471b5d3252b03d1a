using System.Globalization;
using SkiaSharp;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// Opening image files for streaming, and the <see cref="ImageLoadException"/>s of streamed
/// decoding, worded as <see cref="ImageLoader"/>'s: one line naming the file, the problem and
/// what to do.
/// </summary>
internal static class StreamingErrors
{
    public const string SupportedFormats = "PNG, JPEG, WebP, BMP or GIF";

    /// <summary>Opens <paramref name="path"/> for sequential reading, or explains why it cannot be read.</summary>
    public static FileStream OpenFile(string path, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
            throw new ImageLoadException("(no file name)", ImageLoadFailure.NotFound, $"no image file was given; give the path of a {SupportedFormats} file.");
        if (Directory.Exists(path))
            throw new ImageLoadException(path, ImageLoadFailure.NotFound, "this is a directory, not an image file; give the path of an image file.");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageLoadException(path, ImageLoadFailure.NotFound, "no such file; check the path.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ImageLoadException(path, ImageLoadFailure.Unreadable, "permission denied; make the file readable or copy it somewhere readable.", ex);
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ArgumentException)
        {
            throw Unreadable(path, ex);
        }
        if (stream.Length == 0)
        {
            stream.Dispose();
            throw new ImageLoadException(path, ImageLoadFailure.Empty, "the file is empty (0 bytes); re-download or re-export it.");
        }
        return stream;
    }

    public static ImageLoadException Unreadable(string name, Exception ex) =>
        new(name, ImageLoadFailure.Unreadable, $"the file cannot be read ({OneLine(ex.Message)}); check that it is a readable image file.", ex);

    public static ImageLoadException Truncated(string name, string detail) =>
        new(name, ImageLoadFailure.Truncated, $"the file is truncated or corrupt ({detail}); re-download or re-export it.");

    public static ImageLoadException PngCorrupt(string name, string what, Exception? inner = null) =>
        new(name, ImageLoadFailure.Corrupt, $"the PNG is corrupt ({what}); re-download or re-export it.", inner);

    public static ImageLoadException ZeroSize(string name, long width, long height) =>
        new(name, ImageLoadFailure.ZeroSize, $"the image is {width}×{height} pixels: it has no pixels; re-export it.");

    public static ImageLoadException NotAnImage(string name) =>
        new(name, ImageLoadFailure.UnsupportedFormat, $"this is not an image in a supported format ({SupportedFormats}); convert it to PNG.");

    public static ImageLoadException OutOfMemory(string name, OutOfMemoryException ex) =>
        new(name, ImageLoadFailure.TooLarge, "there is not enough memory to decode this image; downscale it or free memory.", ex);

    /// <summary>A failure of the underlying decoder on bad data.</summary>
    public static ImageLoadException DecoderFailed(string name, Exception ex) =>
        new(name, ImageLoadFailure.Corrupt, $"the image could not be decoded ({OneLine(ex.Message)}); re-export it as PNG.", ex);

    /// <summary>The limit on the pixel count, with <see cref="ImageLoader"/>'s wording.</summary>
    public static void CheckPixelCount(string name, long width, long height, long maxPixels)
    {
        long pixels = width * height;
        if (pixels > maxPixels)
        {
            throw new ImageLoadException(name, ImageLoadFailure.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"the image is {width}×{height} = {pixels:N0} pixels, more than the limit of {maxPixels:N0}; raise the limit with --max-pixels or downscale the image."));
        }
    }

    /// <summary>
    /// An image that must be decoded whole (<paramref name="why"/>) but has more pixels than may be
    /// decoded whole; <paramref name="advice"/> says how to make it streamable.
    /// </summary>
    public static ImageLoadException CannotStream(string name, string why, string advice, long width, long height, long maxWholePixels) =>
        new(name, ImageLoadFailure.TooLarge, string.Create(CultureInfo.InvariantCulture,
            $"{why}, so it cannot be decoded row by row, and at {width}×{height} = {width * height:N0} pixels it is larger than the {maxWholePixels:N0} that may be decoded whole; {advice}."));

    public static ImageLoadException CodecFailed(string name, SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => Truncated(name, "decoder reported incomplete input"),
        SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => new ImageLoadException(name, ImageLoadFailure.Corrupt,
            $"the image data is corrupt (decoder reported {Describe(result)}); re-download or re-export it."),
        SKCodecResult.Unimplemented => new ImageLoadException(name, ImageLoadFailure.UnsupportedFormat,
            "this variant of the format is not supported by the decoder; re-export the image as an 8- or 16-bit PNG."),
        _ => new ImageLoadException(name, ImageLoadFailure.Corrupt,
            $"the image could not be decoded (decoder reported {Describe(result)}); re-export it as PNG."),
    };

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.ErrorInInput => "an error in the input",
        SKCodecResult.InvalidInput => "invalid input",
        SKCodecResult.InvalidConversion => "an invalid conversion",
        SKCodecResult.InvalidScale => "an invalid scale",
        SKCodecResult.InvalidParameters => "invalid parameters",
        SKCodecResult.CouldNotRewind => "that it could not rewind",
        SKCodecResult.InternalError => "an internal error",
        _ => result.ToString(),
    };

    public static bool HasKnownSignature(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[137, 80, 78, 71, 13, 10, 26, 10])
        || b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)
        || (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..].StartsWith("WEBP"u8))
        || b.StartsWith("BM"u8);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.');
}
