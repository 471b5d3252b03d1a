using System.Runtime.InteropServices;
using Bgmm.Cli;

using var cancellation = new CancellationTokenSource();
// Ctrl-C and SIGTERM cancel the run: the current input is finished or discarded cleanly (exit 130).
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

bool interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
return BgmmApp.Run(args, Console.Out, Console.Error, interactive, cancellation.Token);
