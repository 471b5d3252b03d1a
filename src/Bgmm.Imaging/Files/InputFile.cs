using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Bgmm.Imaging.Files;

/// <summary>Why an input file cannot be read.</summary>
internal enum InputFileProblem
{
    NotFound,
    Directory,
    NotRegular,
    Unreadable,
    TooLarge,
    Changed,
}

/// <summary>
/// An input file that cannot be read. The message says what is wrong, without the file's name or a
/// final period; <see cref="Advice"/> says what to do, so that callers can word both for their input.
/// </summary>
internal sealed class InputFileException(string path, InputFileProblem problem, string message, string advice, Exception? innerException = null)
    : IOException(message, innerException)
{
    public string FilePath { get; } = path;

    public InputFileProblem Problem { get; } = problem;

    public string Advice { get; } = advice;
}

/// <summary>
/// Reads input files safely: only regular files (or symbolic links to one) are opened, opening never
/// blocks, every read is bounded by a size limit and by the file's size when it was opened, and
/// reads stop at a cancellation request between chunks of <see cref="ChunkBytes"/>.
/// </summary>
/// <remarks>
/// The kind of the file is checked before it is opened (a named pipe, socket or device is never
/// opened), and again on the open handle, which must be the same file: a file swapped for a pipe
/// in between is caught too. On Linux the open itself is non-blocking (<c>O_NONBLOCK</c>, which
/// makes no difference to reading a regular file), so even that swap cannot hang the program.
/// </remarks>
internal static partial class InputFile
{
    /// <summary>Reads are made in pieces of this size, with a cancellation check between them.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>Opens <paramref name="path"/> for reading as a stream of at most its size when opened.</summary>
    /// <exception cref="InputFileException">The file is missing, not a regular file, unreadable, larger than <paramref name="maxBytes"/>, or changes while it is read.</exception>
    public static Stream OpenRead(string path, long maxBytes, CancellationToken cancellationToken)
    {
        (SafeFileHandle handle, long length) = Open(path, maxBytes);
        return new SnapshotStream(handle, length, path, cancellationToken);
    }

    /// <summary>Reads the whole of <paramref name="path"/>.</summary>
    /// <exception cref="InputFileException">As for <see cref="OpenRead"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, CancellationToken cancellationToken)
    {
        maxBytes = Math.Min(maxBytes, Array.MaxLength);
        (SafeFileHandle handle, long length) = Open(path, maxBytes);
        using var stream = new SnapshotStream(handle, length, path, cancellationToken);
        byte[] bytes = GC.AllocateUninitializedArray<byte>((int)length);
        stream.ReadExactly(bytes);
        // Reading at the end checks that the file did not grow.
        _ = stream.Read(Span<byte>.Empty);
        return bytes;
    }

