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
/// Every model × K fitted by <see cref="ModelSelection"/>,
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
    /// reason instead of ending the selection. When several K are given, those above the number of distinct
    /// rows (which no fit can have) are left out; the smallest is always kept.
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
    /// <exception cref="ModelInputException">No K or no model, a model that does not apply to the data, or every fit failed (the fit's own exception when there was one).</exception>
    public static ModelTable Select(Dataset data, Func<CovarianceModel, int, MixturePrior> priorFor, FitOptions options,
        IReadOnlyList<int> components, IReadOnlyList<CovarianceModel> models, SelectionCriterion criterion,
        Func<int, Initialization>? initializationFor = null, IProgress<SelectionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Select(new DatasetRows(data, sourcePoints: false), data.Dimension, data.PointCount, priorFor, options, components, models, criterion, initializationFor, progress,
            (prior, o, p) => MapEmFitter.Fit(data, prior, o, p, cancellationToken),
            mixture => Responsibilities.Entropy(mixture, data, options.Threads),
            cancellationToken);
    }

    /// <summary>
    /// As <see cref="Select(Dataset, Func{CovarianceModel, int, MixturePrior}, FitOptions, IReadOnlyList{int}, IReadOnlyList{CovarianceModel}, SelectionCriterion, Func{int, Initialization}?, IProgress{SelectionProgress}?, CancellationToken)"/>
    /// for data behind a <see cref="StatisticsSource"/> (files read in chunks, the parts of a data set): every fit
    /// is <see cref="MapEmFitter.FitSource"/>, and ICL takes the classification entropy from <paramref name="entropy"/>.
    /// </summary>
    /// <param name="source">The E-step over the data.</param>
    /// <param name="rows">The same rows (initialisation, distinct rows, partitions).</param>
    /// <param name="entropy">The classification entropy of a mixture on the data (one pass; e.g. summed block by block with <see cref="Responsibilities.AddEntropy"/>).</param>
    /// <param name="priorFor">The prior of each (model, K), e.g. from the data's moments with <see cref="MixturePrior.Empirical(DataMoments, int, CovarianceModel?, double)"/>.</param>
    /// <param name="options">Everything but K, the model and (when <paramref name="initializationFor"/> is given) the initialisation.</param>
    /// <param name="components">The candidate K.</param>
    /// <param name="models">The candidate models.</param>
    /// <param name="criterion">BIC or ICL.</param>
    /// <param name="initializationFor">The initialisation of each K; null uses <paramref name="options"/>'.</param>
    /// <param name="progress">Told after every iteration of every fit.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <exception cref="ModelInputException">No K or no model, a model that does not apply to the data, or every fit failed.</exception>
    public static ModelTable Select(StatisticsSource source, IRowReader rows, Func<GaussianMixture, double> entropy,
        Func<CovarianceModel, int, MixturePrior> priorFor, FitOptions options, IReadOnlyList<int> components, IReadOnlyList<CovarianceModel> models,
        SelectionCriterion criterion, Func<int, Initialization>? initializationFor = null, IProgress<SelectionProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(entropy);
        return Select(rows, source.Dimension, source.PointCount, priorFor, options, components, models, criterion, initializationFor, progress,
            (prior, o, p) => MapEmFitter.FitSource(source, rows, prior, o, p, cancellationToken), entropy, cancellationToken);
    }

    /// <summary>
    /// The one selection loop: K by K (rows), model by model (columns). <paramref name="rows"/> only bounds K by
    /// the distinct rows; <paramref name="fit"/> and <paramref name="entropy"/> reach the data (the image
    /// adapter's streamed sources call it directly).
    /// </summary>
    internal static ModelTable Select(IRowReader rows, int dimension, long pointCount, Func<CovarianceModel, int, MixturePrior> priorFor, FitOptions options,
        IReadOnlyList<int> components, IReadOnlyList<CovarianceModel> models, SelectionCriterion criterion,
        Func<int, Initialization>? initializationFor, IProgress<SelectionProgress>? progress,
        Func<MixturePrior, FitOptions, IProgress<FitProgress>?, FitResult> fit, Func<GaussianMixture, double> entropy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(priorFor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(models);
        int[] ks = [.. components.Distinct().Order()];
        CheckCandidates(ks, pointCount);
        if (models.Any(m => m is null)) throw new ArgumentNullException(nameof(models), "a covariance model in the list is null.");
        CovarianceModel[] columns = [.. models.Distinct().OrderBy(CovarianceModel.Rank)];
        if (columns.Length == 0) throw new ModelInputException(nameof(models), "no covariance model given: give at least one (e.g. VVV), or all.");
        foreach (CovarianceModel m in columns) m.CheckDimension(dimension);
        if (ks.Length > 1)
        {
            // K beyond the distinct rows cannot be fitted (SPEC §3): a range is cut there.
            int distinct = Initializers.CountDistinct(rows, ks[^1], cancellationToken);
            ks = [.. ks.Where((k, i) => i == 0 || k <= distinct)];
        }

        var entries = new List<ModelTableEntry>(ks.Length * columns.Length);
        // A table of one fit is a fit: its failure is the answer, as it is.
        bool single = ks.Length * columns.Length == 1;
        ModelTableEntry? chosen = null;
        foreach (int k in ks)
        {
            foreach (CovarianceModel model in columns)
            {
                ModelTableEntry entry;
                try
                {
                    FitOptions o = options with { ComponentCount = k, Model = model, Initialization = initializationFor?.Invoke(k) ?? options.Initialization };
                    IProgress<FitProgress>? report = progress is null ? null : new Progress(progress, model, k);
                    FitResult result = fit(priorFor(model, k), o, report);
                    entry = new ModelTableEntry(model, k, Evaluate(result, entropy(result.Mixture)), null);
                }
                catch (ModelInputException e) when (!single)
                {
                    entry = new ModelTableEntry(model, k, null, e.Message);
                }
                entries.Add(entry);
                // Strictly lower only: rows are visited by increasing K and columns in mclust's order, which breaks ties.
                if (entry.Succeeded && (chosen is null || entry.Score(criterion) < chosen.Score(criterion))) chosen = entry;
            }
        }
        if (chosen is null)
            throw new ModelInputException("model", $"every fit failed; the first: {entries[0].Model} with K = {entries[0].ComponentCount}: {entries[0].Failure}");
        return new ModelTable(columns, ks, entries, chosen, criterion);
    }

    private sealed class Progress(IProgress<SelectionProgress> progress, CovarianceModel model, int k) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => progress.Report(new SelectionProgress(model, k, value));
    }
}
