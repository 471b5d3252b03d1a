namespace Bgmm.Data;

/// <summary>
/// A data file that cannot be read as a table of numbers: missing, unreadable, not in the expected
/// format, truncated, or holding a value that is not a finite number. The message is one line that
/// starts with the file name, says what is wrong (and where: row and column) and what to do; it is
/// meant to be shown to the user as it is.
/// </summary>
public sealed class DataFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file the message refers to.</param>
    /// <param name="message">The whole one-line message, starting with <paramref name="fileName"/>.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DataFileException(string fileName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
    }

    /// <summary>The file the message refers to.</summary>
    public string FileName { get; }
}
