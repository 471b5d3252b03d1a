using System.CommandLine;
using System.CommandLine.Help;
using Bgmm.Cli.Commands;
using Bgmm.Cli.Rendering;

namespace Bgmm.Cli;

/// <summary>
/// The <c>bgmm</c> program: parses the command line, runs the command and maps every outcome to an
/// exit code (0 success, 2 bad usage or input, 130 interrupted, 1 anything unexpected). Runs
/// in-process with injected writers, so tests drive it exactly as a user would.
/// </summary>
public static class BgmmApp
{
    /// <summary>Runs <c>bgmm</c> with the given arguments and writers; returns the exit code.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="interactive">Whether standard output is a terminal (live progress bars, colours).</param>
    /// <param name="cancellationToken">Cancels the run (Ctrl-C, SIGTERM).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false,
        CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(stdout, stderr, interactive);
        Command root = BuildRoot(console, cancellationToken);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors) console.Error(error.Message);
            string command = parsed.CommandResult.Command == root ? "bgmm" : $"bgmm {parsed.CommandResult.Command.Name}";
            stderr.WriteLine($"Run '{command} --help' for usage.");
            stderr.Flush();
            return ExitCodes.BadInput;
        }
        int code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        console.Flush();
        return code;
    }

    internal static Command BuildRoot(CliConsole console, CancellationToken cancellationToken)
    {
        // A plain command named "bgmm" rather than RootCommand, whose name is the host process's
        // (it would read "Bgmm.Tests" under the test runner and in the help snapshots).
        var root = new Command("bgmm",
            "bgmm — Bayesian Gaussian mixtures by MAP-EM (normal-inverse-Wishart prior on each component, Dirichlet prior on the weights), " +
            "for colour image segmentation and any numeric data.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        // "bgmm" alone shows the overview rather than an error.
        root.SetAction(result => new HelpAction().Invoke(result));
        root.Subcommands.Add(new SegmentCommand().Build(console, cancellationToken));
        root.Subcommands.Add(new FitCommand().Build(console, cancellationToken));
        root.Subcommands.Add(new ApplyCommand().Build(console, cancellationToken));
        root.Subcommands.Add(new ToyCommand().Build(console, cancellationToken));
        root.Subcommands.Add(new DemoCommand().Build(console, cancellationToken));
        root.Subcommands.Add(new BenchCommand().Build(console, cancellationToken));
        root.Subcommands.Add(new WorkerCommand().Build(console, cancellationToken));
        StrictNumbers.ApplyTo(root);
        return root;
    }

    /// <summary>
    /// Runs a command body and turns what it throws into a message and an exit code: bad input
    /// (ours, the library's, the image loader's) exits 2 with the message alone; cancellation exits
    /// 130; anything else exits 1 without a stack trace unless <c>--verbose</c>.
    /// </summary>
    internal static int Guard(CliConsole console, CancellationToken cancellationToken, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error("interrupted; no output of the unfinished input was written.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            console.Error(e is ModelInputException { ParamName: string name } && FlagOf.TryGetValue(name, out string? flag) ? $"{flag}: {e.Message}" : e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            console.Error(console.ShowVerbose
                ? $"unexpected failure: {e}"
                : $"unexpected failure: {Clean(e.Message)} (run again with --verbose for details, and please report it).");
            return ExitCodes.Unexpected;
        }
    }

    /// <summary>The flag that sets a library parameter, where the library's message does not say it.</summary>
    private static readonly Dictionary<string, string> FlagOf = new(StringComparer.Ordinal)
    {
        ["backgroundComponents"] = "--background",
        ["labels"] = "--init",
    };

    internal static bool IsBadInput(Exception e) =>
        e is UserError or ModelInputException or Bgmm.Imaging.ImageLoadException or Bgmm.Data.DataFileException;

    private static string Clean(string message) => message.Replace("Exception", "error", StringComparison.Ordinal).TrimEnd('.');
}
