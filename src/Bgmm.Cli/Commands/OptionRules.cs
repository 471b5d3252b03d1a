using System.CommandLine;
using System.CommandLine.Parsing;

namespace Bgmm.Cli.Commands;

/// <summary>Combinations of options that cannot mean what they say, refused when the command line is parsed (exit code 2).</summary>
internal static class OptionRules
{
    /// <summary>
    /// --restarts N &gt; 1 with --init FILE: every restart would start from the same mixture and
    /// reach the same fit, so N restarts would silently be one.
    /// </summary>
    public static void RefuseRestartsWithInitFile(CommandResult result, Option<string> init, Option<int> restarts)
    {
        if (result.GetResult(restarts) is null || result.GetResult(init) is null) return;
        int count = result.GetValue(restarts);
        string? from = result.GetValue(init);
        if (count <= 1 || from is null || from.ToLowerInvariant() is "random" or "kmeans++" or "kmeanspp") return;
        result.AddError($"--restarts {count} with --init {from}: every restart would start from that file's mixture or partition and end at the same fit; " +
            "give --init FILE alone (one start), or --init random or kmeans++ with --restarts.");
    }
}