    private static (SafeFileHandle Handle, long Length) Open(string path, long maxBytes)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InputFileException(path, InputFileProblem.NotFound, "no file name was given", "give the path of a file");
        FileNode node = Status(path) ?? throw new InputFileException(path, InputFileProblem.NotFound, "no such file", "check the path");
        CheckKind(path, node);
        CheckSize(path, node.Size, maxBytes);
        SafeFileHandle handle = OpenHandle(path);
        try
        {
            FileNode opened = FileNode.Of(handle, path);
            if (opened.Kind != FileKind.Regular || !opened.IsSameFile(node))
                throw new InputFileException(path, InputFileProblem.Changed, "the file was replaced while it was being opened", "try again");
            CheckSize(path, opened.Size, maxBytes);
            return (handle, opened.Size);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static FileNode? Status(string path)
    {
        try
        {
            return FileNode.Of(path, followLinks: true);
        }
        catch (IOException e)
        {
            throw new InputFileException(path, InputFileProblem.Unreadable, $"the file cannot be read ({OneLine(e.Message)})", "check the path", e);
        }
    }

    /// <summary>What a path that is not a regular file is, in words, or null for a regular file.</summary>
    public static string? DescribeIrregular(FileKind kind) => kind switch
    {
        FileKind.Regular => null,
        FileKind.Directory => "a folder",
        FileKind.Pipe => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device (such as /dev/zero or a terminal)",
        FileKind.BlockDevice => "a block device (a disk)",
        _ => "not a regular file",
    };

    private static void CheckKind(string path, FileNode node)
    {
        if (node.Kind == FileKind.Regular) return;
        if (node.Kind == FileKind.Directory) throw new InputFileException(path, InputFileProblem.Directory, "this is a folder, not a file", "give the path of a file");
        throw new InputFileException(path, InputFileProblem.NotRegular,
            $"this is {DescribeIrregular(node.Kind)}, not a regular file (bgmm reads only regular files)", "save the data to a file and give its path");
    }

    private static void CheckSize(string path, long size, long maxBytes)
    {
        if (size <= maxBytes) return;
        throw new InputFileException(path, InputFileProblem.TooLarge, string.Create(CultureInfo.InvariantCulture,
            $"the file is {size:N0} bytes, more than the {maxBytes:N0} this program reads"), "give a smaller file");
    }

    private static SafeFileHandle OpenHandle(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            int fd;
            try
            {
                fd = OpenNonBlocking(path, ReadOnly | NoControllingTerminal | NonBlocking | CloseOnExec);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                fd = -2;
            }
            if (fd >= 0) return new SafeFileHandle(fd, ownsHandle: true);
            if (fd == -1)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == PermissionDenied
                    ? PermissionDeniedError(path, null)
                    : new InputFileException(path, InputFileProblem.Unreadable, $"the file cannot be opened ({OneLine(Marshal.GetPInvokeErrorMessage(errno))})", "check that it is readable");
            }
        }
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (UnauthorizedAccessException e)
        {
            throw PermissionDeniedError(path, e);
        }
        catch (IOException e)
        {
            throw new InputFileException(path, InputFileProblem.Unreadable, $"the file cannot be opened ({OneLine(e.Message)})", "check that it is readable", e);
        }
    }

    private static InputFileException PermissionDeniedError(string path, Exception? inner) =>
        new(path, InputFileProblem.Unreadable, "permission denied", "make the file readable or copy it somewhere readable", inner);

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.');

    // Linux open(2) flags (identical on x86-64, ARM64 and the other architectures .NET runs on).
    private const int ReadOnly = 0, NoControllingTerminal = 0x100, NonBlocking = 0x800, CloseOnExec = 0x80000;
    private const int PermissionDenied = 13;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNonBlocking(string path, int flags);

    /// <summary>The file's bytes up to its length when opened; reading past it checks that the file did not grow.</summary>
    private sealed class SnapshotStream(SafeFileHandle handle, long length, string path, CancellationToken cancellationToken) : Stream
    {
        private long _position;
        private bool _checkedEnd;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (_position >= length)
                {
                    if (!_checkedEnd)
                    {
                        _checkedEnd = true;
                        Span<byte> one = stackalloc byte[1];
                        if (RandomAccess.Read(handle, one, length) > 0) throw Changed("grew");
                    }
                    return 0;
                }
                if (buffer.IsEmpty) return 0;
                int wanted = (int)Math.Min(Math.Min(buffer.Length, ChunkBytes), length - _position);
                int got = RandomAccess.Read(handle, buffer[..wanted], _position);
                if (got == 0) throw Changed("shrank");
                _position += got;
                return got;
            }
            catch (IOException e) when (e is not InputFileException)
            {
                throw new InputFileException(path, InputFileProblem.Unreadable, $"the file cannot be read ({OneLine(e.Message)})", "check that it is readable", e);
            }
        }

        private InputFileException Changed(string how) => new(path, InputFileProblem.Changed,
            $"the file {how} while it was being read (it is being written, or it is a special file whose size is not its content)",
            "wait until it is complete, or copy it to an ordinary file");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) handle.Dispose();
            base.Dispose(disposing);
        }
    }
}
