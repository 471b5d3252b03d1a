using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Bgmm.Imaging.Files;
using Bgmm.Imaging.Png;
using SkiaSharp;

namespace Bgmm.Imaging;

/// <summary>
/// Decodes PNG, JPEG, WebP, BMP and GIF (first frame) files into <see cref="RgbImage"/>s, exactly
/// as SPEC §4 asks: stored values unchanged (unpremultiplied, no colour-space conversion), alpha
/// ignored, 16-bit PNGs kept at 16 bits, the EXIF orientation applied.
/// </summary>
/// <remarks>
/// Every problem with the input — a missing or unreadable file, something that is not an image, a
/// truncated or corrupt file, a zero-sized or too large image, a named pipe or device instead of a
/// file — is an <see cref="ImageLoadException"/> with a one-line message; no decoder exception
/// escapes. Only regular files are opened, and never in a way that blocks. A cancellation request
/// stops reading and decoding within a fraction of a second (<see cref="OperationCanceledException"/>).
/// The pixel count is checked from the header before any pixel memory is allocated. Peak memory is the
/// encoded file, the planes (3 or 6 bytes per pixel) and, for formats the codec cannot decode a
/// band of rows at a time (PNG, WebP, GIF), a transient 4-byte-per-pixel RGBA buffer. JPEG and BMP
/// stream in bands of rows.
/// </remarks>
public static class ImageLoader
{
    /// <summary>The default limit on the number of pixels (200 million).</summary>
    public const long DefaultMaxPixels = 200_000_000;

    private const string SupportedFormats = "PNG, JPEG, WebP, BMP or GIF";

    /// <summary>Size of the band buffer of the row-by-row decode.</summary>
    private const int BandBytes = 1 << 20;

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; messages name it as given.</param>
    /// <param name="maxPixels">Images with more pixels than this are refused before decoding.</param>
    /// <param name="cancellationToken">Stops reading and decoding (checked between pieces of 1 MB read and between bands of rows decoded).</param>
    /// <exception cref="ImageLoadException">The file is missing, not a regular file, unreadable, not a supported image, corrupt, truncated, zero-sized or too large.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static RgbImage Load(string path, long maxPixels = DefaultMaxPixels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        if (string.IsNullOrWhiteSpace(path))
            throw new ImageLoadException("(no file name)", ImageLoadFailure.NotFound, "no image file was given; give the path of a PNG, JPEG, WebP, BMP or GIF file.");
        byte[] encoded;
        try
        {
            encoded = InputFile.ReadAllBytes(path, Array.MaxLength, cancellationToken);
        }
        catch (InputFileException ex)
        {
            throw ex.Problem switch
            {
                InputFileProblem.NotFound => new ImageLoadException(path, ImageLoadFailure.NotFound, "no such file; check the path.", ex),
                InputFileProblem.Directory => new ImageLoadException(path, ImageLoadFailure.NotFound, "this is a directory, not an image file; give the path of an image file.", ex),
                InputFileProblem.NotRegular => new ImageLoadException(path, ImageLoadFailure.NotARegularFile, $"{ex.Message}; save the image to a file and give its path.", ex),
                InputFileProblem.TooLarge => new ImageLoadException(path, ImageLoadFailure.TooLarge, $"{ex.Message} as one image; downscale it.", ex),
                _ => new ImageLoadException(path, ImageLoadFailure.Unreadable, $"{ex.Message}; {ex.Advice}.", ex),
            };
        }
        return Decode(encoded, maxPixels, path, cancellationToken);
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The file's bytes (PNG, JPEG, WebP, BMP or GIF).</param>
    /// <param name="maxPixels">Images with more pixels than this are refused before decoding.</param>
    /// <param name="nameForMessages">How messages name the image (for instance its file name).</param>
    /// <param name="cancellationToken">Stops decoding (checked as the codec reads its input and between bands of rows).</param>
    /// <exception cref="ImageLoadException">The bytes are not a supported image, or it is corrupt, truncated, zero-sized or too large.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static RgbImage Decode(byte[] encoded, long maxPixels = DefaultMaxPixels, string? nameForMessages = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        string name = nameForMessages ?? "(image in memory)";
        if (encoded.Length == 0)
            throw new ImageLoadException(name, ImageLoadFailure.Empty, "the file is empty (0 bytes); re-download or re-export it.");

