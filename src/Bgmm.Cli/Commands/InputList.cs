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
                    throw new UserError($"{input}: cannot list the folder ({Input.CsvData.Describe(e)}).");
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
    /// several, to OUT/NAME/ (default ./NAME-bgmm/ each). NAME is the file name without extension, or
    /// with it when two inputs share a name.
    /// </summary>
    public static IReadOnlyList<string> OutputFolders(IReadOnlyList<string> inputs, string? outDir)
    {
        var stems = inputs.Select(Path.GetFileNameWithoutExtension).ToArray();
        var duplicated = new HashSet<string>(stems.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key!), StringComparer.Ordinal);
        var names = inputs.Select((p, i) => duplicated.Contains(stems[i]!) ? Path.GetFileName(p) : stems[i]!).ToArray();
        if (inputs.Count == 1) return [outDir ?? Path.Combine(".", names[0] + "-bgmm")];
        return [.. names.Select(n => outDir is null ? Path.Combine(".", n + "-bgmm") : Path.Combine(outDir, n))];
    }
}
