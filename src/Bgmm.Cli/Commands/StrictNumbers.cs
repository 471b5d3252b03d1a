using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Bgmm.Cli.Commands;

/// <summary>
/// Numbers on the command line mean one thing only: digits, an optional sign, '.' as the decimal
/// point and an optional exponent — in any locale. A comma, a group separator, an underscore, a
/// space or a word is refused (exit code 2) with a message saying how to write the number, rather
/// than read as something else (System.CommandLine's own parsers accept "0,5" as 5 and " 3" as 3).
/// </summary>
internal static class StrictNumbers
{
    private const NumberStyles Real = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
    private const NumberStyles Whole = NumberStyles.AllowLeadingSign;

    /// <summary>
    /// Gives every numeric option of <paramref name="command"/> and its subcommands the strict
    /// parser, and checks -k/--components (a whole number, a range a..b, or auto).
    /// </summary>
    public static void ApplyTo(Command command)
    {
        foreach (Option option in command.Options)
        {
            switch (option)
            {
                case Option<double> o: o.CustomParser = r => Parse(r, ParseReal); break;
                case Option<double?> o: o.CustomParser = r => Parse(r, ParseReal); break;
                case Option<int> o: o.CustomParser = r => Parse(r, ParseWhole<int>); break;
                case Option<int?> o: o.CustomParser = r => Parse(r, ParseWhole<int>); break;
                case Option<long> o: o.CustomParser = r => Parse(r, ParseWhole<long>); break;
                case Option<ulong> o: o.CustomParser = r => Parse(r, ParseWhole<ulong>); break;
                case Option<string> { Name: "--components" } o: o.Validators.Add(CheckComponents); break;
            }
        }
        foreach (Command sub in command.Subcommands) ApplyTo(sub);
    }

    private static T Parse<T>(ArgumentResult result, Func<string, string, (T Value, string? Error)> parse)
    {
        if (result.Tokens.Count != 1) return default!;
        string option = (result.Parent as OptionResult)?.Option.Name ?? "the option";
        (T value, string? error) = parse(result.Tokens[0].Value, option);
        if (error is not null) result.AddError(error);
        return value;
    }

    internal static (double Value, string? Error) ParseReal(string text, string option)
    {
        if (double.TryParse(text, Real, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)) return (value, null);
        return (0, double.TryParse(text, Real, CultureInfo.InvariantCulture, out _)
            ? $"{option}: \"{text}\" is not a finite number; give a finite number, e.g. {option} 0.5."
            : $"{option}: \"{text}\" is not a number; write it with '.' as the decimal point and no thousands separators, e.g. {option} 0.5 or {option} 1e-6.");
    }

    internal static (T Value, string? Error) ParseWhole<T>(string text, string option) where T : struct, IBinaryInteger<T>
    {
        if (T.TryParse(text, Whole, CultureInfo.InvariantCulture, out T value)) return (value, null);
        string why = IsDigits(text.TrimStart('-', '+')) ? "is out of range" : "is not a whole number";
        return (default, $"{option}: \"{text}\" {why}; write it with digits only (no separators), e.g. {option} 5.");
    }

    private static void CheckComponents(OptionResult result)
    {
        if (result.Tokens.Count != 1) return;
        string text = result.Tokens[0].Value;
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase) || IsDigits(text)) return;
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots > 0 && IsDigits(text[..dots]) && IsDigits(text[(dots + 2)..])) return;
        result.AddError($"-k/--components: \"{text}\" is not a number of components; give a whole number K ≥ 1 (e.g. -k 3), a range a..b (e.g. -k 1..6) or -k auto.");
    }

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}
