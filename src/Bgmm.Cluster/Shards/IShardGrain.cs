namespace Bgmm.Cluster.Shards;

/// <summary>
/// One shard of a distributed fit: one part (file) of the data set, held by whichever worker Orleans
/// placed the grain on. Each E-step the client sends it the model and gets back the part's statistics.
/// </summary>
/// <remarks>
/// The grain is keyed by fit and part ("fit id/part index"). Every call carries the part's
/// <see cref="ShardSpec"/>, so an activation that lost its worker and was placed again elsewhere reloads
/// the part on its first call: the grain keeps nothing that cannot be rebuilt from the call.
/// </remarks>
[Alias("Bgmm.Cluster.IShardGrain")]
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the part (if not loaded) and says what it holds and where.</summary>
    [Alias("Open")]
    Task<ShardReply> Open(ShardSpec spec, CancellationToken cancellationToken);

    /// <summary>One E-step pass over the part at <paramref name="model"/>: its statistics, in the layout of <see cref="MixtureStatistics"/>.</summary>
    [Alias("EStep")]
    Task<ShardReply> EStep(ShardSpec spec, MixtureMessage model, CancellationToken cancellationToken);

    /// <summary>Drops the part and ends the activation (the fit is over).</summary>
    [Alias("Release")]
    Task Release();
}

/// <summary>Which part a shard holds, as the client sees it.</summary>
/// <param name="Index">The part's index in the data set (its place in the reduction tree).</param>
/// <param name="Path">The file, as every worker sees it (shared storage).</param>
/// <param name="Columns">Parquet columns to read (empty: all numeric columns).</param>
/// <param name="Rows">The rows the client counted in the file (the worker checks that it sees the same).</param>
/// <param name="Dimension">The columns the client counted.</param>
[GenerateSerializer, Immutable, Alias("Bgmm.Cluster.ShardSpec")]
public sealed record ShardSpec(
    [property: Id(0)] int Index,
    [property: Id(1)] string Path,
    [property: Id(2)] string[] Columns,
    [property: Id(3)] long Rows,
    [property: Id(4)] int Dimension);

/// <summary>
/// A mixture as plain arrays, exactly as the client holds it (the Cholesky factors are sent, not
/// recomputed, so the worker's E-step sees the same numbers bit for bit): K weights, K·D means, K·D²
/// covariances and K·D² lower Cholesky factors, row-major. (The covariance model is the client's business: it shapes the M-step, not the E-step.)
/// </summary>
[GenerateSerializer, Immutable, Alias("Bgmm.Cluster.MixtureMessage")]
public sealed record MixtureMessage(
    [property: Id(0)] int ComponentCount,
    [property: Id(1)] int Dimension,
    [property: Id(2)] double[] Weights,
    [property: Id(3)] double[] Means,
    [property: Id(4)] double[] Covariances,
    [property: Id(5)] double[] Choleskys);

/// <summary>What a shard answers.</summary>
/// <param name="Statistics">The part's statistics (K·(1 + D + D²) + 1 numbers), or empty for <see cref="IShardGrain.Open"/> and on error.</param>
/// <param name="Rows">The rows the worker sees in the part.</param>
/// <param name="Dimension">The columns the worker sees.</param>
/// <param name="KernelName">The worker's E-step kernel (its vector width), e.g. "v256-f64-d3"; empty before the first E-step.</param>
/// <param name="Worker">The worker (silo address) that computed the answer.</param>
/// <param name="Error">Null, or why the part cannot be read or evaluated (a message naming the file).</param>
/// <param name="ErrorKind">What kind of error: <see cref="ShardErrorKind"/>.</param>
[GenerateSerializer, Immutable, Alias("Bgmm.Cluster.ShardReply")]
public sealed record ShardReply(
    [property: Id(0)] double[] Statistics,
    [property: Id(1)] long Rows,
    [property: Id(2)] int Dimension,
    [property: Id(3)] string KernelName,
    [property: Id(4)] string Worker,
    [property: Id(5)] string? Error,
    [property: Id(6)] ShardErrorKind ErrorKind);

/// <summary>Why a shard could not answer.</summary>
public enum ShardErrorKind
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The part's file is missing, unreadable, corrupt, or not the file the client saw.</summary>
    DataFile,

    /// <summary>The data cannot be evaluated at the parameters (a point's density underflows under every component).</summary>
    ModelInput,
}
