using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Bgmm.Imaging.Files;

/// <summary>What a path names.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    Pipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    Other,
}

/// <summary>
/// The status of a file (the <c>stat</c> of POSIX): its kind, size, modification time and identity
/// (device and inode), read without opening it — so that a named pipe is never opened (opening one
/// for reading blocks until a writer appears) and two paths can be recognised as the same file
/// through symbolic links, hard links and <c>..</c>.
/// </summary>
/// <remarks>
/// .NET 10 has no API for the kind of a file (a FIFO, a socket or a device reads as an ordinary
/// file through <see cref="FileInfo"/>) nor for its inode. On Linux this calls <c>statx(2)</c>,
/// whose structure has one layout on every architecture (unlike <c>struct stat</c>). Elsewhere, or
/// where <c>statx</c> is unavailable (old kernels, some container sandboxes), it falls back to
/// <see cref="FileSystemInfo"/>: every file then reads as regular, and identity is the full path
/// with symbolic links resolved.
/// </remarks>
internal readonly partial record struct FileNode(FileKind Kind, long Size, long ModifiedTicks, ulong Device, ulong Inode, string? ResolvedPath)
{
    /// <summary>Whether both describe the same file (same device and inode, or the same resolved path).</summary>
    public bool IsSameFile(FileNode other) =>
        Inode != 0 && other.Inode != 0
            ? Device == other.Device && Inode == other.Inode
            : ResolvedPath is not null && string.Equals(ResolvedPath, other.ResolvedPath, StringComparison.Ordinal);

    /// <summary>
    /// The status of <paramref name="path"/>, or null when it names nothing (a missing file or
    /// folder, or a dangling symbolic link when <paramref name="followLinks"/>).
    /// </summary>
    /// <param name="path">The path.</param>
    /// <param name="followLinks">Describe the file a symbolic link points to (stat) rather than the link (lstat).</param>
    /// <exception cref="IOException">The status cannot be read (permission denied on a folder of the path, a symbolic-link loop, a name too long…); the message says why.</exception>
    public static FileNode? Of(string path, bool followLinks)
    {
        // The system would read a C string only up to the NUL; .NET's own file APIs refuse it too.
        if (path.Contains('\0', StringComparison.Ordinal)) throw new IOException("the path contains a NUL character");
        if (Statx.Available)
        {
            FileNode? node = Statx.OfPath(path, followLinks, out int errno);
            if (node is not null || errno is Statx.ENOENT or Statx.ENOTDIR) return node;
            if (errno != Statx.ENOSYS && errno != Statx.EPERM) throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
            Statx.Available = false;
        }
        return Managed(path, followLinks);
    }

    /// <summary>The status of an open file.</summary>
    public static FileNode Of(SafeFileHandle handle, string path)
    {
        if (Statx.Available && Statx.OfHandle(handle, out _) is FileNode node) return node;
        // The managed fallback describes the path, which names the open file unless it was just replaced.
        return Managed(path, followLinks: true) ?? throw new FileNotFoundException(null, path);
    }

    private static FileNode? Managed(string path, bool followLinks)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null) return null;
        if (info.LinkTarget is not null)
        {
            if (!followLinks) return new FileNode(FileKind.SymbolicLink, 0, info.LastWriteTimeUtc.Ticks, 0, 0, Path.GetFullPath(path));
            FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists) return null;
            info = target;
        }
        bool directory = info is DirectoryInfo;
        return new FileNode(directory ? FileKind.Directory : FileKind.Regular, directory ? 0 : ((FileInfo)info).Length,
            info.LastWriteTimeUtc.Ticks, 0, 0, Path.GetFullPath(info.FullName));
    }

    /// <summary>The Linux <c>statx(2)</c> call.</summary>
    private static unsafe partial class Statx
    {
        public const int EPERM = 1, ENOENT = 2, ENOTDIR = 20, ENOSYS = 38;
        private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
        private const uint BasicStats = 0x7FF;
        private const int BufferSize = 256;

        public static bool Available { get; set; } = OperatingSystem.IsLinux();

        public static FileNode? OfPath(string path, bool followLinks, out int errno)
        {
            byte* buffer = stackalloc byte[BufferSize];
            return Call(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, buffer, out errno);
        }

        public static FileNode? OfHandle(SafeFileHandle handle, out int errno)
        {
            byte* buffer = stackalloc byte[BufferSize];
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return Call((int)handle.DangerousGetHandle(), "", AtEmptyPath, buffer, out errno);
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        private static FileNode? Call(int directory, string path, int flags, byte* buffer, out int errno)
        {
            int result;
            try
            {
                result = Native(directory, path, flags, BasicStats, buffer);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                errno = ENOSYS;
                return null;
            }
            errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            if (result != 0) return null;
            // struct statx: stx_mode at 28 (u16), stx_ino at 32, stx_size at 40, stx_mtime at 112
            // (i64 seconds, u32 nanoseconds), stx_dev_major/minor at 136/140.
            ushort mode = *(ushort*)(buffer + 28);
            long seconds = *(long*)(buffer + 112);
            uint nanoseconds = *(uint*)(buffer + 120);
            ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
            return new FileNode(KindOf(mode), *(long*)(buffer + 40),
                DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanoseconds / 100, device, *(ulong*)(buffer + 32), null);
        }

        private static FileKind KindOf(ushort mode) => (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Pipe,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };

        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial int Native(int directory, string path, int flags, uint mask, byte* buffer);
    }
}
