using Bgmm.Cluster.Shards;

namespace Bgmm.Cluster;

/// <summary>
/// Calls every shard at once and waits for all of them, asking again any shard whose worker is lost:
/// a watchdog polls the cluster's live workers (Orleans' management grain) and abandons the calls to a
/// worker that left; a call that fails in transit is retried. Orleans places the shard again on a
/// worker that is left, and the shard reloads its part (<see cref="IShardGrain"/>).
/// </summary>
internal sealed class ShardCalls(IGrainFactory grains, ClusterFitSettings settings, string[] names, string?[] workers)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The replies of <paramref name="call"/> for every shard, in part order.</summary>
    /// <exception cref="ClusterUnavailableException">A shard stayed unanswered for the recovery timeout.</exception>
    public ShardReply[] All(Func<int, CancellationToken, Task<ShardReply>> call, CancellationToken cancellationToken) =>
        AllAsync(call, cancellationToken).GetAwaiter().GetResult();

    private async Task<ShardReply[]> AllAsync(Func<int, CancellationToken, Task<ShardReply>> call, CancellationToken cancellationToken)
    {
        var attempts = new CancellationTokenSource?[names.Length];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task watchdog = Task.Run(() => Watch(attempts, stop.Token), CancellationToken.None);
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, names.Length).Select(p => Call(p, call, attempts, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
        }
    }

    private async Task<ShardReply> Call(int p, Func<int, CancellationToken, Task<ShardReply>> call, CancellationTokenSource?[] attempts, CancellationToken cancellationToken)
    {
        long? lostSince = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Volatile.Write(ref attempts[p], attempt);
            try
            {
                ShardReply reply = await call(p, attempt.Token).WaitAsync(attempt.Token).ConfigureAwait(false);
                Volatile.Write(ref workers[p], reply.Worker);
                return reply;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsWorkerLoss(e))
            {
                long now = Environment.TickCount64;
                lostSince ??= now;
                string reason = e is OperationCanceledException ? "it left the cluster" : Describe(e);
                if (now - lostSince.Value > settings.RecoveryTimeout.TotalMilliseconds)
                {
                    throw new ClusterUnavailableException(
                        $"{settings.ClusterName}: part {p} ({names[p]}) could not be computed for {settings.RecoveryTimeout.TotalSeconds:0} s ({reason}): " +
                        "no worker is left, or the cluster cannot be reached. Start the workers again ('bgmm worker') and run the fit again; nothing was written.", e);
                }
                if (now == lostSince.Value)
                {
                    string worker = Volatile.Read(ref workers[p]) is string w ? $"worker {w}" : "its worker";
                    settings.Notice?.Invoke($"part {p} ({names[p]}): {worker} is lost ({reason}); the part is computed again on a worker that is left.");
                }
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.CompareExchange(ref attempts[p], null, attempt);
            }
        }
    }

    /// <summary>Abandons the calls to workers that left the cluster (while the calls run).</summary>
    private async Task Watch(CancellationTokenSource?[] attempts, CancellationToken stop)
    {
        IManagementGrain management = grains.GetGrain<IManagementGrain>(0);
        HashSet<string>? before = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.LivenessPollInterval, stop).ConfigureAwait(false);
                Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true)
                    .WaitAsync(settings.LivenessPollInterval * 5, stop).ConfigureAwait(false);
                var alive = hosts.Keys.Select(s => s.ToString()).ToHashSet(StringComparer.Ordinal);
                bool someLeft = before is not null && before.Any(s => !alive.Contains(s));
                for (int p = 0; p < attempts.Length; p++)
                {
                    string? worker = Volatile.Read(ref workers[p]);
                    // A shard whose worker is not known yet (its first call) is asked again when any worker left.
                    if ((worker is null ? someLeft : !alive.Contains(worker)) && Volatile.Read(ref attempts[p]) is { } attempt)
                    {
                        try
                        {
                            await attempt.CancelAsync().ConfigureAwait(false);
                        }
                        catch (ObjectDisposedException)
                        {
                            // The call ended meanwhile.
                        }
                    }
                }
                before = alive;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The cluster does not answer now: the shards' own calls fail and say so.
            }
        }
    }

    /// <summary>Failures that mean "ask again": the worker or the connection went away, or the watchdog abandoned the call.</summary>
    private static bool IsWorkerLoss(Exception e) =>
        e is OrleansException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException;

    private static string Describe(Exception e) => e.Message.ReplaceLineEndings(" ").Split(". ")[0].TrimEnd('.');
}
