namespace Bgmm.Cli.Output;

/// <summary>
/// The files one input produces, written atomically: each is written in full under a temporary name
/// in the output folder, and only when every file of the set is complete are they renamed into place
/// (rename is atomic on one file system). An interrupted or failed input therefore leaves no file of
/// this run behind and never replaces a good older output with a broken one.
/// </summary>
internal sealed class OutputSet : IDisposable
{
    private readonly string _folder;
    private readonly HashSet<string> _inputs;
    private readonly List<(string Temporary, string Final)> _staged = [];
    private readonly bool _createdFolder;
    private readonly CancellationToken _cancellationToken;
    private bool _committed;

    /// <summary>Prepares <paramref name="folder"/> (creating it if needed).</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="inputs">Paths the run reads: outputs may not overwrite them.</param>
    /// <param name="cancellationToken">Checked before each file is produced, so an interrupted run stops between files.</param>
    public OutputSet(string folder, IEnumerable<string> inputs, CancellationToken cancellationToken = default)
    {
        _cancellationToken = cancellationToken;
        _folder = Path.GetFullPath(folder);
        _inputs = new HashSet<string>(inputs.Select(Path.GetFullPath), StringComparer.Ordinal);
        try
        {
            if (File.Exists(_folder))
                throw new UserError($"{folder}: is a file, not a folder; choose an output folder with -o.");
            _createdFolder = !Directory.Exists(_folder);
            Directory.CreateDirectory(_folder);
            // Probe writability now, so an unwritable folder fails before any work is done.
            string probe = Path.Combine(_folder, $".bgmm-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"{folder}: cannot write to the output folder ({Input.CsvData.Describe(e)}); choose another folder with -o.");
        }
    }

    public string Folder => _folder;

    /// <summary>The final path of <paramref name="fileName"/> in the folder.</summary>
    public string PathOf(string fileName) => Path.Combine(_folder, fileName);

    /// <summary>Stages a file with the given content.</summary>
    public void Add(string fileName, byte[] content) => Add(fileName, stream => stream.Write(content));

    /// <summary>
    /// Produces several files' contents in parallel (at most one per core, so at most that many
    /// encoders' buffers are alive at once) and stages them in the given order.
    /// </summary>
    public void AddAll(IReadOnlyList<(string FileName, Func<byte[]> Produce)> files)
    {
        var contents = new byte[files.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = _cancellationToken };
        Parallel.For(0, files.Count, options, i => contents[i] = files[i].Produce());
        for (int i = 0; i < files.Count; i++)
        {
            Add(files[i].FileName, contents[i]);
            contents[i] = null!;
        }
    }

    /// <summary>Stages a file whose content is produced (encoded) only if the run has not been cancelled.</summary>
    public void Add(string fileName, Func<byte[]> produce)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        Add(fileName, produce());
    }

    /// <summary>Stages a file written by <paramref name="write"/>.</summary>
    public void Add(string fileName, Action<Stream> write)
    {
        if (_committed) throw new InvalidOperationException("The output set was already committed.");
        _cancellationToken.ThrowIfCancellationRequested();
        string final = PathOf(fileName);
        if (_inputs.Contains(final))
            throw new UserError($"{final}: refusing to overwrite an input file with an output; choose another output folder with -o.");
        string temporary = Path.Combine(_folder, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                _staged.Add((temporary, final));
                write(stream);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"{final}: cannot write the file ({Input.CsvData.Describe(e)}); free some space or choose another folder with -o.");
        }
    }

    /// <summary>Renames every staged file into place; returns the final paths.</summary>
    public IReadOnlyList<string> Commit()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var done = new List<string>();
        try
        {
            foreach ((string temporary, string final) in _staged)
            {
                File.Move(temporary, final, overwrite: true);
                done.Add(final);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"{_folder}: cannot move the outputs into place ({Input.CsvData.Describe(e)}).");
        }
        _committed = true;
        return done;
    }

    /// <summary>Deletes staged files that were not committed (and the folder, if this set created it and left it empty).</summary>
    public void Dispose()
    {
        if (_committed) return;
        foreach ((string temporary, _) in _staged)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more can be done; the name marks it as temporary.
            }
        }
        try
        {
            if (_createdFolder && Directory.Exists(_folder) && !Directory.EnumerateFileSystemEntries(_folder).Any()) Directory.Delete(_folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leave an empty folder rather than fail the cleanup.
        }
    }
}
