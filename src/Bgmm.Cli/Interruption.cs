using Bgmm.Cli.Output;

namespace Bgmm.Cli;

/// <summary>
/// Ctrl-C and SIGTERM for the real process: the first request cancels the run, which then stops
/// cleanly at its next check (between EM iterations, output files, pieces of a file read, rows
/// decoded) and exits 130. If it has not stopped within <see cref="GracePeriod"/> (a step that
/// cannot be interrupted, such as one long EM iteration over a huge image), or at a second request,
/// the process deletes its unfinished outputs and exits 130 at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>How long a cancelled run may take to stop on its own.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _stderr;
    private Timer? _timer;
    private int _requests, _finished;

    public Interruption(TextWriter stderr) => _stderr = stderr;

    public CancellationToken Token => _source.Token;

    /// <summary>A Ctrl-C or SIGTERM.</summary>
    public void Request()
    {
        if (Interlocked.Increment(ref _requests) == 1)
        {
            _timer = new Timer(_ => ForceExit(), null, GracePeriod, Timeout.InfiniteTimeSpan);
            _source.Cancel();
        }
        else
        {
            ForceExit();
        }
    }

    /// <summary>The run returned: from now on the process ends with the run's own exit code.</summary>
    public void Finish() => Interlocked.Exchange(ref _finished, 1);

    private void ForceExit()
    {
        if (Volatile.Read(ref _finished) == 1) return;
        OutputSet.AbandonAll();
        try
        {
            _stderr.WriteLine("bgmm: error: interrupted; stopped in the middle of an input, none of whose outputs were written.");
            _stderr.Flush();
        }
        catch (IOException)
        {
            // Standard error is gone; the exit code still says what happened.
        }
        Environment.Exit(ExitCodes.Interrupted);
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _source.Dispose();
    }
}
