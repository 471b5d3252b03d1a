namespace Bgmm;

/// <summary>
/// EII (Σ_k = λI) and VII (Σ_k = λ_k I, scikit-learn's "spherical"), docs/models.md §3.3–§3.4.
/// </summary>
/// <remarks>
/// EII: λ = Σ_k tr B_k / (ν0 + (n + K)D + 2), the mode under the prior kernel log p(λ) = −(ν0/2 + 1) log λ
/// (mclust's meeiip leaves the scale out). VII: λ_k = (s̄ + tr B_k) / (ν0 + N_k D + 2 + D), the mode under
/// λ_k ~ IG(ν0/2, s̄/2), s̄ = tr Σ0 / D.
/// </remarks>
internal sealed class SphericalCovariance(Variation volume) : ConstrainedCovariance(volume, Variation.Identity, Variation.Identity)
{
    private readonly bool _equal = volume == Variation.Equal;

    private protected override int CovarianceParameterCount(int componentCount, int dimension) => _equal ? 1 : componentCount;

    private protected override CovarianceModel? OneComponent => _equal ? VII : null;

    private protected override void Covariances(PosteriorStep step, GaussianMixture? previous, double[][] covariances)
    {
        int d = step.D;
        if (_equal)
        {
            double total = 0;
            for (int k = 0; k < step.K; k++) total += step.Trace(k);
            double lambda = total / (step.Nu0 + (step.Total + step.K) * d + 2);
            foreach (double[] sigma in covariances) Spherical(lambda, sigma, d);
            return;
        }
        for (int k = 0; k < step.K; k++)
        {
            double lambda = (step.ScaleMean + step.Trace(k)) / (step.Nu0 + step.Counts[k] * d + 2 + d);
            Spherical(lambda, covariances[k], d);
        }
    }

    private protected override double CovarianceLogPrior(GaussianMixture mixture, NormalInverseWishart prior)
    {
        double nu0 = prior.Nu0;
        if (_equal) return -(nu0 / 2 + 1) * Math.Log(mixture.Component(0).Covariance[0]);
        double s = PosteriorStep.MeanScale(prior), sum = 0;
        for (int k = 0; k < mixture.ComponentCount; k++) sum += VolumeShape.LogInverseGamma(mixture.Component(k).Covariance[0], nu0 / 2, s / 2);
        return sum;
    }

    private static void Spherical(double lambda, double[] sigma, int d)
    {
        for (int j = 0; j < d; j++) sigma[j * d + j] = lambda;
    }
}
