namespace Bgmm.Cli.Commands;

/// <summary>
/// Expands the command line's inputs (files and folders) into the list of images to process, and
/// decides each one's output folder.
/// </summary>
internal static class InputList
{
    /// <summary>Extensions a folder is scanned for (case-insensitive).</summary>
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    /// <summary>
    /// Rejects tokens that look like options but were taken as inputs (an unknown option or a typo
    /// such as <c>--tolerance</c>): a parse error, unless a file of that name really exists.
    /// </summary>
    public static void RejectUnknownOptions(System.CommandLine.Argument argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (System.CommandLine.Parsing.Token token in result.Tokens)
            {
                if (token.Value.StartsWith('-') && token.Value.Length > 1 && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                    result.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
    }

    /// <summary>
    /// Files stay as given (even with another extension: the decoder decides); a folder contributes its
    /// images (not recursive), sorted by name. A path that does not exist is kept, so that it is
    /// reported as a failed input while the others still run.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        var result = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                string[] images;
                try
                {
                    images = [.. Directory.EnumerateFiles(input)
                        .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                        .Order(StringComparer.Ordinal)];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserError($"{input}: cannot list the folder ({Input.InputFiles.Describe(e)}).");
                }
                if (images.Length == 0)
                    throw new UserError($"{input}: the folder holds no images ({string.Join(", ", ImageExtensions)}).");
                result.AddRange(images);
            }
            else
            {
                result.Add(input);
            }
        }
        if (result.Count == 0) throw new UserError("no input given; name one or more images or folders.");
        return result;
    }

    /// <summary>
    /// With one input its outputs go to <paramref name="outDir"/> itself (default ./NAME-bgmm/); with
    /// several, to OUT/NAME/ (default ./NAME-bgmm/ each). NAME is the file name without its
    /// extension; the whole file name when that is empty or only dots (<c>.png</c>, <c>..png</c>,
    /// <c>...png</c>: a NAME may never be the output folder or its parent) or when two inputs share
    /// it; and when inputs share even the whole file name (x.png from two folders), NAME-1, NAME-2, …
    /// in the order the inputs are listed. Names are compared ignoring case, as a case-insensitive
    /// file system would.
    /// </summary>
    /// <exception cref="UserError"><paramref name="outDir"/> is empty or blank, or two names still collide.</exception>
    public static IReadOnlyList<string> OutputFolders(IReadOnlyList<string> inputs, string? outDir)
    {
        if (outDir is not null) Output.OutputSet.CheckFolderName(outDir);
        string[] names = OutputNames(inputs);
        if (inputs.Count == 1) return [outDir ?? Path.Combine(".", names[0] + "-bgmm")];
        return [.. names.Select(n => outDir is null ? Path.Combine(".", n + "-bgmm") : Path.Combine(outDir, n))];
    }

    /// <summary>Each input's NAME (see <see cref="OutputFolders"/>), distinct from every other.</summary>
    internal static string[] OutputNames(IReadOnlyList<string> inputs)
    {
        StringComparer same = StringComparer.OrdinalIgnoreCase;
        // A path with no file name ("" or "dir/") cannot be read either; it still gets a folder name, so that the batch runs.
        string[] files = [.. inputs.Select(p => Path.GetFileName(Path.TrimEndingDirectorySeparator(p)) is { } f && f.Trim('.').Length > 0 ? f : "input")];
        string[] names = [.. files.Select(f => Path.GetFileNameWithoutExtension(f) is { } stem && stem.Trim('.').Length > 0 ? stem : f)];
        HashSet<string> shared = Shared(names, same);
        for (int i = 0; i < names.Length; i++)
        {
            if (shared.Contains(names[i])) names[i] = files[i];
        }
        shared = Shared(names, same);
        var counters = new Dictionary<string, int>(same);
        for (int i = 0; i < names.Length; i++)
        {
            if (!shared.Contains(names[i])) continue;
            int n = counters[names[i]] = counters.GetValueOrDefault(names[i]) + 1;
            names[i] = $"{names[i]}-{n}";
        }
        for (int i = 0; i < names.Length; i++)
        {
            int other = Array.FindIndex(names, i + 1, n => same.Equals(n, names[i]));
            if (other >= 0)
            {
                throw new UserError($"{inputs[i]} and {inputs[other]} would both write to an output folder named {names[i]}; " +
                    "rename one of them, or run them separately with different -o folders.");
            }
        }
        return names;
    }

    private static HashSet<string> Shared(string[] names, StringComparer comparer) =>
        new(names.GroupBy(n => n, comparer).Where(g => g.Count() > 1).Select(g => g.Key), comparer);
}
