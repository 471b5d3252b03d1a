using System.Runtime.CompilerServices;
using Bgmm.Imaging.Files;

namespace Bgmm.Cli.Output;

/// <summary>
/// The files one input produces, written as a set: each is written in full into this run's staging
/// folder (<c>.bgmm/run-ID/</c> inside the output folder), and only when every file of the set is
/// complete are they renamed into place (rename is atomic on one file system), result.json last.
/// </summary>
/// <remarks>
/// <para>An interrupted or failed input leaves no file of this run behind and never replaces a good
/// older output with a broken one. A folder with a result.json holds one complete set: the old
/// result.json is removed before the other files are replaced, and the new one arrives after them,
/// so a run killed in the middle leaves a folder without result.json, not a mix that looks complete.</para>
/// <para>Nothing but bgmm's own earlier outputs is ever replaced: a file in the way must be listed,
/// unchanged, in the folder's <see cref="OutputManifest"/>, and must not be one of the run's inputs
/// (the given paths, and any --prior or --init file read; compared by device and inode, so a
/// symbolic link to the input's folder or a hard link changes nothing). Otherwise the run is
/// refused (exit code 2) and nothing is written.</para>
/// <para>Staging folders of dead runs are deleted by the next run into the folder
/// (<see cref="OutputFolder"/>); a live run's are never touched.</para>
/// </remarks>
internal sealed class OutputSet : IDisposable
{
    private const string ResultJson = "result.json", ManifestStaging = "manifest.json.tmp";

    private static readonly HashSet<OutputSet> Live = [];

    private readonly string _folder;
    private readonly string _run;
    private FileStream? _runLock;
    /// <summary>The identities of each batch's inputs, found once per list (a batch hands every set the same list) and only when an output's name is taken.</summary>
    private static readonly ConditionalWeakTable<IEnumerable<string>, InputIdentities> BatchInputs = [];

    private readonly IEnumerable<string> _inputs;
    private readonly List<(string Name, string Staged)> _staged = [];
    private readonly bool _createdFolder;
    private readonly CancellationToken _cancellationToken;
    private readonly Lock _sync = new();
    private bool _committed, _disposed;

    /// <summary>Prepares <paramref name="folder"/> (creating it if needed) and this run's staging folder in it.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="inputs">Paths the run reads: outputs may not overwrite them.</param>
    /// <param name="cancellationToken">Checked before each file is produced, so an interrupted run stops between files.</param>
    public OutputSet(string folder, IEnumerable<string> inputs, CancellationToken cancellationToken = default)
    {
        CheckFolderName(folder);
        _cancellationToken = cancellationToken;
        _folder = Path.GetFullPath(folder);
        _inputs = inputs;
        string runId = Guid.NewGuid().ToString("N");
        _run = OutputFolder.RunFolder(_folder, runId);
        // Listed (and _sync held) before anything is created, so that a forced exit in the middle
        // waits for the folder to be prepared and then removes it.
        lock (_sync)
        {
            lock (Live) Live.Add(this);
            try
            {
                if (FileNode.Of(_folder, followLinks: true) is FileNode existing && existing.Kind != FileKind.Directory)
                    throw new UserError($"{folder}: is a file, not a folder; choose an output folder with -o.");
                _createdFolder = !Directory.Exists(_folder);
                using (OutputFolder.Lock(_folder, create: true, OutputFolder.LockWait, cancellationToken))
                {
                    OutputFolder.CleanDeadRuns(_folder);
                    Directory.CreateDirectory(_run);
                    // Held until Dispose: the run's sign of life (and the proof that the folder is writable).
                    _runLock = new FileStream(OutputFolder.RunLock(_run), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1);
                }
            }
            catch (Exception e)
            {
                lock (Live) Live.Remove(this);
                if (e is IOException or UnauthorizedAccessException)
                    throw new UserError($"{folder}: cannot write to the output folder ({Input.InputFiles.Describe(e)}); choose another folder with -o.");
                throw;
            }
        }
    }

