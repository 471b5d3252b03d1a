namespace Bgmm.Cluster;

/// <summary>
/// The cluster cannot be reached, or no worker is left to compute a shard: the message says which
/// cluster, what happened and what to do. Nothing of the fit is usable.
/// </summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
