using System.Net;
using Bgmm.Cluster.Shards;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Bgmm.Cluster;

/// <summary>Where a worker listens and which cluster it joins.</summary>
/// <param name="SiloPort">The port other workers reach it on.</param>
/// <param name="GatewayPort">The port clients connect to.</param>
/// <param name="Address">The address it advertises to the others (one they can reach it on).</param>
/// <param name="Primary">The primary worker's silo endpoint, or null when this worker is the primary (Orleans' development clustering).</param>
public sealed record WorkerEndpoints(int SiloPort, int GatewayPort, IPAddress Address, IPEndPoint? Primary);

/// <summary>
/// A bgmm worker: an Orleans silo that hosts shards (<see cref="IShardGrain"/>) and joins its cluster by
/// Orleans' development clustering, whose membership lives in the primary worker (a single point of
/// failure: the cluster stops with it; docs/cluster.md).
/// </summary>
public static class WorkerHost
{
    /// <summary>
    /// The membership settings of every worker: a worker that stops answering is declared dead after
    /// about 3 missed probes of 2 s, so its shards are placed again within seconds rather than Orleans'
    /// default of about half a minute (the votes needed shrink with the cluster: one of two suffices).
    /// </summary>
    public static void ConfigureMembership(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>Configures a silo as a bgmm worker (without its cluster's name and clustering: see <see cref="Build"/>).</summary>
    public static void ConfigureSilo(ISiloBuilder silo, WorkerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        silo.Configure<ClusterMembershipOptions>(ConfigureMembership);
        silo.Services.AddSingleton(settings);
        silo.Services.AddPlacementDirector<SpreadPlacement, SpreadPlacementDirector>();
    }

    /// <summary>A worker's host, not started: run it with <c>RunAsync</c>.</summary>
    public static IHost Build(WorkerEndpoints endpoints, WorkerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            ConfigureSilo(silo, settings);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterNames.ClusterId;
                o.ServiceId = ClusterNames.ClusterId;
            });
            silo.ConfigureEndpoints(endpoints.Address, endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseDevelopmentClustering(endpoints.Primary ?? new IPEndPoint(endpoints.Address, endpoints.SiloPort));
        });
        return builder.Build();
    }
}