        try
        {
            if (PngFile.HasSignature(encoded))
            {
                PngFile.Header header = CheckPng(encoded, maxPixels, name);
                if (header.BitDepth == 16) return Png16Decoder.Decode(encoded, header, name, cancellationToken);
                return DecodeWithCodec(CodecInput(encoded), maxPixels, name, cancellationToken);
            }
            else if (IsWebP(encoded) && BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4)) + 8L > encoded.Length)
            {
                // The RIFF header states the file's length; the codec decodes some truncated files without complaint.
                throw Truncated(name, "it is shorter than its header says");
            }
            return DecodeWithCodec(encoded, maxPixels, name, cancellationToken);
        }
        catch (OutOfMemoryException ex)
        {
            throw new ImageLoadException(name, ImageLoadFailure.TooLarge, "there is not enough memory to decode this image; downscale it or free memory.", ex);
        }
        catch (Exception ex) when (ex is not (ImageLoadException or OperationCanceledException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException))
        {
            // A decoder that throws on bad data is still reporting bad data.
            throw new ImageLoadException(name, ImageLoadFailure.Corrupt, $"the image could not be decoded ({OneLine(ex.Message)}); re-export it as PNG.", ex);
        }
    }

    /// <summary>Checks a PNG's header and chunk layout before the codec sees it.</summary>
    private static PngFile.Header CheckPng(byte[] encoded, long maxPixels, string name)
    {
        if (!PngFile.TryReadHeader(encoded, out PngFile.Header header))
        {
            if (encoded.Length < PngFile.HeaderLength) throw Truncated(name, "it ends inside the PNG header");
            throw new ImageLoadException(name, ImageLoadFailure.Corrupt, "the PNG is corrupt (its header chunk IHDR is missing or damaged); re-download or re-export it.");
        }
        if (header.Width == 0 || header.Height == 0) throw ZeroSize(name, header.Width, header.Height);
        if (header.Width > PngFile.MaxSide || header.Height > PngFile.MaxSide)
        {
            throw new ImageLoadException(name, ImageLoadFailure.Corrupt,
                $"the PNG is corrupt (its header declares {header.Width}×{header.Height} pixels, beyond PNG's limit of 2147483647 per side); re-download or re-export it.");
        }
        CheckPixelCount(name, header.Width, header.Height, maxPixels);
        switch (PngFile.CheckLayout(encoded))
        {
            case PngFile.Layout.Truncated:
                // The codec stops once it has the pixels and would accept a file cut after its image data.
                throw Truncated(name, "it ends before the PNG's end chunk");
            case PngFile.Layout.Corrupt:
                throw new ImageLoadException(name, ImageLoadFailure.Corrupt, "the PNG is corrupt (a chunk has an impossible length); re-download or re-export it.");
        }
        return header;
    }

    /// <summary>
    /// The bytes of a checked 8-bit PNG that the codec is given: without its ancillary chunks, whose
    /// reading costs the codec time quadratic in their length (see <see cref="PngFile.WithoutAncillaryChunks"/>).
    /// </summary>
    internal static byte[] CodecInput(byte[] png) => PngFile.WithoutAncillaryChunks(png) ?? png;

    private static RgbImage DecodeWithCodec(byte[] encoded, long maxPixels, string name, CancellationToken cancellationToken)
    {
        // The codec pulls its input through a stream that ends early once the run is cancelled:
        // the decode then stops within one read (a few kilobytes) instead of finishing the image.
        using var stream = new CancellableInput(encoded, cancellationToken);
        using SKCodec? codec = SKCodec.Create(stream, out SKCodecResult created);
        cancellationToken.ThrowIfCancellationRequested();
        if (codec is null) throw CreateFailed(encoded, created, name);

        SKImageInfo stored = codec.Info;
        if (stored.Width <= 0 || stored.Height <= 0) throw ZeroSize(name, (uint)Math.Max(0, stored.Width), (uint)Math.Max(0, stored.Height));
        CheckPixelCount(name, (uint)stored.Width, (uint)stored.Height, maxPixels);

        var writer = new OrientedPlanes(stored.Width, stored.Height, codec.EncodedOrigin);
        // Unpremultiplied, and a null colour space: the codec then converts nothing (no gamma, no ICC profile).
        var target = new SKImageInfo(stored.Width, stored.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null);
        if (codec.ScanlineOrder == SKCodecScanlineOrder.TopDown && codec.StartScanlineDecode(target) == SKCodecResult.Success)
        {
            DecodeInBands(codec, target, writer, name, cancellationToken);
        }
        else
        {
            DecodeWhole(codec, target, writer, name, cancellationToken);
        }
        return writer.ToImage();
    }

    private static unsafe void DecodeInBands(SKCodec codec, SKImageInfo target, OrientedPlanes writer, string name, CancellationToken cancellationToken)
    {
        int rowBytes = target.RowBytes;
        int rows = Math.Clamp(BandBytes / rowBytes, 1, target.Height);
        byte* band = (byte*)NativeMemory.Alloc((nuint)rows * (nuint)rowBytes);
        try
        {
            for (int y = 0; y < target.Height; y += rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int wanted = Math.Min(rows, target.Height - y);
                int got = codec.GetScanlines((IntPtr)band, wanted, rowBytes);
                if (got != wanted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw Truncated(name, string.Create(CultureInfo.InvariantCulture,
                        $"the decoder stopped at row {y + got} of {target.Height}"));
                }
                writer.WriteRows(band, rowBytes, y, wanted);
            }
        }
        finally
        {
            NativeMemory.Free(band);
        }
    }

    private static unsafe void DecodeWhole(SKCodec codec, SKImageInfo target, OrientedPlanes writer, string name, CancellationToken cancellationToken)
    {
        nuint size = (nuint)target.Height * (nuint)target.RowBytes;
        // Zeroed (calloc: fresh pages, not written), so areas a GIF's first frame does not cover come
        // out black; and telling the codec so spares it filling the rest of a truncated image.
        byte* pixels = (byte*)NativeMemory.AllocZeroed(size);
        try
        {
            var options = new SKCodecOptions { FrameIndex = 0, ZeroInitialized = SKZeroInitialized.Yes };
            SKCodecResult result = codec.GetPixels(target, (IntPtr)pixels, target.RowBytes, options);
            cancellationToken.ThrowIfCancellationRequested();
            if (result != SKCodecResult.Success) throw DecodeFailed(result, name);
            writer.WriteRows(pixels, target.RowBytes, 0, target.Height);
        }
        finally
        {
            NativeMemory.Free(pixels);
        }
    }

    private static void CheckPixelCount(string name, uint width, uint height, long maxPixels)
    {
        long pixels = (long)width * height;
        if (pixels > maxPixels)
        {
            throw new ImageLoadException(name, ImageLoadFailure.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"the image is {width}×{height} = {pixels:N0} pixels, more than the limit of {maxPixels:N0}; raise the limit with --max-pixels or downscale the image."));
        }
        if (pixels > RgbImage.MaxPixelCount)
        {
            throw new ImageLoadException(name, ImageLoadFailure.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"the image is {width}×{height} = {pixels:N0} pixels, more than the {RgbImage.MaxPixelCount:N0} this program can hold; downscale the image."));
        }
    }

    private static ImageLoadException CreateFailed(byte[] encoded, SKCodecResult result, string name)
    {
        if (!HasKnownSignature(encoded))
        {
            return new ImageLoadException(name, ImageLoadFailure.UnsupportedFormat,
                $"this is not an image in a supported format ({SupportedFormats}); convert it to PNG.");
        }
        return result == SKCodecResult.IncompleteInput
            ? Truncated(name, "it ends inside the image header")
            : DecodeFailed(result, name);
    }

    private static ImageLoadException DecodeFailed(SKCodecResult result, string name) => result switch
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

    private static ImageLoadException Truncated(string name, string detail) =>
        new(name, ImageLoadFailure.Truncated, $"the file is truncated or corrupt ({detail}); re-download or re-export it.");

    private static ImageLoadException ZeroSize(string name, uint width, uint height) =>
        new(name, ImageLoadFailure.ZeroSize, $"the image is {width}×{height} pixels: it has no pixels; re-export it.");

    private static bool IsWebP(ReadOnlySpan<byte> b) => b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..].StartsWith("WEBP"u8);

    private static bool HasKnownSignature(ReadOnlySpan<byte> b) =>
        PngFile.HasSignature(b)
        || b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)
        || IsWebP(b)
        || b.StartsWith("BM"u8);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.');

    /// <summary>Writes decoded RGBA rows into the planes, turning the stored image as its EXIF orientation says.</summary>
    private sealed class OrientedPlanes
    {
        private readonly int _storedWidth;
        private readonly nint _origin, _stepX, _stepY;
        private readonly byte[] _r, _g, _b;

        public OrientedPlanes(int storedWidth, int storedHeight, SKEncodedOrigin origin)
        {
            _storedWidth = storedWidth;
            nint w = storedWidth, h = storedHeight;
            // Destination index of stored pixel (sx, sy) is _origin + sx·_stepX + sy·_stepY. For
            // EXIF orientations 5–8 the shown image is h wide and w high.
            (_origin, _stepX, _stepY, Width, Height) = origin switch
            {
                SKEncodedOrigin.TopRight => (w - 1, -1, w, storedWidth, storedHeight),                    // 2: mirrored left-right
                SKEncodedOrigin.BottomRight => ((h - 1) * w + w - 1, -1, -w, storedWidth, storedHeight),  // 3: turned 180°
                SKEncodedOrigin.BottomLeft => ((h - 1) * w, 1, -w, storedWidth, storedHeight),            // 4: mirrored top-bottom
                SKEncodedOrigin.LeftTop => (0, h, 1, storedHeight, storedWidth),                          // 5: transposed
                SKEncodedOrigin.RightTop => (h - 1, h, -1, storedHeight, storedWidth),                    // 6: turned 90° clockwise
                SKEncodedOrigin.RightBottom => ((w - 1) * h + h - 1, -h, -1, storedHeight, storedWidth),  // 7: transversed
                SKEncodedOrigin.LeftBottom => ((w - 1) * h, -h, 1, storedHeight, storedWidth),            // 8: turned 90° anticlockwise
                _ => ((nint)0, (nint)1, w, storedWidth, storedHeight),                                    // 1: as stored
            };
            int n = storedWidth * storedHeight;
            _r = GC.AllocateUninitializedArray<byte>(n);
            _g = GC.AllocateUninitializedArray<byte>(n);
            _b = GC.AllocateUninitializedArray<byte>(n);
        }

        public int Width { get; }

        public int Height { get; }

        public unsafe void WriteRows(byte* rgba, int rowBytes, int firstRow, int rows)
        {
            fixed (byte* r = _r, g = _g, b = _b)
            {
                for (int row = 0; row < rows; row++)
                {
                    byte* source = rgba + (nint)row * rowBytes;
                    nint index = _origin + (nint)(firstRow + row) * _stepY;
                    for (int x = 0; x < _storedWidth; x++, source += 4, index += _stepX)
                    {
                        r[index] = source[0];
                        g[index] = source[1];
                        b[index] = source[2];
                    }
                }
            }
        }

        public RgbImage ToImage() => RgbImage.FromRgb8(Width, Height, _r, _g, _b);
    }
}
