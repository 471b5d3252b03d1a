namespace Bgmm;

/// <summary>
/// EEE (one full Σ shared by every component, scikit-learn's "tied") and E, the same model at D = 1
/// (docs/models.md §3.1, §3.9): Σ ~ IW(ν0, Λ0) once, and the M-step
/// Σ = (Λ0 + Σ_k B_k) / (ν0 + D + 1 + K + n).
/// </summary>
internal sealed class EqualCovariance(string name) : ConstrainedCovariance(Variation.Equal, Variation.Equal, Variation.Equal)
{
    private readonly bool _univariate = name == "E";

    public override string Name { get; } = name;

    public override string Description => _univariate ? "one-dimensional, equal variance" : "ellipsoidal, equal volume, shape and orientation";

    public override bool Supports(int dimension) => _univariate ? dimension == 1 : dimension >= 2;

    private protected override int CovarianceParameterCount(int componentCount, int dimension) => dimension * (dimension + 1) / 2;

    private protected override void Covariances(PosteriorStep step, GaussianMixture? previous, double[][] covariances)
    {
        int d = step.D;
        var sum = (double[])step.ScaleMatrix.Clone();
        for (int k = 0; k < step.K; k++)
        {
            for (int i = 0; i < d * d; i++) sum[i] += step.Scatter[k][i];
        }
        double divisor = step.Nu0 + d + 1 + step.K + step.Total;
        foreach (double[] sigma in covariances)
        {
            for (int i = 0; i < d * d; i++) sigma[i] = sum[i] / divisor;
        }
    }

    private protected override double CovarianceLogPrior(GaussianMixture mixture, NormalInverseWishart prior) =>
        prior.LogInverseWishart(mixture.Component(0));

    /// <summary>E reports σ² (mclust's sigmasq); EEE's covariance is its parameter.</summary>
    public override CovarianceParameters Describe(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        return new CovarianceParameters(Name, _univariate ? [mixture.Component(0).Covariance[0]] : [], [], []);
    }
}
