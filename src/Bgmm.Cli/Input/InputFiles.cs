using System.Collections.Concurrent;
using System.Text;
using Bgmm.Imaging.Files;

namespace Bgmm.Cli.Input;

/// <summary>
/// The command line's text inputs (a CSV, a JSON prior, mixture or model), read as the images are:
/// regular files only, opened without blocking, bounded in size, interruptible. Every problem is a
/// <see cref="UserError"/> naming the file.
/// </summary>
internal static class InputFiles
{
    /// <summary>A prior or mixture file is a few kilobytes of JSON; anything past this is not one.</summary>
    public const long MaxJsonBytes = 64L << 20;

    /// <summary>
    /// The JSON files this process has read (--prior, --init), by device, inode, size and
    /// modification time (the last two so that an inode reused by a later file does not count):
    /// outputs may not replace them.
    /// </summary>
    private static readonly ConcurrentDictionary<(ulong Device, ulong Inode, long Size, long Modified), bool> ReadJsonFiles = new();

    /// <summary>Whether <paramref name="node"/> is a --prior or --init file this process has read.</summary>
    public static bool WasReadAsJson(FileNode node) => node.Inode != 0 && ReadJsonFiles.ContainsKey(Key(node));

    private static (ulong, ulong, long, long) Key(FileNode node) => (node.Device, node.Inode, node.Size, node.ModifiedTicks);

    /// <summary>Reads a JSON file given with <paramref name="option"/> (--prior, --init, or the model of apply).</summary>
    public static string ReadJson(string path, string option, CancellationToken cancellationToken = default)
    {
        try
        {
            using Stream stream = InputFile.OpenRead(path, MaxJsonBytes, cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            string text = reader.ReadToEnd();
            if (FileNode.Of(path, followLinks: true) is { Inode: not 0 } node) ReadJsonFiles.TryAdd(Key(node), true);
            return text;
        }
        catch (InputFileException e) when (e.Problem == InputFileProblem.TooLarge)
        {
            throw new UserError($"{option} {path}: {e.Message}; a prior or mixture file is a few kilobytes of JSON (a result.json works).");
        }
        catch (InputFileException e)
        {
            throw new UserError($"{option} {path}: cannot read the file: {e.Message}; {e.Advice} (a JSON file is expected; a result.json works).");
        }
    }

    /// <summary>Opens a text file (a CSV, a label file) for reading as UTF-8 (a byte-order mark is honoured).</summary>
    /// <param name="path">The file.</param>
    /// <param name="option">The option that named it (e.g. --init), or null for a command's input.</param>
    /// <param name="cancellationToken">Stops a read.</param>
    public static StreamReader OpenText(string path, string? option, CancellationToken cancellationToken)
    {
        try
        {
            return new StreamReader(InputFile.OpenRead(path, long.MaxValue, cancellationToken), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        }
        catch (InputFileException e)
        {
            throw Error(e, option);
        }
    }

    /// <summary>
    /// Refuses <paramref name="path"/> unless it is a regular file that exists (a FIFO or a device would block or
    /// never end), before a reader that opens it by name (.npy, Parquet) does.
    /// </summary>
    public static void RequireRegularFile(string path)
    {
        FileNode? found;
        try
        {
            found = FileNode.Of(path, followLinks: true);
        }
        catch (IOException e)
        {
            throw new UserError($"{path}: cannot read the file ({Describe(e)}); check the path and permissions.");
        }
        if (found is not FileNode node) throw new UserError($"{path}: file not found; check the path.");
        if (node.Kind == FileKind.Directory) throw new UserError($"{path}: is a folder; give the path of a data file.");
        if (InputFile.DescribeIrregular(node.Kind) is string what)
            throw new UserError($"{path}: this is {what}, not a regular file (bgmm reads only regular files); save the data to a file and give its path.");
    }

    /// <summary>The user-facing error for a file that cannot be read.</summary>
    public static UserError Error(InputFileException e, string? option = null) =>
        new($"{(option is null ? "" : option + " ")}{e.FilePath}: cannot read the file: {e.Message}; {e.Advice}.");

    /// <summary>A short description of a file-system error: "file not found", "permission denied", or the system's message.</summary>
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "folder not found",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.TrimEnd('.'),
    };
}
