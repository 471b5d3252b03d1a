namespace Bgmm.Data;

/// <summary>Opening data files, with the messages of the problems that prevent it.</summary>
internal static class DataFiles
{
    /// <summary>Opens <paramref name="path"/> for reading, or explains in a <see cref="DataFileException"/> why it cannot be.</summary>
    public static FileStream Open(string path)
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
        if (stream.Length == 0)
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
