namespace Bgmm.Cli;

/// <summary>
/// Bad usage or bad input detected by the command line (exit code 2). The message is shown to the
/// user as it is: one or two lines naming the problem and saying what to do.
/// </summary>
internal sealed class UserError(string message) : Exception(message);

/// <summary>The process exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;
}
