using System.Globalization;

namespace Bgmm.Cli.Commands;

/// <summary>What <c>-k</c> accepts: one K, a range a..b, or auto.</summary>
internal static class ComponentCandidates
{
    /// <summary>The default range of <c>-k auto</c>: 1..6.</summary>
    public const int AutoMaximum = 6;

    /// <summary>
    /// Parses "auto" (1..<see cref="AutoMaximum"/>), a range "a..b", or a single K; the candidates are
    /// capped at <paramref name="distinctCap"/> (the number of distinct points). Returns null for a
    /// single K (no selection).
    /// </summary>
    public static int[]? Parse(string text, long distinctCap)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int low, high;
        if (t.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            (low, high) = (1, AutoMaximum);
        }
        else if (t.Contains("..", StringComparison.Ordinal))
        {
            string[] parts = t.Split("..");
            if (parts.Length != 2 || !TryK(parts[0], out low) || !TryK(parts[1], out high) || low > high)
                throw new UserError($"-k/--components: \"{text}\" is not a range of K: write it as a..b with 1 ≤ a ≤ b, e.g. 1..6.");
        }
        else if (TryK(t, out int single))
        {
            return single < 1 ? throw new UserError($"K = {single}: the number of components must be ≥ 1.") : null;
        }
        else
        {
            throw new UserError($"\"{text}\" is not a number of components: give K (e.g. 3), a range (e.g. 1..6) or auto.");
        }
        if (low < 1) throw new UserError($"the range {text} starts below 1: K must be ≥ 1.");
        long cappedHigh = Math.Min(high, Math.Max(1, distinctCap));
        return [.. Enumerable.Range(low, (int)Math.Max(1, cappedHigh - low + 1))];
    }

    private static bool TryK(string s, out int k) => int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out k);
}
