using System.Net;
using System.Runtime.CompilerServices;
using Bgmm.Cli.Rendering;
using Bgmm.Cluster;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm fit PART... --cluster HOST:PORT</c>: the parts' E-steps computed on a cluster of
/// <c>bgmm worker</c> processes. Orleans is loaded only from here (and <see cref="WorkerCommand"/>), so
/// the other commands never pay for it.
/// </summary>
internal static class ClusterFit
{
    /// <summary>
    /// Connects to the cluster and opens a shard for each part; the returned source computes the E-steps there
    /// and owns the connection. The cluster's faults become messages (exit 2).
    /// </summary>
    /// <param name="console">Where the cluster's notices go (a lost worker, differing kernels).</param>
    /// <param name="cluster">The --cluster value: HOST:PORT[,HOST:PORT…] of workers' gateways.</param>
    /// <param name="paths">The parts, as every worker sees them.</param>
    /// <param name="tables">The same parts as this machine opened them.</param>
    /// <param name="columns">Parquet columns (empty: every numeric column).</param>
    /// <param name="cancellationToken">Stops connecting and loading.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StatisticsSource Open(CliConsole console, string cluster, IReadOnlyList<string> paths, IReadOnlyList<Bgmm.Data.IChunkedTable> tables,
        IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        IPEndPoint[] gateways = Gateways(cluster);
        var noticeLock = new Lock();
        var settings = new ClusterFitSettings
        {
            ClusterName = cluster,
            Notice = notice =>
            {
                lock (noticeLock) console.Warning(notice);
            },
        };
        ClusterConnection connection = Translate(() => ClusterConnection.ConnectAsync(gateways, cluster, cancellationToken).GetAwaiter().GetResult());
        try
        {
            ClusterSource source = Translate(() => ClusterSource.Open(connection.Client, tables, paths, columns, settings, cancellationToken));
            console.VerboseLine($"{cluster}: {paths.Count} part{(paths.Count == 1 ? "" : "s")} on worker{(source.Workers.Distinct().Count() == 1 ? "" : "s")} {string.Join(", ", source.Workers.Distinct())}");
            return new TranslatedSource(source, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Parses --cluster: one or more comma-separated HOST:PORT.</summary>
    internal static IPEndPoint[] Gateways(string cluster)
    {
        string[] items = cluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new UserError("--cluster is empty: give HOST:PORT of a worker's gateway, e.g. --cluster localhost:30000.");
        try
        {
            return [.. items.Select(i => ClusterNames.ParseEndpoint(i, "--cluster"))];
        }
        catch (ArgumentException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>The cluster's unavailability as bad input (exit 2, its message says what to do).</summary>
    private static T Translate<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ClusterUnavailableException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>The cluster's source, its unavailability mid-fit reported as <see cref="UserError"/>; closes the connection after it.</summary>
    private sealed class TranslatedSource(ClusterSource inner, ClusterConnection connection) : StatisticsSource(inner.Dimension, inner.PointCount, inner.TotalWeight)
    {
        public override string KernelName => inner.KernelName;

        public override void Start(GaussianMixture initial, CancellationToken cancellationToken) => inner.Start(initial, cancellationToken);

        public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken) =>
            Translate(() => inner.EStep(parameters, cancellationToken));

        protected override void Dispose(bool disposing)
        {
            if (!disposing) return;
            inner.Dispose();
            connection.Dispose();
        }
    }
}
