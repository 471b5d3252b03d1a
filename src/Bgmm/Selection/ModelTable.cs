namespace Bgmm;

/// <summary>One cell of a model × K table: a fit of one covariance model with K components, or why it failed.</summary>
/// <param name="Model">The covariance model.</param>
/// <param name="ComponentCount">K.</param>
/// <param name="Candidate">The fit with its BIC and ICL; null when the fit failed.</param>
/// <param name="Failure">Why the fit failed (the library's message), or null.</param>
public sealed record ModelTableEntry(CovarianceModel Model, int ComponentCount, ModelCandidate? Candidate, string? Failure)
{
    /// <summary>Whether the fit succeeded.</summary>
    public bool Succeeded => Candidate is not null;

    /// <summary>The value of <paramref name="criterion"/>, or null for a failed fit.</summary>
    public double? Score(SelectionCriterion criterion) => Candidate?.Score(criterion);
}

/// <summary>
/// Every model × K fitted by <see cref="ModelSelection.Select(Dataset, Func{CovarianceModel, int, MixturePrior}, FitOptions, IReadOnlyList{int}, IReadOnlyList{CovarianceModel}, SelectionCriterion, Func{int, Initialization}?, IProgress{FitProgress}?, CancellationToken)"/>,
/// as mclust's <c>summary(mclustBIC)</c>: models as columns (mclust's order), K as rows (increasing).
/// </summary>
/// <param name="Models">The columns.</param>
/// <param name="ComponentCounts">The rows.</param>
/// <param name="Entries">Row by row: entry r·M + c is K = ComponentCounts[r] under Models[c].</param>
/// <param name="Chosen">The lowest criterion among the fits that succeeded (ties: the smaller K, then the model first in <see cref="CovarianceModel.All"/>).</param>
/// <param name="Criterion">The criterion used.</param>
public sealed record ModelTable(IReadOnlyList<CovarianceModel> Models, IReadOnlyList<int> ComponentCounts,
    IReadOnlyList<ModelTableEntry> Entries, ModelTableEntry Chosen, SelectionCriterion Criterion)
{
    /// <summary>The cell of <paramref name="model"/> with <paramref name="componentCount"/> components.</summary>
    /// <exception cref="KeyNotFoundException">The table has no such cell.</exception>
    public ModelTableEntry this[CovarianceModel model, int componentCount] =>
        Entries.FirstOrDefault(e => ReferenceEquals(e.Model, model) && e.ComponentCount == componentCount)
        ?? throw new KeyNotFoundException($"the table has no cell for {model} with K = {componentCount}.");
}

public static partial class ModelSelection
{
    /// <summary>
    /// Fits every model in <paramref name="models"/> with every K in <paramref name="components"/> and picks the
    /// lowest criterion, as mclust's <c>Mclust()</c> does over its BIC table (mclust's BIC is 2ℓ − p log n,
    /// larger better; the library's is −2ℓ + p log N, lower better: the same ranking). A fit that fails
    /// (a covariance that rounding made indefinite, an objective out of range) is kept in the table with its
    /// reason instead of ending the selection.
    /// </summary>
    /// <param name="data">The data.</param>
    /// <param name="priorFor">The prior of each (model, K), e.g. <c>(m, k) =&gt; MixturePrior.Empirical(data, k, m)</c> (mclust's default prior depends on both).</param>
    /// <param name="options">Everything but K, the model and (when <paramref name="initializationFor"/> is given) the initialisation.</param>
    /// <param name="components">The candidate K, each ≥ 1 (duplicates removed; sorted).</param>
    /// <param name="models">The candidate models (duplicates removed; in mclust's order); each must apply to the data's D.</param>
    /// <param name="criterion">BIC or ICL.</param>
    /// <param name="initializationFor">The initialisation of each K (e.g. a partition into K classes); null uses <paramref name="options"/>'.</param>
    /// <param name="progress">Told after every iteration of every fit.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <exception cref="ModelInputException">No K or no model, a model that does not apply to the data, or every fit failed.</exception>
    public static ModelTable Select(Dataset data, Func<CovarianceModel, int, MixturePrior> priorFor, FitOptions options,
        IReadOnlyList<int> components, IReadOnlyList<CovarianceModel> models, SelectionCriterion criterion,
        Func<int, Initialization>? initializationFor = null, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(priorFor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(models);
        int[] ks = [.. components.Distinct().Order()];
        CheckCandidates(ks, data);
        if (models.Any(m => m is null)) throw new ArgumentNullException(nameof(models), "a covariance model in the list is null.");
        CovarianceModel[] columns = [.. models.Distinct().OrderBy(CovarianceModel.Rank)];
        if (columns.Length == 0) throw new ModelInputException(nameof(models), "no covariance model given: give at least one (e.g. VVV), or all.");
        foreach (CovarianceModel m in columns) m.CheckDimension(data.Dimension);

        var entries = new List<ModelTableEntry>(ks.Length * columns.Length);
        ModelTableEntry? chosen = null;
        foreach (int k in ks)
        {
            foreach (CovarianceModel model in columns)
            {
                ModelTableEntry entry = Fit(data, priorFor, options, k, model, initializationFor, progress, cancellationToken);
                entries.Add(entry);
                // Strictly lower only: rows are visited by increasing K and columns in mclust's order, which breaks ties.
                if (entry.Succeeded && (chosen is null || entry.Score(criterion) < chosen.Score(criterion))) chosen = entry;
            }
        }
        if (chosen is null)
            throw new ModelInputException("model", $"every fit failed; the first: {entries[0].Model} with K = {entries[0].ComponentCount}: {entries[0].Failure}");
        return new ModelTable(columns, ks, entries, chosen, criterion);
    }

    private static ModelTableEntry Fit(Dataset data, Func<CovarianceModel, int, MixturePrior> priorFor, FitOptions options, int k,
        CovarianceModel model, Func<int, Initialization>? initializationFor, IProgress<FitProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            FitOptions o = options with { ComponentCount = k, Model = model, Initialization = initializationFor?.Invoke(k) ?? options.Initialization };
            FitResult fit = MapEmFitter.Fit(data, priorFor(model, k), o, progress, cancellationToken);
            return new ModelTableEntry(model, k, Evaluate(fit, data), null);
        }
        catch (ModelInputException e)
        {
            return new ModelTableEntry(model, k, null, e.Message);
        }
    }
}
