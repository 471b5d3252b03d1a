using Bgmm.Data.Npy;

namespace Bgmm.Data.Csv;

/// <summary>
/// A temporary float64 C-order .npy file being written row by row: created in the temporary folder and,
/// on Unix, unlinked at once (it lives as long as its handle, whatever way the process ends); on Windows
/// deleted when its handle closes. <see cref="Complete"/> hands the handle to an <see cref="NpyReader"/>.
/// </summary>
internal sealed class TemporaryNpy : IDisposable
{
    private readonly string _name;
    private readonly string _folder;
    private readonly FileStream _stream;
    private readonly NpyWriter _writer;
    private bool _handedOver;

    /// <param name="name">The file converted (messages name it).</param>
    /// <param name="columns">D.</param>
    /// <param name="folder">Where to create the file; null for the system's temporary folder.</param>
    public TemporaryNpy(string name, int columns, string? folder = null)
    {
        _name = name;
        _folder = folder ?? Path.GetTempPath();
        string path = Path.Combine(_folder, $"bgmm-{Guid.NewGuid():N}.npy");
        try
        {
            _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16,
                OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            if (!OperatingSystem.IsWindows()) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e);
        }
        _writer = new NpyWriter(_stream, columns, leaveOpen: true);
    }

    /// <summary>Appends a row.</summary>
    public void Write(ReadOnlySpan<double> row)
    {
        try
        {
            _writer.WriteRow(row);
        }
        catch (IOException e)
        {
            throw Failure(e);
        }
    }

    /// <summary>Writes the header with the final row count and opens the file for reading (the reader owns it).</summary>
    public NpyReader Complete()
    {
        try
        {
            _writer.Complete();
            _stream.Position = 0;
        }
        catch (IOException e)
        {
            throw Failure(e);
        }
        NpyReader reader = NpyReader.OpenStream(_stream, _name);
        _handedOver = true;
        return reader;
    }

    /// <summary>Closes (and so deletes) the file, unless a reader has it.</summary>
    public void Dispose()
    {
        if (!_handedOver) _stream.Dispose();
    }

    private DataFileException Failure(Exception e) =>
        new(_name, $"{_name}: cannot write its binary copy in the temporary folder {_folder} ({CsvRows.Describe(e)}); free space there, or set TMPDIR to a folder with room for 8 bytes per value.", e);
}
