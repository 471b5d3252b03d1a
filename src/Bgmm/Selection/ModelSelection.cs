namespace Bgmm;

/// <summary>How <see cref="ModelSelection"/> compares fits (lower is better for both).</summary>
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

/// <summary>One fit of a selection, with its criteria.</summary>
/// <param name="ComponentCount">K.</param>
/// <param name="Fit">The fit (with the given restarts).</param>
/// <param name="Bic">Its BIC.</param>
/// <param name="Icl">Its ICL.</param>
public sealed record ModelCandidate(int ComponentCount, FitResult Fit, double Bic, double Icl)
{
    /// <summary>The value of <paramref name="criterion"/>.</summary>
    public double Score(SelectionCriterion criterion) => criterion == SelectionCriterion.Bic ? Bic : Icl;
}

/// <summary>Reported after every EM iteration of every fit of a selection.</summary>
/// <param name="Model">The covariance model being fitted.</param>
/// <param name="ComponentCount">Its K.</param>
/// <param name="Fit">The iteration's progress.</param>
public readonly record struct SelectionProgress(CovarianceModel Model, int ComponentCount, FitProgress Fit);

/// <summary>
/// Chooses the covariance model and the number of components by fitting each candidate and comparing BIC or
/// ICL (<see cref="Select(Dataset, Func{CovarianceModel, int, MixturePrior}, FitOptions, IReadOnlyList{int}, IReadOnlyList{CovarianceModel}, SelectionCriterion, Func{int, Initialization}?, IProgress{SelectionProgress}?, CancellationToken)"/>;
/// one model and several K is the choice of K alone).
/// </summary>
public static partial class ModelSelection
{
    /// <summary>Refuses candidate K outside 1..N (N the points of positive weight) before anything is fitted.</summary>
    private static void CheckCandidates(int[] sortedComponents, long pointCount)
    {
        if (sortedComponents.Length == 0) throw new ModelInputException("components", "no candidate K given: give at least one number of components.");
        if (sortedComponents[0] < 1) throw new ModelInputException("components", $"K = {sortedComponents[0]}: the number of components must be ≥ 1.");
        if (sortedComponents[^1] > pointCount)
            throw new ModelInputException("components", $"K = {sortedComponents[^1]} but the data has only {pointCount} point{(pointCount == 1 ? "" : "s")}: choose every K ≤ {pointCount}.");
    }

    /// <summary>BIC and ICL of a fit on its data.</summary>
    public static ModelCandidate Evaluate(FitResult fit, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(fit, Responsibilities.Entropy(fit.Mixture, data));
    }

    /// <summary>BIC and ICL of a fit whose classification entropy on its data is <paramref name="entropy"/>.</summary>
    public static ModelCandidate Evaluate(FitResult fit, double entropy)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double bic = fit.Bic;
        return new ModelCandidate(fit.Mixture.ComponentCount, fit, bic, bic + 2.0 * entropy);
    }
}
