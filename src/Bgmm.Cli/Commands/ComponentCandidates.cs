using System.Globalization;

namespace Bgmm.Cli.Commands;

/// <summary>What <c>-k</c> accepts: one K, a range a..b, or auto.</summary>
internal static class ComponentCandidates
{
    /// <summary>The default range of <c>-k auto</c>: 1..6.</summary>
    public const int AutoMaximum = 6;

    /// <summary>
    /// Parses K (one value: no choice), a range "a..b", or "auto" (1..<see cref="AutoMaximum"/>); a range or
    /// auto is later capped at the number of distinct points (<see cref="Cap"/>).
    /// </summary>
    public static (int[] Counts, bool Select) Parse(string text)
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
            return single < 1 ? throw new UserError($"-k/--components: K = {single}: the number of components must be ≥ 1.") : ([single], false);
        }
        else
        {
            throw new UserError($"-k/--components: \"{text}\" is not a number of components: give K (e.g. 3), a range (e.g. 1..6) or auto.");
        }
        if (low < 1) throw new UserError($"-k/--components: the range {text} starts below 1: K must be ≥ 1.");
        return ([.. Enumerable.Range(low, high - low + 1)], true);
    }

    /// <summary>The candidates that a data set of (at least) <paramref name="distinct"/> distinct points can be fitted with (at least the smallest).</summary>
    public static int[] Cap(IReadOnlyList<int> counts, long distinct)
    {
        int[] kept = [.. counts.Where(k => k <= distinct)];
        return kept.Length > 0 ? kept : [counts.Min()];
    }

    private static bool TryK(string s, out int k) => int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out k);
}
