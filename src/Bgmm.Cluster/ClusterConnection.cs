using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Bgmm.Cluster;

/// <summary>
/// A client's connection to a cluster of bgmm workers, through one or more of their gateways (Orleans'
/// static gateway list: the client talks to the gateways it is given, and they reach every worker).
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable, IDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, string name)
    {
        _host = host;
        Name = name;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>How the cluster is named in messages (the gateways as given).</summary>
    public string Name { get; }

    /// <summary>The Orleans client.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects to the cluster through <paramref name="gateways"/>.</summary>
    /// <param name="gateways">≥ 1 gateway endpoints (a worker's --gateway-port).</param>
    /// <param name="name">How messages name the cluster (e.g. "localhost:30000").</param>
    /// <param name="cancellationToken">Stops the connecting.</param>
    /// <exception cref="ClusterUnavailableException">No gateway answers: the message says what to do.</exception>
    public static async Task<ClusterConnection> ConnectAsync(IReadOnlyList<IPEndPoint> gateways, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        if (gateways.Count == 0) throw new ArgumentException("give at least one gateway.", nameof(gateways));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. gateways]);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterNames.ClusterId;
                o.ServiceId = ClusterNames.ClusterId;
            });
            // A shard's pass over a large part may take long; a lost worker is detected by polling the
            // cluster's membership (ShardCalls), not by a response timeout.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(12));
        });
        await RequireListening(gateways, name, cancellationToken).ConfigureAwait(false);
        IHost host = builder.Build();
        using var start = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // Orleans' client keeps trying a gateway that accepts connections but does not answer: bounded here.
            await host.StartAsync(start.Token).WaitAsync(ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or System.Net.Sockets.SocketException or IOException)
        {
            await start.CancelAsync().ConfigureAwait(false);
            await StopQuietly(host).ConfigureAwait(false);
            throw Unreachable(name, e.Message);
        }
        catch
        {
            await start.CancelAsync().ConfigureAwait(false);
            await StopQuietly(host).ConfigureAwait(false);
            throw;
        }
        return new ClusterConnection(host, name);
    }

    /// <summary>How long connecting to a gateway that accepts connections may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Disconnects.</summary>
    public ValueTask DisposeAsync() => new(StopQuietly(_host));

    /// <summary>Fails at once, with a message saying what to do, when no gateway accepts a TCP connection.</summary>
    private static async Task RequireListening(IReadOnlyList<IPEndPoint> gateways, string name, CancellationToken cancellationToken)
    {
        string? reason = null;
        foreach (IPEndPoint gateway in gateways)
        {
            using var socket = new System.Net.Sockets.Socket(gateway.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await socket.ConnectAsync(gateway, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                reason = e.Message.TrimEnd('.');
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                reason = "no answer within 5 s";
            }
        }
        throw Unreachable(name, reason ?? "no answer");
    }

    private static ClusterUnavailableException Unreachable(string name, string reason) => new(
        $"cannot reach the cluster at {name} ({reason.ReplaceLineEndings(" ").Split(". ")[0].TrimEnd('.')}): start a worker there ('bgmm worker --gateway-port PORT'), " +
        "or give the HOST:PORT of a running worker's gateway to --cluster; nothing was written.");

    private static async Task StopQuietly(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException or ObjectDisposedException)
        {
            // The cluster is gone, or the client never connected: nothing to say goodbye to.
        }
        host.Dispose();
    }

    /// <summary>Disconnects (blocking).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
