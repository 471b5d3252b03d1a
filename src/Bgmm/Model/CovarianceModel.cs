namespace Bgmm;

/// <summary>
/// How the components' covariance matrices are parametrised and constrained — mclust's families
/// Σ_k = λ_k D_k A_k D_kᵀ with volume λ, shape A and orientation D equal across components (E),
/// variable (V) or the identity (I) (docs/models.md). The MAP M-step, the log prior and the number of
/// free parameters depend on it; the E-step and the sufficient statistics do not (every model's
/// parameters are a mixture of full-covariance Gaussians), so every model runs on every
/// <see cref="StatisticsSource"/> with the same kernels.
/// </summary>
/// <remarks>
/// E and V are the one-dimensional models (D = 1); the ten others need D ≥ 2 (mclust refuses them on
/// one-dimensional data), except VVV, the project's default since SPEC §1, which is allowed at D = 1 and
/// is then V exactly (the same prior, M-step and parameter count).
/// </remarks>
public abstract class CovarianceModel
{
    private protected CovarianceModel()
    {
    }

    /// <summary>E: one dimension, equal variance (EEE at D = 1).</summary>
    public static CovarianceModel E { get; } = new EqualCovariance("E");

    /// <summary>V: one dimension, variable variance (VVV at D = 1).</summary>
    public static CovarianceModel V { get; } = new FullCovariance("V");

    /// <summary>EII: spherical, equal volume (λI).</summary>
    public static CovarianceModel EII { get; } = new SphericalCovariance(Variation.Equal);

    /// <summary>VII: spherical, variable volume (λ_k I); scikit-learn's "spherical".</summary>
    public static CovarianceModel VII { get; } = new SphericalCovariance(Variation.Variable);

    /// <summary>EEI: diagonal, equal volume and shape (λA).</summary>
    public static CovarianceModel EEI { get; } = new DiagonalCovariance(Variation.Equal, Variation.Equal);

    /// <summary>VEI: diagonal, variable volume, equal shape (λ_k A).</summary>
    public static CovarianceModel VEI { get; } = new DiagonalCovariance(Variation.Variable, Variation.Equal);

    /// <summary>EVI: diagonal, equal volume, variable shape (λA_k).</summary>
    public static CovarianceModel EVI { get; } = new DiagonalCovariance(Variation.Equal, Variation.Variable);

    /// <summary>VVI: diagonal, variable volume and shape (λ_k A_k); scikit-learn's "diag".</summary>
    public static CovarianceModel VVI { get; } = new DiagonalCovariance(Variation.Variable, Variation.Variable);

    /// <summary>EEE: one full covariance shared by every component (Σ); scikit-learn's "tied".</summary>
    public static CovarianceModel EEE { get; } = new EqualCovariance("EEE");

    /// <summary>EEV: equal volume and shape, variable orientation (λ D_k A D_kᵀ).</summary>
    public static CovarianceModel EEV { get; } = new OrientedCovariance(Variation.Equal);

    /// <summary>VEV: variable volume, equal shape, variable orientation (λ_k D_k A D_kᵀ).</summary>
    public static CovarianceModel VEV { get; } = new OrientedCovariance(Variation.Variable);

    /// <summary>VVV: full covariances varying between components (Σ_k); scikit-learn's "full". SPEC §1–§3.</summary>
    public static CovarianceModel VVV { get; } = new FullCovariance("VVV");

    /// <summary>
    /// Full covariances varying between components (mclust's VVV, scikit-learn's "full"): the model of
    /// SPEC §1, with the M-step of SPEC §3. The default.
    /// </summary>
    public static CovarianceModel Full => VVV;

    /// <summary>Every model, in mclust's order (simplest first): E, V, EII, VII, EEI, VEI, EVI, VVI, EEE, EEV, VEV, VVV.</summary>
    public static IReadOnlyList<CovarianceModel> All { get; } = [E, V, EII, VII, EEI, VEI, EVI, VVI, EEE, EEV, VEV, VVV];

    /// <summary>The models mclust fits to D-dimensional data ("all"): E and V for D = 1, the ten others for D ≥ 2.</summary>
    public static IReadOnlyList<CovarianceModel> For(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return dimension == 1 ? [E, V] : [.. All.Skip(2)];
    }

