using System.CommandLine;
using System.Net;
using System.Runtime.CompilerServices;
using Bgmm.Cli.Rendering;
using Bgmm.Cluster;
using Bgmm.Cluster.Shards;
using Microsoft.Extensions.Hosting;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm worker</c>: an Orleans silo that computes the E-steps of the parts placed on it by
/// <c>bgmm fit PART... --cluster</c>. It runs until Ctrl-C or SIGTERM (exit 0).
/// </summary>
internal sealed class WorkerCommand
{
    private readonly Option<int> _port = new("--port") { Description = "The port other workers reach this one on.", DefaultValueFactory = _ => ClusterNames.DefaultSiloPort };
    private readonly Option<int> _gatewayPort = new("--gateway-port") { Description = "The port clients ('bgmm fit --cluster HOST:PORT') connect to.", DefaultValueFactory = _ => ClusterNames.DefaultGatewayPort };
    private readonly Option<string?> _primary = new("--primary")
    {
        Description = "HOST:PORT (the --port) of the primary worker, which holds the cluster's membership (Orleans' development clustering); omit it on the primary itself. " +
            "The primary is a single point of failure: the cluster stops with it (docs/cluster.md).",
    };
    private readonly Option<string?> _address = new("--address")
    {
        Description = "The IP address the other workers and clients reach this worker on [default: 127.0.0.1 when the primary is on this machine, otherwise this machine's first IPv4 address].",
    };
    private readonly Option<int> _threads = new("--threads") { Description = "E-step threads per part (0 = every core); results do not depend on it.", DefaultValueFactory = _ => 0 };

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("worker",
            "Run a worker of a bgmm cluster (an Orleans silo) until Ctrl-C: it computes the E-steps of the data parts that 'bgmm fit PART... --cluster HOST:GATEWAY' places on it, " +
            "reading the parts from storage every node sees. Start the primary first ('bgmm worker'), then the others with --primary HOST:PORT. " +
            "Parts are held in memory while they fit a quarter of the machine's memory, and streamed from their files otherwise. " +
            "Production membership (ADO.NET, Redis) is not built in: see docs/cluster.md.");
        command.Options.Add(_port);
        command.Options.Add(_gatewayPort);
        command.Options.Add(_primary);
        command.Options.Add(_address);
        command.Options.Add(_threads);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
            WorkerRun.Run(console, result.GetValue(_port), result.GetValue(_gatewayPort), result.GetValue(_primary), result.GetValue(_address), result.GetValue(_threads), cancellationToken)));
        return command;
    }
}

/// <summary>The worker's body, apart from the command's definition so that building the command line never loads Orleans.</summary>
internal static class WorkerRun
{
    /// <summary>How long a worker may take to start and join its primary.</summary>
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Run(CliConsole console, int port, int gatewayPort, string? primaryText, string? addressText, int threads, CancellationToken cancellationToken)
    {
        CheckPort(port, "--port");
        CheckPort(gatewayPort, "--gateway-port");
        if (port == gatewayPort) throw new UserError($"--port and --gateway-port are both {port}: give two different ports.");
        if (threads < 0) throw new UserError($"--threads = {threads}: it must be ≥ 0 (0 = every core).");
        IPEndPoint? primary = primaryText is null ? null : Parse(() => ClusterNames.ParseEndpoint(primaryText, "--primary"));
        IPAddress address = Address(addressText, primary);

        var settings = new WorkerSettings(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, threads, line => console.Line($"worker {address}:{port}: {line}"));
        using IHost host = WorkerHost.Build(new WorkerEndpoints(port, gatewayPort, address, primary), settings);
        try
        {
            host.StartAsync(cancellationToken).WaitAsync(JoinTimeout, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string what = primary is null
                ? $"could not start on port {port} (gateway {gatewayPort})"
                : $"could not join the primary at {primaryText}";
            throw new UserError($"worker: {what}: {Describe(e)}. Check that the ports are free (--port, --gateway-port)" +
                (primary is null ? "." : " and that the primary runs ('bgmm worker' on that machine) and is reachable from here."));
        }
        console.Line($"worker {address}:{port} is up: gateway port {gatewayPort}, {(primary is null ? "primary of its cluster" : $"joined the primary {primaryText}")}. Ctrl-C stops it.");
        console.Flush();
        try
        {
            host.WaitForShutdownAsync(cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM: the worker's normal end.
        }
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            host.StopAsync(stopping.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Took too long to leave the cluster gracefully: the others will notice it is gone.
        }
        console.Line($"worker {address}:{port} stopped.");
        return ExitCodes.Success;
    }

    private static void CheckPort(int port, string option)
    {
        if (port is < 1 or > 65535) throw new UserError($"{option} {port}: give a port between 1 and 65535.");
    }

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static IPAddress Address(string? text, IPEndPoint? primary)
    {
        if (text is not null)
        {
            return IPAddress.TryParse(text, out IPAddress? given)
                ? given
                : throw new UserError($"--address {text}: give an IP address of this machine that the other workers can reach (e.g. 192.0.2.10).");
        }
        if (primary is null || IPAddress.IsLoopback(primary.Address)) return IPAddress.Loopback;
        IPAddress? found = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return found ?? throw new UserError("this machine has no IPv4 address other than loopback: give --address.");
    }

    private static string Describe(Exception e)
    {
        Exception inner = e;
        while (inner.InnerException is not null && inner is AggregateException) inner = inner.InnerException;
        return inner.Message.ReplaceLineEndings(" ").Split(". ")[0].TrimEnd('.');
    }
}
