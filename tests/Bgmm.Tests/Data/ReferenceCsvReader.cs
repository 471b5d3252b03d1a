using System.Globalization;
using System.Text;

namespace Bgmm.Tests.Data;

/// <summary>
/// The reference for <see cref="Bgmm.Data.CsvTable"/>: the command line's own CSV reader before CsvTable replaced
/// it (a line-by-line reader that builds lists), kept here so that the rules and every message stay what they were.
/// Reads a CSV of numbers: one point per row, D = number of columns; an optional header row; comma,
/// semicolon or tab separated (detected from the first row); fields optionally in double quotes;
/// invariant culture ('.' decimal point, exponents allowed) whatever the machine's locale; blank lines
/// and a UTF-8 byte-order mark ignored. Every problem is a <see cref="ReferenceCsvError"/> naming the line and
/// column.
/// </summary>
internal static class ReferenceCsvReader
{
    private static readonly char[] Separators = [',', ';', '\t'];

    /// <summary>The parsed columns and, if the file had one, its header.</summary>
    public sealed record Table(double[][] Columns, int Rows, string[]? Header);

    public static Table Read(TextReader reader, string name)
    {
        List<double>[]? columns = null;
        string[]? header = null;
        char separator = ',';
        int lineNumber = 0, rows = 0;
        var fields = new List<string>();
        string? line;
        while ((line = ReadLine(reader, name, lineNumber)) is not null)
        {
            lineNumber++;
            if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (columns is null)
            {
                separator = DetectSeparator(line);
                Split(line, separator, fields, name, lineNumber);
                columns = new List<double>[fields.Count];
                for (int j = 0; j < fields.Count; j++) columns[j] = [];
                if (fields.Exists(f => !LooksNumeric(f)))
                {
                    header = [.. fields];
                    continue;
                }
            }
            else
            {
                Split(line, separator, fields, name, lineNumber);
            }
            if (fields.Count != columns.Length)
            {
                throw new ReferenceCsvError($"{name}, line {lineNumber}: {fields.Count} field{(fields.Count == 1 ? "" : "s")} where the first row has {columns.Length}; every row must have the same number of columns.");
            }
            for (int j = 0; j < fields.Count; j++) columns[j].Add(ParseNumber(fields[j], name, lineNumber, j + 1));
            rows++;
        }
        if (columns is null || rows == 0)
        {
            throw new ReferenceCsvError(header is null
                ? $"{name}: the file is empty; give one point per row, numbers separated by commas."
                : $"{name}: the file has a header but no data rows; give one point per row below the header.");
        }
        return new Table([.. columns.Select(c => c.ToArray())], rows, header);
    }

    private static string? ReadLine(TextReader reader, string name, int lineNumber)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException)
        {
            throw new ReferenceCsvError($"{name}, line {lineNumber + 1}: cannot read ({Describe(e)}).");
        }
    }

    private static char DetectSeparator(string line)
    {
        char best = ',';
        int bestCount = 0;
        foreach (char c in Separators)
        {
            int count = line.Count(ch => ch == c);
            if (count > bestCount)
            {
                best = c;
                bestCount = count;
            }
        }
        return best;
    }

    private static void Split(string line, char separator, List<string> fields, string name, int lineNumber)
    {
        fields.Clear();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.ToString().Trim().Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
                field.Clear();
            }
            else if (c == separator)
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
                wasQuoted = false;
            }
            else
            {
                field.Append(c);
            }
        }
        if (quoted) throw new ReferenceCsvError($"{name}, line {lineNumber}: a quoted field is not closed; add the missing '\"'.");
        fields.Add(field.ToString().Trim());
    }

    private static bool LooksNumeric(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || IsNonFiniteWord(field);

    private static bool IsNonFiniteWord(string field)
    {
        string f = field.Trim().TrimStart('+', '-').ToLowerInvariant();
        return f is "nan" or "inf" or "infinity" or "∞";
    }

    private static double ParseNumber(string field, string name, int line, int column)
    {
        if (IsNonFiniteWord(field))
            throw new ReferenceCsvError($"{name}, line {line}, column {column}: \"{Shorten(field)}\" is not a finite number; remove or impute missing and infinite values.");
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new ReferenceCsvError(field.Length == 0
                ? $"{name}, line {line}, column {column}: the field is empty; every field must be a number."
                : $"{name}, line {line}, column {column}: \"{Shorten(field)}\" is not a number (use '.' as the decimal point).");
        }
        if (!double.IsFinite(v))
            throw new ReferenceCsvError($"{name}, line {line}, column {column}: \"{Shorten(field)}\" is too large for a double (|x| > 1.8e308); rescale the data.");
        return v;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..20] + "…" + s[^10..] + $" ({s.Length} characters)";

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "folder not found",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.TrimEnd('.'),
    };
}

/// <summary>A file the reference reader refuses, with its message.</summary>
internal sealed class ReferenceCsvError(string message) : Exception(message);