    /// <summary>
    /// The model named <paramref name="name"/>: an mclust name (EII, …, VVV, E, V; any case) or scikit-learn's
    /// spherical (VII), diag (VVI), tied (EEE) or full (VVV).
    /// </summary>
    /// <exception cref="ModelInputException">No model has that name.</exception>
    public static CovarianceModel Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.Trim();
        CovarianceModel? model = n.ToLowerInvariant() switch
        {
            "spherical" => VII,
            "diag" => VVI,
            "tied" => EEE,
            "full" => VVV,
            _ => All.FirstOrDefault(m => m.Name.Equals(n, StringComparison.OrdinalIgnoreCase)),
        };
        return model ?? throw new ModelInputException("model",
            $"\"{name}\" is not a covariance model: give one of {string.Join(", ", All.Skip(2).Select(m => m.Name))} (mclust's names), E or V for one-dimensional data, or scikit-learn's spherical, diag, tied or full.");
    }

    /// <summary>
    /// A comma-separated list of model names (see <see cref="Parse"/>), or "all" for <see cref="For"/> the
    /// dimension. Duplicates are removed; the order is mclust's.
    /// </summary>
    /// <exception cref="ModelInputException">A name is unknown, or a model does not apply to D dimensions.</exception>
    public static IReadOnlyList<CovarianceModel> ParseList(string text, int dimension)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return For(dimension);
        string[] names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new ModelInputException("model", "no model given: give a model name (e.g. VVV), a comma-separated list, or all.");
        var models = names.Select(Parse).Distinct().OrderBy(Rank).ToList();
        foreach (CovarianceModel m in models) m.CheckDimension(dimension);
        return models;
    }

    /// <summary>The model's place in <see cref="All"/> (mclust's order), for sorting and tie-breaking.</summary>
    internal static int Rank(CovarianceModel model)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (ReferenceEquals(All[i], model)) return i;
        }
        throw new ArgumentException($"{model} is not one of the library's models.", nameof(model));
    }

    /// <summary>mclust's name of the model ("VVV", …).</summary>
    public abstract string Name { get; }

    /// <summary>What the model constrains, in words ("diagonal, variable volume, equal shape").</summary>
    public abstract string Description { get; }

    /// <summary>Whether the model applies to D-dimensional data (E, V: D = 1; VVV: any D; the others: D ≥ 2).</summary>
    public abstract bool Supports(int dimension);

    /// <summary>
    /// Free parameters of a K-component mixture in D dimensions under this model, as mclust counts
    /// them (<c>nMclustParams</c>): the covariance parameters, K·D means and K − 1 weights (the p of BIC).
    /// </summary>
    public int ParameterCount(int componentCount, int dimension) =>
        CovarianceParameterCount(componentCount, dimension) + componentCount * dimension + componentCount - 1;

    /// <summary>The M-step: the posterior mode of the parameters given the statistics, under <paramref name="prior"/>.</summary>
    /// <exception cref="ModelInputException">A covariance lost positive definiteness to rounding.</exception>
    public GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior) => PosteriorMode(statistics, prior, null);

    /// <summary>
    /// The M-step, given the parameters it replaces: the models whose M-step iterates inside (VEI, VEV)
    /// start from <paramref name="previous"/>'s volumes and shape, as mclust does; VEV keeps an empty
    /// component's volume (docs/models.md). The other models ignore it.
    /// </summary>
    /// <param name="statistics">The E-step's statistics.</param>
    /// <param name="prior">The prior.</param>
    /// <param name="previous">The parameters of the E-step that made <paramref name="statistics"/>, or null (the first M-step from a partition).</param>
    /// <exception cref="ModelInputException">A covariance lost positive definiteness to rounding.</exception>
    public abstract GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior, GaussianMixture? previous);

    /// <summary>log p(θ) of <paramref name="mixture"/> under this model's form of <paramref name="prior"/> (docs/models.md).</summary>
    public abstract double LogPrior(GaussianMixture mixture, MixturePrior prior);

    /// <summary>
    /// The model's own parameters of <paramref name="mixture"/> (one of this model's mixtures): volumes,
    /// shapes and orientations, as many as the model has (none for EEE and VVV, whose covariances are the parameters).
    /// </summary>
    public abstract CovarianceParameters Describe(GaussianMixture mixture);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The covariance parameters alone (<c>nVarParams</c>).</summary>
    private protected abstract int CovarianceParameterCount(int componentCount, int dimension);

    /// <summary>
    /// The covariance every component starts with under a random or k-means++ initialisation: the model's
    /// form of Σ0 (its diagonal for the diagonal models, tr Σ0 / D · I for the spherical ones), so that the
    /// initial mixture belongs to the model. D×D row-major.
    /// </summary>
    internal virtual double[] InitialCovariance(MixturePrior prior) => prior.ComponentPrior.Sigma0Flat.ToArray();

    /// <summary>Whether the prior's scale enters as a number (spherical and diagonal models: mclust's scalar scale) rather than the matrix Λ0.</summary>
    internal virtual bool HasScalarScale => false;

    /// <summary>Whether <paramref name="mixture"/> is one of this model's mixtures (to rounding).</summary>
    internal abstract bool Contains(GaussianMixture mixture);

    /// <summary>Throws the bad-input error when the model does not apply to D-dimensional data.</summary>
    internal void CheckDimension(int dimension)
    {
        if (Supports(dimension)) return;
        throw new ModelInputException("model", dimension == 1
            ? $"model {Name} needs D ≥ 2 (mclust refuses it on one-dimensional data) but the data has D = 1: use E (equal variance) or V (variable variance)."
            : $"model {Name} is for one-dimensional data but the data has D = {dimension}: use one of {string.Join(", ", For(dimension).Select(m => m.Name))}.");
    }

    /// <summary>Builds component c, or throws the error of a covariance that rounding made indefinite.</summary>
    private protected static GaussianComponent Component(double[] mean, double[] covariance, int c) =>
        GaussianComponent.TryCreate(mean, covariance) ?? throw LostPositiveDefiniteness(c);

    /// <summary>The error of a covariance that rounding made indefinite.</summary>
    private protected static ModelInputException LostPositiveDefiniteness(int c) =>
        new("sigma0", $"Covariance {c} lost positive definiteness to rounding: the data's scale is extreme relative to sigma0. Rescale the data or choose sigma0 on the data's scale.");
}

/// <summary>
/// The model's own parameters of a mixture, Σ_k = λ_k D_k diag(A_k) D_kᵀ (docs/models.md): what mclust
/// reports as <c>sigmasq</c> or <c>scale</c> (the volume), <c>shape</c> and <c>orientation</c>.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Volume">λ: one value when equal across components, K when variable; empty for EEE and VVV.</param>
/// <param name="Shape">The diagonal of A (product 1): one row when equal, K rows when variable; none for the spherical models, E, V, EEE and VVV.</param>
/// <param name="Orientation">D_k (D×D, eigenvectors as columns in the order of the shape), EEV and VEV only.</param>
public sealed record CovarianceParameters(string Model, IReadOnlyList<double> Volume, IReadOnlyList<double[]> Shape, IReadOnlyList<double[,]> Orientation);
