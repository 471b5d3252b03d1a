using System.Globalization;
using System.Text;

namespace Bgmm.Data.Csv;

/// <summary>
/// Reads the rows of a CSV of numbers one at a time, by the command line's rules: one point per row,
/// D = the number of fields of the first row; an optional header row (a first row with a field that is
/// not a number); comma, semicolon or tab separated (the most frequent in the first row); fields
/// optionally in double quotes (a doubled quote inside stands for one), blanks around fields ignored;
/// invariant culture ('.' decimal point, exponents allowed); blank lines and byte-order marks ignored.
/// Every problem is a <see cref="DataFileException"/> naming the line and column.
/// </summary>
internal sealed class CsvRows
{
    private static readonly char[] Separators = [',', ';', '\t'];

    private readonly TextReader _reader;
    private readonly List<(int Start, int Length)> _fields = [];
    private char[] _text = new char[256];
    private char _separator = ',';
    private int _lineNumber;

    /// <param name="reader">The text, from its start.</param>
    /// <param name="name">How messages name the file.</param>
    public CsvRows(TextReader reader, string name)
    {
        _reader = reader;
        Name = name;
    }

    /// <summary>How messages name the file.</summary>
    public string Name { get; }

    /// <summary>The header's fields, if the first row was a header.</summary>
    public string[]? Header { get; private set; }

    /// <summary>The values of the last row read (length D once a row or the header has been read).</summary>
    public double[] Values { get; private set; } = [];

    /// <summary>Data rows read so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Reads the next data row into <see cref="Values"/>; false at the end of the file.</summary>
    /// <exception cref="DataFileException">A row is malformed or holds a field that is not a finite number; or the file has no data row.</exception>
    public bool Next()
    {
        string? line;
        while ((line = ReadLine()) is not null)
        {
            _lineNumber++;
            if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (Values.Length == 0)
            {
                _separator = DetectSeparator(line);
                Split(line);
                Values = new double[_fields.Count];
                if (!AllNumeric())
                {
                    Header = [.. _fields.Select(f => new string(_text, f.Start, f.Length))];
                    continue;
                }
            }
            else
            {
                Split(line);
            }
            if (_fields.Count != Values.Length)
                throw Error($"{Name}, line {_lineNumber}: {_fields.Count} field{(_fields.Count == 1 ? "" : "s")} where the first row has {Values.Length}; every row must have the same number of columns.");
            for (int j = 0; j < _fields.Count; j++) Values[j] = ParseNumber(Field(j), j + 1);
            Rows++;
            return true;
        }
        if (Rows == 0)
        {
            throw Error(Header is null
                ? $"{Name}: the file is empty; give one point per row, numbers separated by commas."
                : $"{Name}: the file has a header but no data rows; give one point per row below the header.");
        }
        return false;
    }

    private string? ReadLine()
    {
        try
        {
            return _reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException)
        {
            throw new DataFileException(Name, $"{Name}, line {_lineNumber + 1}: cannot read ({Describe(e)}).", e);
        }
    }

    private static char DetectSeparator(string line)
    {
        char best = ',';
        int bestCount = 0;
        foreach (char c in Separators)
        {
            int count = line.AsSpan().Count(c);
            if (count > bestCount)
            {
                best = c;
                bestCount = count;
            }
        }
        return best;
    }

    /// <summary>
    /// Cuts the line into fields (unquoted, trimmed) kept in <c>_text</c>: a quote opens a quoted field
    /// only where the field holds nothing but blanks so far (which it drops), and only once per field.
    /// </summary>
    private void Split(string line)
    {
        _fields.Clear();
        if (_text.Length < line.Length) _text = new char[Math.Max(line.Length, 2 * _text.Length)];
        int start = 0, at = 0;
        bool quoted = false, wasQuoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    _text[at++] = c;
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    _text[at++] = '"';
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && !wasQuoted && _text.AsSpan(start, at - start).IsWhiteSpace())
            {
                quoted = true;
                wasQuoted = true;
                at = start;
            }
            else if (c == _separator)
            {
                AddField(start, at);
                start = at;
                wasQuoted = false;
            }
            else
            {
                _text[at++] = c;
            }
        }
        if (quoted) throw Error($"{Name}, line {_lineNumber}: a quoted field is not closed; add the missing '\"'.");
        AddField(start, at);
    }

    private void AddField(int start, int end)
    {
        ReadOnlySpan<char> field = _text.AsSpan(start, end - start);
        int lead = field.Length - field.TrimStart().Length;
        _fields.Add((start + lead, field.Trim().Length));
    }

    private ReadOnlySpan<char> Field(int j) => _text.AsSpan(_fields[j].Start, _fields[j].Length);

    private bool AllNumeric()
    {
        for (int j = 0; j < _fields.Count; j++)
        {
            ReadOnlySpan<char> f = Field(j);
            if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !IsNonFiniteWord(f)) return false;
        }
        return true;
    }

    /// <summary>nan, inf, infinity or ∞, in any case, signed or not.</summary>
    private static bool IsNonFiniteWord(ReadOnlySpan<char> field)
    {
        ReadOnlySpan<char> word = field.Trim().TrimStart("+-");
        // Lower-casing keeps the length: only words of 1, 3 or 8 characters can match.
        if (word.Length is not (1 or 3 or 8)) return false;
        return new string(word).ToLowerInvariant() is "nan" or "inf" or "infinity" or "∞";
    }

    private double ParseNumber(ReadOnlySpan<char> field, int column)
    {
        if (IsNonFiniteWord(field))
            throw Error($"{Name}, line {_lineNumber}, column {column}: \"{Shorten(field)}\" is not a finite number; remove or impute missing and infinite values.");
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw Error(field.Length == 0
                ? $"{Name}, line {_lineNumber}, column {column}: the field is empty; every field must be a number."
                : $"{Name}, line {_lineNumber}, column {column}: \"{Shorten(field)}\" is not a number (use '.' as the decimal point).");
        }
        if (!double.IsFinite(v))
            throw Error($"{Name}, line {_lineNumber}, column {column}: \"{Shorten(field)}\" is too large for a double (|x| > 1.8e308); rescale the data.");
        return v;
    }

    private static string Shorten(ReadOnlySpan<char> s) =>
        s.Length <= 40 ? new string(s) : string.Concat(s[..20], "…", s[^10..]) + $" ({s.Length} characters)";

    private DataFileException Error(string message) => new(Name, message);

    /// <summary>A short description of a read error, as the command line words it.</summary>
    internal static string Describe(Exception e) => e switch
    {
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "folder not found",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.TrimEnd('.'),
    };
}
