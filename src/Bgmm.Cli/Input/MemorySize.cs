using System.Globalization;

namespace Bgmm.Cli.Input;

/// <summary>The <c>--memory SIZE</c> budget: bytes, or a number with K, M, G or T (powers of 1024; KiB, MB, … alike).</summary>
internal static class MemorySize
{
    /// <summary>The default budget: a quarter of the memory the runtime sees (the machine's, or the container's limit).</summary>
    public static long Default => Math.Max(1L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>Parses "256M", "1.5G", "1048576", "512MiB" (0 streams whatever the size); refuses anything else with a <see cref="UserError"/>.</summary>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int end = t.Length;
        while (end > 0 && char.IsLetter(t[end - 1])) end--;
        string unit = t[end..].ToUpperInvariant();
        int shift = unit switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            "T" or "TB" or "TIB" => 40,
            _ => -1,
        };
        if (shift < 0 || !double.TryParse(t[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new UserError($"--memory {text}: not a size; give bytes or a number with K, M, G or T (powers of 1024), e.g. --memory 256M or --memory 2G.");
        double bytes = value * Math.Pow(2, shift);
        return bytes >= long.MaxValue ? long.MaxValue : (long)bytes;
    }

    /// <summary>"256 MiB", "1.5 GiB": a budget as people read it.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int u = 0;
        while (value >= 1024 && u < units.Length - 1)
        {
            value /= 1024;
            u++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[u]}");
    }
}
