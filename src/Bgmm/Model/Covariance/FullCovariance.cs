namespace Bgmm;

/// <summary>
/// VVV: SPEC §1–§3, a normal-inverse-Wishart on every (μ_k, Σ_k); and V, the same model at D = 1
/// (mclust's V: σ_k² ~ IG(ν0/2, s/2) is IW(ν0, s) in one dimension, and its M-step is SPEC's).
/// </summary>
internal sealed class FullCovariance(string name) : CovarianceModel
{
    private readonly bool _univariate = name == "V";

    public override string Name { get; } = name;

    public override string Description => _univariate ? "one-dimensional, variable variance" : "ellipsoidal, variable volume, shape and orientation";

    public override bool Supports(int dimension) => !_univariate || dimension == 1;

    private protected override int CovarianceParameterCount(int componentCount, int dimension) =>
        componentCount * dimension * (dimension + 1) / 2;

    public override GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior, GaussianMixture? previous)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(prior);
        prior.CheckDimension(statistics.Dimension);
        int k = statistics.ComponentCount, d = statistics.Dimension;
        var counts = new double[k];
        var components = new GaussianComponent[k];
        for (int c = 0; c < k; c++)
        {
            counts[c] = statistics.Count(c);
            components[c] = prior.ComponentPrior.PosteriorModeComponent(counts[c], statistics.Mean(c), statistics.Scatter(c))
                ?? throw LostPositiveDefiniteness(c);
        }
        // N = Σ_k N_k (equal to the total weight up to rounding), so the weights sum to 1 to rounding.
        var weights = new double[k];
        prior.WeightPrior.PosteriorMode(counts, weights);
        return new GaussianMixture(weights, components);
    }

    public override double LogPrior(GaussianMixture mixture, MixturePrior prior) => prior.LogDensity(mixture);

    /// <summary>V reports σ_k² (mclust's sigmasq); VVV's covariances are its parameters.</summary>
    public override CovarianceParameters Describe(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        double[] volume = _univariate ? [.. Enumerable.Range(0, mixture.ComponentCount).Select(k => mixture.Component(k).Covariance[0])] : [];
        return new CovarianceParameters(Name, volume, [], []);
    }

    internal override bool Contains(GaussianMixture mixture) => true;
}
