namespace Bgmm.Cluster;

/// <summary>How the client of a distributed fit behaves.</summary>
public sealed record ClusterFitSettings
{
    /// <summary>How the cluster is named in messages (e.g. "localhost:30000").</summary>
    public string ClusterName { get; init; } = "the cluster";

    /// <summary>
    /// How long a shard may go unanswered after its worker was lost (while Orleans detects the loss and
    /// places the shard again) before the fit gives up with <see cref="ClusterUnavailableException"/>.
    /// </summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the client asks the cluster which workers are alive while shards compute.</summary>
    public TimeSpan LivenessPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes a CSV part may take in memory on the client before it is converted to a temporary binary file.</summary>
    public long ClientMemoryBudget { get; init; } = 256L << 20;

    /// <summary>Told of events worth a line: a worker lost and its shards recomputed, workers whose kernels differ.</summary>
    public Action<string>? Notice { get; init; }
}
