using System.Globalization;
using System.Text;
using Bgmm.Imaging;
using Bgmm.Imaging.Files;

namespace Bgmm.Cli.Input;

/// <summary>
/// The partition of <c>--init FILE</c>: one label 0..K−1 per row, from a text file (one integer per line, as
/// <c>labels.csv</c>; an optional header line) or, for images, from an 8-bit grey label image whose values are the
/// labels (bgmm's own labels.png, whose K levels are spread over 0..255, is read back as 0..K−1). Every problem is a
/// <see cref="UserError"/> naming the file and, for text, the line.
/// </summary>
internal static class PartitionFile
{
    /// <summary>A label file of more lines than an array holds cannot be a partition of a data set the fit can start from.</summary>
    private const long MaxLabels = int.MaxValue;

    /// <summary>Whether <paramref name="path"/> names a partition (a .csv or .txt label file, or a .png label image) rather than a mixture.</summary>
    public static bool IsPartition(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".txt" or ".tsv" or ".png";

    /// <summary>The labels of <paramref name="path"/> and K, the number of classes (the largest label + 1).</summary>
    public static (int[] Labels, int Components) Read(string path, CancellationToken cancellationToken)
    {
        int[] labels = Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase)
            ? ReadImage(path, cancellationToken)
            : ReadText(path, cancellationToken);
        int max = 0;
        foreach (int l in labels) max = Math.Max(max, l);
        return (labels, max + 1);
    }

    private static int[] ReadText(string path, CancellationToken cancellationToken)
    {
        using StreamReader reader = InputFiles.OpenText(path, "--init", cancellationToken);
        var labels = new List<int>();
        int lineNumber = 0;
        string? line;
        while ((line = ReadLine(reader, path, lineNumber)) is not null)
        {
            lineNumber++;
            string field = line.Trim().Trim('"');
            if (field.Length == 0) continue;
            if (!int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label))
            {
                // A first line that is not a number is a header.
                if (labels.Count == 0 && lineNumber == 1 && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
                throw new UserError($"--init {path}, line {lineNumber}: \"{Shorten(field)}\" is not a label; a partition file has one integer label 0..K−1 per line, one line per data row.");
            }
            if (label < 0) throw new UserError($"--init {path}, line {lineNumber}: label {label} is negative; labels are 0..K−1.");
            if (labels.Count == MaxLabels) throw new UserError($"--init {path}: more than {MaxLabels} labels; a partition can label at most that many rows.");
            labels.Add(label);
        }
        if (labels.Count == 0) throw new UserError($"--init {path}: the file has no labels; give one integer label 0..K−1 per line, one line per data row.");
        return [.. labels];
    }

    private static string? ReadLine(StreamReader reader, string path, int lineNumber)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (InputFileException e)
        {
            throw InputFiles.Error(e);
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException)
        {
            throw new UserError($"--init {path}, line {lineNumber + 1}: cannot read ({InputFiles.Describe(e)}).");
        }
    }

    private static int[] ReadImage(string path, CancellationToken cancellationToken)
    {
        RgbImage image;
        try
        {
            image = ImageLoader.Load(path, ImageLoader.DefaultMaxPixels, cancellationToken);
        }
        catch (ImageLoadException e)
        {
            throw new UserError($"--init {e.Message}");
        }
        if (image.BitsPerChannel != 8)
            throw new UserError($"--init {path}: a label image must be 8-bit grey; this one has {image.BitsPerChannel} bits per channel.");
        ReadOnlySpan<byte> r = image.Red8, g = image.Green8, b = image.Blue8;
        var labels = new int[r.Length];
        var present = new bool[256];
        for (int i = 0; i < labels.Length; i++)
        {
            if (r[i] != g[i] || r[i] != b[i])
                throw new UserError($"--init {path}: pixel ({i % image.Width}, {i / image.Width}) is not grey; a label image holds one grey value per pixel, the label.");
            labels[i] = r[i];
            present[r[i]] = true;
        }
        // bgmm's labels.png spreads K labels over 0..255 (LabelImage.Levels): read those levels back as 0..K−1.
        int distinct = present.Count(p => p);
        byte[] levels = distinct >= 2 ? LabelImage.Levels(distinct)[..distinct] : [0];
        if (distinct >= 2 && levels.All(v => present[v]) && levels[^1] != distinct - 1)
        {
            var index = new int[256];
            for (int k = 0; k < levels.Length; k++) index[levels[k]] = k;
            for (int i = 0; i < labels.Length; i++) labels[i] = index[labels[i]];
        }
        return labels;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..20] + "…";
}
