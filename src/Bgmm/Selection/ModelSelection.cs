namespace Bgmm;

/// <summary>How <see cref="ModelSelection"/> compares numbers of components (lower is better for both).</summary>
public enum SelectionCriterion
{
    /// <summary>BIC = −2 log p(X | θ̂) + p log N: a density-estimation criterion.</summary>
    Bic,

    /// <summary>
    /// ICL = BIC + 2·E with E the classification entropy −Σ_n Σ_k r_nk log r_nk (Biernacki, Celeux and
    /// Govaert, 2000): BIC penalised for overlapping components, so it prefers well-separated clusters.
    /// </summary>
    Icl,
}

/// <summary>One fitted number of components.</summary>
/// <param name="ComponentCount">K.</param>
/// <param name="Fit">The fit (with the given restarts).</param>
/// <param name="Bic">Its BIC.</param>
/// <param name="Icl">Its ICL.</param>
public sealed record ModelCandidate(int ComponentCount, FitResult Fit, double Bic, double Icl)
{
    /// <summary>The value of <paramref name="criterion"/>.</summary>
    public double Score(SelectionCriterion criterion) => criterion == SelectionCriterion.Bic ? Bic : Icl;
}

/// <summary>The candidates, in increasing K, and the one the criterion chose.</summary>
/// <param name="Candidates">Every K fitted.</param>
/// <param name="Chosen">The lowest criterion (ties: the smaller K).</param>
/// <param name="Criterion">The criterion used.</param>
public sealed record ModelSelectionResult(IReadOnlyList<ModelCandidate> Candidates, ModelCandidate Chosen, SelectionCriterion Criterion);

/// <summary>Chooses the number of components by fitting each candidate K and comparing BIC or ICL.</summary>
public static partial class ModelSelection
{
    /// <summary>
    /// Fits every K in <paramref name="components"/> with <paramref name="options"/> (its
    /// <see cref="FitOptions.ComponentCount"/> is replaced) and picks the lowest criterion.
    /// </summary>
    /// <param name="data">The data.</param>
    /// <param name="prior">The prior (null: the defaults for the data's D).</param>
    /// <param name="options">Everything but K.</param>
    /// <param name="components">The candidate K, each ≥ 1 (duplicates are removed; sorted).</param>
    /// <param name="criterion">BIC or ICL.</param>
    /// <param name="progress">Told after every iteration of every fit; its restart field counts fits across the candidates.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    public static ModelSelectionResult Select(Dataset data, MixturePrior? prior, FitOptions options, IReadOnlyList<int> components,
        SelectionCriterion criterion, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(components);
        int[] ks = [.. components.Distinct().Order()];
        CheckCandidates(ks, data);
        prior?.CheckDimension(data.Dimension);
        var candidates = new List<ModelCandidate>(ks.Length);
        foreach (int k in ks)
        {
            candidates.Add(Evaluate(MapEmFitter.Fit(data, prior, options with { ComponentCount = k }, progress, cancellationToken), data));
        }
        return Choose(candidates, criterion);
    }

    /// <summary>Refuses candidate K outside 1..N before anything is fitted.</summary>
    private static void CheckCandidates(int[] sortedComponents, Dataset data)
    {
        if (sortedComponents.Length == 0) throw new ModelInputException("components", "no candidate K given: give at least one number of components.");
        if (sortedComponents[0] < 1) throw new ModelInputException("components", $"K = {sortedComponents[0]}: the number of components must be ≥ 1.");
        if (sortedComponents[^1] > data.PointCount)
            throw new ModelInputException("components", $"K = {sortedComponents[^1]} but the data has only {data.PointCount} point{(data.PointCount == 1 ? "" : "s")}: choose every K ≤ {data.PointCount}.");
    }

    /// <summary>BIC and ICL of a fit on its data.</summary>
    public static ModelCandidate Evaluate(FitResult fit, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double bic = fit.Bic;
        return new ModelCandidate(fit.Mixture.ComponentCount, fit, bic, bic + 2.0 * Responsibilities.Entropy(fit.Mixture, data));
    }

    /// <summary>The candidate with the lowest criterion (ties: the smaller K).</summary>
    public static ModelSelectionResult Choose(IReadOnlyList<ModelCandidate> candidates, SelectionCriterion criterion)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) throw new ArgumentException("No candidates.", nameof(candidates));
        ModelCandidate[] sorted = [.. candidates.OrderBy(c => c.ComponentCount)];
        ModelCandidate chosen = sorted[0];
        foreach (ModelCandidate c in sorted)
        {
            if (c.Score(criterion) < chosen.Score(criterion)) chosen = c;
        }
        return new ModelSelectionResult(sorted, chosen, criterion);
    }
}