    public string Folder => _folder;

    /// <summary>Refuses an empty or blank output folder name (<c>-o ""</c>), which would mean the current folder or nothing.</summary>
    /// <exception cref="UserError">The name is empty or blank.</exception>
    public static void CheckFolderName(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new UserError($"the output folder is empty (-o \"{folder}\"); give a folder name, e.g. -o results.");
    }

    /// <summary>For tests: called after each file is renamed into place (throwing there simulates a crash in the middle of a commit).</summary>
    internal Action<string>? AfterRename { get; set; }

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
        if (fileName.Length == 0 || fileName != Path.GetFileName(fileName) || fileName is "." or ".." or OutputFolder.ControlName or OutputFolder.LockName or ManifestStaging)
            throw new ArgumentException($"\"{fileName}\" is not an output file name.", nameof(fileName));
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_committed) throw new InvalidOperationException("The output set was already committed.");
            _cancellationToken.ThrowIfCancellationRequested();
            string final = PathOf(fileName);
            // Checked here to fail before more work is done, and again when committing.
            CheckNotAnInput(final);
            string staged = Path.Combine(_run, fileName);
            try
            {
                using var stream = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                _staged.Add((fileName, staged));
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"{final}: cannot write the file ({Input.InputFiles.Describe(e)}); free some space or choose another folder with -o.");
            }
        }
    }

    /// <summary>Renames every staged file into place (result.json last); returns the final paths in the order they were added.</summary>
    public IReadOnlyList<string> Commit()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_committed) throw new InvalidOperationException("The output set was already committed.");
            try
            {
                using (OutputFolder.Lock(_folder, create: true, OutputFolder.LockWait, _cancellationToken))
                {
                    CommitLocked();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"{_folder}: cannot move the outputs into place ({Input.InputFiles.Describe(e)}).");
            }
            _committed = true;
            return [.. _staged.Select(s => PathOf(s.Name))];
        }
    }

    private void CommitLocked()
    {
        string manifestPath = OutputFolder.Manifest(_folder);
        OutputManifest old = OutputManifest.Read(manifestPath);
        var names = new HashSet<string>(_staged.Select(s => s.Name), StringComparer.Ordinal);
        var replaced = new List<OutputManifest.Entry>();
        foreach ((string name, _) in _staged)
        {
            string final = PathOf(name);
            if (FileNode.Of(final, followLinks: false) is not FileNode existing) continue;
            CheckNotAnInput(final);
            if (!old.Owns(name, existing))
            {
                throw new UserError(existing.Kind == FileKind.Regular
                    ? $"{final}: a file that bgmm did not write (or that was changed since) is in the way; move it, or choose another output folder with -o."
                    : $"{final}: {InputFile.DescribeIrregular(existing.Kind)} is in the way of an output; move it, or choose another output folder with -o.");
            }
            replaced.Add(OutputManifest.Entry.Of(name, existing));
        }
        // bgmm's other earlier outputs stay bgmm's while they are unchanged.
        List<OutputManifest.Entry> kept = [.. old.Files.Where(e => !names.Contains(e.Name) && StillThere(e))];
        List<OutputManifest.Entry> added = [.. _staged.Select(s => OutputManifest.Entry.Of(s.Name,
            FileNode.Of(s.Staged, followLinks: false) ?? throw new FileNotFoundException("a staged output vanished", s.Staged)))];
        string manifestStaging = Path.Combine(_run, ManifestStaging);

        // While the files are being replaced the manifest owns both the old and the new ones, and
        // names no complete set: a run killed now leaves a folder the next run can still replace.
        new OutputManifest([.. kept, .. replaced, .. added], null).Write(manifestPath, manifestStaging);
        bool hasResult = names.Contains(ResultJson);
        if (hasResult) File.Delete(PathOf(ResultJson));
        foreach ((string name, string staged) in _staged.Where(s => s.Name != ResultJson).Concat(_staged.Where(s => s.Name == ResultJson)))
        {
            File.Move(staged, PathOf(name), overwrite: true);
            AfterRename?.Invoke(name);
        }
        new OutputManifest([.. kept, .. added], [.. _staged.Select(s => s.Name)]).Write(manifestPath, manifestStaging);
    }

    private bool StillThere(OutputManifest.Entry entry)
    {
        try
        {
            return FileNode.Of(PathOf(entry.Name), followLinks: false) is FileNode node && entry.Matches(node);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void CheckNotAnInput(string final)
    {
        FileNode? existing;
        try
        {
            existing = FileNode.Of(final, followLinks: false);
        }
        catch (IOException e)
        {
            throw new UserError($"{final}: cannot check what is there ({e.Message.TrimEnd('.')}); choose another output folder with -o.");
        }
        if (existing is FileNode node && (Input.InputFiles.WasReadAsJson(node) || BatchInputs.GetValue(_inputs, paths => new InputIdentities(paths)).Contains(node)))
            throw new UserError($"{final}: refusing to overwrite an input file with an output; choose another output folder with -o.");
    }

    /// <summary>
    /// Deletes this run's staging folder; if nothing was committed, also <c>.bgmm/</c> and the
    /// output folder when this run created them and they hold nothing else.
    /// </summary>
    public void Dispose()
    {
        lock (_sync) Release(TimeSpan.FromSeconds(5));
    }

    /// <summary>Dispose's work; waits at most <paramref name="lockWait"/> for another run's commit. Call with <see cref="_sync"/> held.</summary>
    private void Release(TimeSpan lockWait)
    {
        if (_disposed) return;
        _disposed = true;
        DeleteStaging();
        try
        {
            if (!_committed)
            {
                using FileStream? folderLock = OutputFolder.Lock(_folder, create: false, lockWait, CancellationToken.None);
                if (folderLock is not null) OutputFolder.RemoveIfUnused(_folder, _createdFolder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UserError)
        {
            // Leave the (empty) bookkeeping rather than fail the cleanup.
        }
        finally
        {
            // Only now: a forced exit (AbandonAll) waits for a set that is still in the list.
            lock (Live) Live.Remove(this);
        }
    }

    private void DeleteStaging()
    {
        try
        {
            foreach ((_, string staged) in _staged) File.Delete(staged);
            File.Delete(OutputFolder.RunLock(_run));
            _runLock?.Dispose();
            Directory.Delete(_run, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next run into the folder deletes what is left (its lock is released with this process).
        }
        finally
        {
            _runLock?.Dispose();
        }
    }

    /// <summary>
    /// For a forced exit (the process ends without unwinding): does what Dispose does for every
    /// live set, after a commit in progress has finished.
    /// </summary>
    public static void AbandonAll()
    {
        OutputSet[] live;
        lock (Live) live = [.. Live];
        foreach (OutputSet set in live)
        {
            if (!set._sync.TryEnter(TimeSpan.FromSeconds(5))) continue;
            try
            {
                set.Release(TimeSpan.FromSeconds(0.5));
            }
            finally
            {
                set._sync.Exit();
            }
        }
    }
}

/// <summary>The files a run reads, by identity (device and inode, or resolved path where the system has no inodes).</summary>
internal sealed class InputIdentities(IEnumerable<string> paths)
{
    private readonly List<FileNode> _nodes = [.. paths.Select(Status).OfType<FileNode>()];
    private HashSet<(ulong, ulong)> Inodes => field ??= [.. _nodes.Where(n => n.Inode != 0).Select(n => (n.Device, n.Inode))];

    public bool Contains(FileNode node) => node.Inode != 0 ? Inodes.Contains((node.Device, node.Inode)) : _nodes.Exists(node.IsSameFile);

    private static FileNode? Status(string path)
    {
        try
        {
            return FileNode.Of(path, followLinks: true);
        }
        catch (IOException)
        {
            // An input whose status cannot be read cannot be opened either: it fails on its own.
            return null;
        }
    }
}
