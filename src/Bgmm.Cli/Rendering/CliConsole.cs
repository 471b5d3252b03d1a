using Spectre.Console;

namespace Bgmm.Cli.Rendering;

/// <summary>How much the command says.</summary>
internal enum Verbosity
{
    Quiet,
    Normal,
    Verbose,
}

/// <summary>
/// The command's view of the terminal. Human output (tables, progress, messages) goes to
/// <see cref="Human"/>: standard output normally, standard error with <c>--json</c> (standard output
/// then carries only the JSON document). Errors always go to standard error.
/// </summary>
internal sealed class CliConsole
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;

    public CliConsole(TextWriter stdout, TextWriter stderr, bool interactive)
    {
        _stdout = stdout;
        _stderr = stderr;
        Interactive = interactive;
        StandardOutput = Create(stdout, interactive);
        StandardError = Create(stderr, interactive);
    }

    /// <summary>Whether standard output is a terminal (live progress bars only then).</summary>
    public bool Interactive { get; }

    public IAnsiConsole StandardOutput { get; }

    public IAnsiConsole StandardError { get; }

    public Verbosity Verbosity { get; set; } = Verbosity.Normal;

    /// <summary>With <c>--json</c>, human output moves to standard error.</summary>
    public bool JsonMode { get; set; }

    public IAnsiConsole Human => JsonMode ? StandardError : StandardOutput;

    public bool ShowNormal => Verbosity != Verbosity.Quiet;

    public bool ShowVerbose => Verbosity == Verbosity.Verbose;

    /// <summary>A plain line of human output (not markup).</summary>
    public void Line(string text)
    {
        if (ShowNormal) Human.WriteLine(text);
    }

    public void VerboseLine(string text)
    {
        if (ShowVerbose) Human.WriteLine(text);
    }

    public void Error(string message)
    {
        _stderr.WriteLine($"bgmm: error: {message}");
        _stderr.Flush();
    }

    public void Warning(string message)
    {
        if (ShowNormal) StandardError.WriteLine($"bgmm: warning: {message}");
    }

    /// <summary>Writes the one JSON document of <c>--json</c> to standard output.</summary>
    public void Json(string json)
    {
        _stdout.WriteLine(json);
        _stdout.Flush();
    }

    public void Flush()
    {
        _stdout.Flush();
        _stderr.Flush();
    }

    private static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!interactive) console.Profile.Width = 120;
        return console;
    }
}
