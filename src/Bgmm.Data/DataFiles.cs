using Microsoft.Win32.SafeHandles;

namespace Bgmm.Data;

/// <summary>Opening data files, with the messages of the problems that prevent it.</summary>
internal static class DataFiles
{
    /// <summary>Opens <paramref name="path"/> for reading, or explains in a <see cref="DataFileException"/> why it cannot be.</summary>
    /// <param name="path">The file.</param>
    /// <param name="allowEmpty">Accept a file of 0 bytes (whose reader then explains what is missing).</param>
    public static FileStream Open(string path, bool allowEmpty = false)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new DataFileException("(no file name)", "(no file name): no data file was given; give the path of a CSV, .npy or Parquet file.");
        if (Directory.Exists(path))
            throw new DataFileException(path, $"{path}: this is a directory, not a data file; give the path of a file.");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new DataFileException(path, $"{path}: cannot read the file ({Describe(ex)}); check the path and permissions.", ex);
        }
        if (stream.Length == 0 && !allowEmpty)
        {
            stream.Dispose();
            throw new DataFileException(path, $"{path}: the file is empty (0 bytes).");
        }
        return stream;
    }

    /// <summary>A short description of a file-system error, as the CSV reader words it.</summary>
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "folder not found",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.ReplaceLineEndings(" ").TrimEnd('.'),
    };
}

/// <summary>
/// The size and modification time of an open file, taken when it is opened and compared before later
/// reads: a table promises the same values on every read, which a file changed in between breaks.
/// </summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    /// <summary>The stamp of the file open as <paramref name="file"/> now.</summary>
    public static FileStamp Of(SafeFileHandle file, string name)
    {
        try
        {
            return new FileStamp(RandomAccess.GetLength(file), File.GetLastWriteTimeUtc(file));
        }
        catch (IOException ex)
        {
            throw new DataFileException(name, $"{name}: cannot read the file ({DataFiles.Describe(ex)}).", ex);
        }
    }

    /// <summary>Throws a <see cref="DataFileException"/> when the file's size or modification time is no longer this stamp's.</summary>
    public void Check(SafeFileHandle file, string name)
    {
        FileStamp now = Of(file, name);
        if (now != this)
        {
            throw new DataFileException(name,
                $"{name}: the file was changed while it was being read ({(now.Length != Length ? "its size" : "its modification time")} changed); do not modify a data file during a fit, and run the fit again.");
        }
    }
}
