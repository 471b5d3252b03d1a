using System.Runtime.InteropServices;
using Bgmm.Cli;

using var interruption = new Interruption(Console.Error);
// Ctrl-C and SIGTERM cancel the run: the current input is finished or discarded cleanly (exit 130).
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interruption.Request();
};
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interruption.Request();
});

bool interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
int code = BgmmApp.Run(args, Console.Out, Console.Error, interactive, interruption.Token);
interruption.Finish();
return code;
