namespace Bgmm;

/// <summary>
/// How the components' covariance matrices are parametrised and constrained — mclust's families
/// Σ_k = λ_k D_k A_k D_kᵀ with volume, shape and orientation equal or variable across components
/// (docs/models.md). The MAP M-step, the log prior and the number of free parameters depend on it; the
/// E-step and the sufficient statistics do not, so every model runs on every
/// <see cref="StatisticsSource"/>.
/// </summary>
public abstract class CovarianceModel
{
    private protected CovarianceModel()
    {
    }

    /// <summary>
    /// Full covariances varying between components (mclust's VVV, scikit-learn's "full"): the model of
    /// SPEC §1, with the M-step of SPEC §3. The default.
    /// </summary>
    public static CovarianceModel Full { get; } = new FullCovariance();

    /// <summary>mclust's name of the model ("VVV", …).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Free parameters of a K-component mixture in D dimensions under this model, as mclust counts
    /// them: the covariance parameters, K·D means and K − 1 weights (the p of BIC).
    /// </summary>
    public abstract int ParameterCount(int componentCount, int dimension);

    /// <summary>The M-step: the posterior mode of the parameters given the statistics, under <paramref name="prior"/>.</summary>
    /// <exception cref="ModelInputException">A covariance lost positive definiteness to rounding.</exception>
    public abstract GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior);

    /// <summary>log p(θ) of <paramref name="mixture"/> under this model's form of <paramref name="prior"/>.</summary>
    public abstract double LogPrior(GaussianMixture mixture, MixturePrior prior);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>VVV: SPEC §1–§3, a normal-inverse-Wishart on every (μ_k, Σ_k).</summary>
internal sealed class FullCovariance : CovarianceModel
{
    public override string Name => "VVV";

    public override int ParameterCount(int componentCount, int dimension) =>
        componentCount - 1 + componentCount * dimension + componentCount * dimension * (dimension + 1) / 2;

    public override GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior)
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
            var mean = new double[d];
            var covariance = new double[d * d];
            prior.ComponentPrior.PosteriorMode(counts[c], statistics.Mean(c), statistics.Scatter(c), mean, covariance);
            components[c] = GaussianComponent.TryCreate(mean, covariance)
                ?? throw new ModelInputException("sigma0",
                    $"Covariance {c} lost positive definiteness to rounding: the data's scale is extreme relative to sigma0. Rescale the data or choose sigma0 on the data's scale.");
        }
        // N = Σ_k N_k (equal to the total weight up to rounding), so the weights sum to 1 to rounding.
        var weights = new double[k];
        prior.WeightPrior.PosteriorMode(counts, weights);
        return new GaussianMixture(weights, components);
    }

    public override double LogPrior(GaussianMixture mixture, MixturePrior prior) => prior.LogDensity(mixture);
}
