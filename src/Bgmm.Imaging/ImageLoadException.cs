namespace Bgmm.Imaging;

/// <summary>Why an image could not be loaded.</summary>
public enum ImageLoadFailure
{
    /// <summary>The path names no file, or names a directory.</summary>
    NotFound,

    /// <summary>The file exists but could not be read (permissions, I/O error, or it changed while being read).</summary>
    Unreadable,

    /// <summary>The file is empty.</summary>
    Empty,

    /// <summary>The bytes are not an image in a supported format (PNG, JPEG, WebP, BMP, GIF).</summary>
    UnsupportedFormat,

    /// <summary>The file ends before the image does.</summary>
    Truncated,

    /// <summary>The image data is invalid, or the decoder failed on it.</summary>
    Corrupt,

    /// <summary>The image's header declares zero width or height.</summary>
    ZeroSize,

    /// <summary>The image has more pixels than allowed.</summary>
    TooLarge,

    /// <summary>The path names a named pipe, a socket or a device: something that is not a regular file (it is not opened).</summary>
    NotARegularFile,
}

/// <summary>
/// An image that could not be loaded: missing, unreadable, not an image, truncated, corrupt, empty
/// or too large. The message is one line that names the file and the problem and says what to do;
/// it is meant to be shown to the user as it is.
/// </summary>
public sealed class ImageLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file (or name) the message refers to.</param>
    /// <param name="failure">The kind of problem.</param>
    /// <param name="problem">What is wrong and what to do, without the file name.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ImageLoadException(string fileName, ImageLoadFailure failure, string problem, Exception? innerException = null)
        : base($"{fileName}: {problem}", innerException)
    {
        FileName = fileName;
        Failure = failure;
    }

    /// <summary>The file (or name) the message refers to.</summary>
    public string FileName { get; }

    /// <summary>The kind of problem.</summary>
    public ImageLoadFailure Failure { get; }
}
