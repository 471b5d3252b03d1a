using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Bgmm.Cluster.Shards;

/// <summary>
/// Orleans' placement of shards: part p goes to the (p mod W)-th of the W live workers, in address
/// order, so that the parts of a fit are spread evenly rather than piled on one worker at random. A shard
/// placed again after its worker was lost goes to a worker that is left, by the same rule.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("Bgmm.Cluster.SpreadPlacement")]
public sealed class SpreadPlacement : PlacementStrategy;

/// <summary>Places a grain by <see cref="SpreadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SpreadPlacementAttribute() : PlacementAttribute(new SpreadPlacement());

/// <summary>The director of <see cref="SpreadPlacement"/> (registered by <see cref="WorkerHost.ConfigureSilo"/>).</summary>
internal sealed class SpreadPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] silos = [.. context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        // The key is "fit/part": the part's index picks the worker.
        string key = target.GrainIdentity.Key.ToString() ?? "";
        int slash = key.LastIndexOf('/');
        int part = slash >= 0 && int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int p) ? p : 0;
        return Task.FromResult(silos[part % silos.Length]);
    }
}
