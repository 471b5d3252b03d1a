using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bgmm.Imaging.Files;

namespace Bgmm.Cli.Output;

/// <summary>
/// The bookkeeping of an output folder, kept in its <c>.bgmm/</c> subfolder: <c>lock</c> (held
/// while a run creates its staging folder, cleans up or commits, so that two runs never interleave
/// there), <c>manifest.json</c> (<see cref="OutputManifest"/>) and one <c>run-ID/</c> staging folder
/// per live run, holding the run's files until they are renamed into place and a <c>lock</c> file
/// that the run holds open (locked) for as long as it lives.
/// </summary>
/// <remarks>
/// Locks are the operating system's advisory file locks (.NET's <see cref="FileShare.None"/>), which
/// the system releases when a process dies, however it dies: a staging folder whose lock can be
/// taken belongs to a dead run and is deleted by the next run into the folder; one whose lock is
/// held belongs to a live run and is never touched.
/// </remarks>
internal static partial class OutputFolder
{
    public const string ControlName = ".bgmm", LockName = "lock";
    private const string ManifestName = "manifest.json", RunPrefix = "run-";

    /// <summary>How long a run waits for another run's commit into the same folder before giving up.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    public static string Control(string folder) => Path.Combine(folder, ControlName);

    public static string Manifest(string folder) => Path.Combine(folder, ControlName, ManifestName);

    public static string RunFolder(string folder, string runId) => Path.Combine(folder, ControlName, RunPrefix + runId);

    /// <summary>The lock of a run's staging folder (held by the run while it lives).</summary>
    public static string RunLock(string runFolder) => Path.Combine(runFolder, LockName);

    /// <summary>
    /// Takes the folder's lock, creating the folder and <c>.bgmm/</c> if needed. Waits (checking
    /// <paramref name="cancellationToken"/>) while another run holds it, at most <paramref name="wait"/>.
    /// </summary>
    /// <returns>The lock, or null when <paramref name="create"/> is false and the folder has no <c>.bgmm/</c>.</returns>
    public static FileStream? Lock(string folder, bool create, TimeSpan wait, CancellationToken cancellationToken)
    {
        string control = Control(folder), path = Path.Combine(control, LockName);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (create)
            {
                Directory.CreateDirectory(folder);
                if (FileNode.Of(control, followLinks: false) is FileNode c && c.Kind != FileKind.Directory)
                    throw new UserError($"{control}: is in the way (bgmm keeps its bookkeeping in a folder of that name); move it, or choose another output folder with -o.");
                Directory.CreateDirectory(control);
            }
            else if (!Directory.Exists(control))
            {
                return null;
            }
            FileStream? stream = null;
            try
            {
                stream = new FileStream(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
                // A run that removes an unused folder deletes the lock while holding it; a lock taken
                // on a deleted file locks nothing, so start again.
                if (FileNode.Of(path, followLinks: false) is FileNode named && named.IsSameFile(FileNode.Of(stream.SafeFileHandle, path))) return stream;
            }
            catch (IOException e) when (IsLocked(e) || e is FileNotFoundException or DirectoryNotFoundException)
            {
                if (!create && e is FileNotFoundException or DirectoryNotFoundException) return null;
            }
            stream?.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (waited.Elapsed > wait)
                throw new UserError($"{folder}: another bgmm run is writing into this folder and has not finished; wait for it, or choose another output folder with -o.");
            Thread.Sleep(20);
        }
    }

    /// <summary>Whether an open failed because another handle holds the file's lock.</summary>
    private static bool IsLocked(IOException e) =>
        e.HResult is 11 or 35 || e.HResult == unchecked((int)0x80070020) || e.HResult == unchecked((int)0x80070021);

    /// <summary>Whether the run owning a staging folder is alive (holds the folder's lock).</summary>
    public static bool IsAlive(string runFolder)
    {
        try
        {
            using var probe = new FileStream(RunLock(runFolder), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
            return false;
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Under the folder lock a run creates its staging folder and locks it in one step: a
            // staging folder without a lock was left by a run that died in between.
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>
    /// Deletes what dead runs left in the folder (call with the folder's lock held): their staging
    /// folders in <c>.bgmm/</c>, and the staging files of earlier bgmm versions
    /// (<c>.NAME.PID.ID.tmp</c>, <c>.bgmm-probe-PID-ID</c>) whose process is gone. Returns how
    /// many were deleted.
    /// </summary>
    public static int CleanDeadRuns(string folder)
    {
        int removed = 0;
        string control = Control(folder);
        foreach (string run in Directory.EnumerateDirectories(control, RunPrefix + "*"))
        {
            if (!RunName().IsMatch(Path.GetFileName(run)) || IsAlive(run)) continue;
            if (TryDelete(() => Directory.Delete(run, recursive: true))) removed++;
        }
        foreach (string file in Directory.EnumerateFiles(folder, ".*"))
        {
            Match m = LegacyStagingName().Match(Path.GetFileName(file));
            if (!m.Success) continue;
            int pid = int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture);
            if (LegacyOwnerAlive(pid, File.GetLastWriteTimeUtc(file))) continue;
            if (TryDelete(() => File.Delete(file))) removed++;
        }
        return removed;
    }

    /// <summary>
    /// Removes <c>.bgmm/</c> when it holds nothing but the lock (no manifest, no live run), and the
    /// folder itself when <paramref name="createdByThisRun"/> and it is then empty (call with the
    /// lock held; the lock file is deleted last, so waiting runs see it vanish and start again).
    /// </summary>
    public static void RemoveIfUnused(string folder, bool createdByThisRun)
    {
        string control = Control(folder);
        if (Directory.EnumerateFileSystemEntries(control).Any(e => Path.GetFileName(e) != LockName)) return;
        TryDelete(() => File.Delete(Path.Combine(control, LockName)));
        TryDelete(() => Directory.Delete(control));
        // Directory.Delete is rmdir: it fails, atomically, if another run put anything in the folder.
        if (createdByThisRun) TryDelete(() => Directory.Delete(folder));
    }

    private static bool LegacyOwnerAlive(int pid, DateTime lastWriteUtc)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // A process that started after the file was last written did not write it (the id was reused).
            return process.StartTime.ToUniversalTime() <= lastWriteUtc;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    private static bool TryDelete(Action delete)
    {
        try
        {
            delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex("^run-[0-9a-f]{32}$")]
    private static partial Regex RunName();

    [GeneratedRegex(@"^(\..+\.(?<pid>[0-9]{1,9})\.[0-9a-f]{32}\.tmp|\.bgmm-probe-(?<pid>[0-9]{1,9})-[0-9a-f]{32})$")]
    private static partial Regex LegacyStagingName();
}
