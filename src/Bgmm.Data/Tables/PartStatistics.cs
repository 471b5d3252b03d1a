namespace Bgmm.Data;

/// <summary>
/// The reduction tree of a data set given in parts (files), written once for every source that computes
/// the parts' statistics separately: <see cref="TableSource"/> on one machine, the shards of a cluster.
/// Each part's statistics are a <see cref="StatisticsAccumulator"/> fold over its rows in order (chunk
/// by chunk); the parts are then merged in their given order, ((P0 ∪ P1) ∪ P2) ∪ …, by
/// <see cref="MixtureStatistics.Merge"/>. The tree depends on the parts alone, so any two sources that
/// follow it give the same statistics, bit for bit, wherever the parts were computed.
/// </summary>
public static class PartStatistics
{
    /// <summary>The E-step result of the whole data set from its parts' statistics, in part order.</summary>
    /// <param name="parts">≥ 1 statistics of the same K and D: part p's at index p.</param>
    public static EStepResult Merge(IReadOnlyList<MixtureStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("give the statistics of at least one part.", nameof(parts));
        MixtureStatistics total = parts[0] ?? throw new ArgumentException("part 0 has no statistics.", nameof(parts));
        for (int p = 1; p < parts.Count; p++)
            total = MixtureStatistics.Merge(total, parts[p] ?? throw new ArgumentException($"part {p} has no statistics.", nameof(parts)));
        return new EStepResult(total, total.LogLikelihood);
    }

    /// <summary>
    /// A part's evaluation error as the data set reports it: prefixed with the part's name when the data
    /// set has several parts (a data set of one part reads as that file alone).
    /// </summary>
    public static ModelInputException PartError(string partName, int partCount, ModelInputException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return partCount > 1 ? new ModelInputException("data", $"{partName}: {error.Message}") : error;
    }
}
