using System.Globalization;
using System.Text;

namespace Bgmm.Data.Npy;

/// <summary>
/// Parses the Python literals a .npy header is made of: dictionaries with string keys, strings in
/// single or double quotes, integers, True, False, None, tuples and lists. Dictionaries become
/// <c>Dictionary&lt;string, object?&gt;</c>, tuples and lists <c>List&lt;object?&gt;</c>,
/// integers <see cref="long"/>, booleans <see cref="bool"/>, None null.
/// </summary>
internal sealed class PythonLiteral
{
    private const int MaxDepth = 16;

    private readonly string _text;
    private int _at;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Parses one literal that makes up the whole of <paramref name="text"/> (surrounding blanks allowed).</summary>
    /// <exception cref="FormatException">The text is not such a literal; the message says where.</exception>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        object? value = parser.Value(0);
        parser.SkipBlanks();
        if (parser._at != text.Length) throw parser.Error("unexpected text after the value");
        return value;
    }

    private object? Value(int depth)
    {
        if (depth > MaxDepth) throw Error("values nested too deeply");
        SkipBlanks();
        if (_at >= _text.Length) throw Error("the text ends where a value should be");
        char c = _text[_at];
        switch (c)
        {
            case '{':
                _at++;
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (object? key in Items('}', depth))
                {
                    if (key is not string k) throw Error("a dictionary key is not a string");
                    SkipBlanks();
                    Expect(':');
                    if (!dictionary.TryAdd(k, Value(depth + 1))) throw Error($"the key '{k}' appears twice");
                }
                return dictionary;
            case '(':
                _at++;
                return Items(')', depth).ToList();
            case '[':
                _at++;
                return Items(']', depth).ToList();
            case '\'' or '"':
                return String(c);
            case >= '0' and <= '9' or '-' or '+':
                return Integer();
            default:
                if (TryWord("True")) return true;
                if (TryWord("False")) return false;
                if (TryWord("None")) return null;
                throw Error($"unexpected character '{c}'");
        }
    }

    /// <summary>The comma-separated values up to <paramref name="close"/> (a trailing comma allowed); for dictionaries, the keys.</summary>
    private IEnumerable<object?> Items(char close, int depth)
    {
        while (true)
        {
            SkipBlanks();
            if (_at < _text.Length && _text[_at] == close)
            {
                _at++;
                yield break;
            }
            yield return Value(depth + 1);
            SkipBlanks();
            if (_at < _text.Length && _text[_at] == ',')
            {
                _at++;
                continue;
            }
            Expect(close);
            yield break;
        }
    }

    private string String(char quote)
    {
        _at++;
        var sb = new StringBuilder();
        while (_at < _text.Length && _text[_at] != quote)
        {
            char c = _text[_at++];
            if (c == '\\')
            {
                if (_at >= _text.Length) break;
                c = _text[_at++];
            }
            sb.Append(c);
        }
        Expect(quote);
        return sb.ToString();
    }

    private long Integer()
    {
        int start = _at;
        if (_text[_at] is '-' or '+') _at++;
        while (_at < _text.Length && char.IsAsciiDigit(_text[_at])) _at++;
        if (!long.TryParse(_text.AsSpan(start, _at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw Error("a number is not an integer that fits in 64 bits");
        if (_at < _text.Length && _text[_at] is 'L' or 'l') _at++; // Python 2 long suffix, as old NumPy wrote it
        return value;
    }

    private bool TryWord(string word)
    {
        if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0) return false;
        _at += word.Length;
        return true;
    }

    private void Expect(char c)
    {
        if (_at >= _text.Length || _text[_at] != c) throw Error($"'{c}' expected");
        _at++;
    }

    private void SkipBlanks()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
    }

    private FormatException Error(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{what} at character {_at + 1}"));
}
