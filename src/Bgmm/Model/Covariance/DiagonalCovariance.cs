namespace Bgmm;

/// <summary>
/// The diagonal models EEI (λA), VEI (λ_k A), EVI (λA_k) and VVI (λ_k A_k, scikit-learn's "diag"),
/// docs/models.md §3.5–§3.8. With b_kj = s_j + (B_k)_jj (s_j = (Σ0)_jj):
/// EEI Σ_jj = (s_j + Σ_k (B_k)_jj) / (n + K + ν0 + 2) (the conjugate MAP, not mclust's meeeip: §3.5);
/// VEI alternates λ_k and A with divisors D·N_k + ν0 + 3; EVI λ = Σ_k g(b_k) / (n + ν0 + 2), A_k = b_k/g(b_k);
/// VVI Σ_k,jj = b_kj / (N_k + ν0 + 3).
/// </summary>
internal sealed class DiagonalCovariance(Variation volume, Variation shape) : ConstrainedCovariance(volume, shape, Variation.Identity)
{
    private readonly Variation _volume = volume;
    private readonly Variation _shape = shape;

    private protected override int CovarianceParameterCount(int componentCount, int dimension) => (_volume, _shape) switch
    {
        (Variation.Equal, Variation.Equal) => dimension,
        (Variation.Variable, Variation.Equal) => componentCount + dimension - 1,
        (Variation.Equal, _) => 1 + componentCount * (dimension - 1),
        _ => componentCount * dimension,
    };

    private protected override CovarianceModel? OneComponent => _volume != _shape ? VVI : null;

    private protected override void Covariances(PosteriorStep step, GaussianMixture? previous, double[][] covariances)
    {
        int d = step.D, k = step.K;
        double[][] b = [.. Enumerable.Range(0, k).Select(step.DiagonalPlusScale)];
        switch (_volume, _shape)
        {
            case (Variation.Equal, Variation.Equal):
            {
                // One Σ for every component: s_j plus every B_k's diagonal (docs/models.md §3.5).
                var sigma = new double[d];
                for (int j = 0; j < d; j++)
                {
                    double sum = step.ScaleDiagonal[j];
                    for (int c = 0; c < k; c++) sum += step.Scatter[c][j * d + j];
                    sigma[j] = sum / (step.Total + k + step.Nu0 + 2);
                }
                foreach (double[] s in covariances) VolumeShape.Assemble(1.0, sigma, [], s, d);
                return;
            }
            case (Variation.Variable, Variation.Equal):
            {
                var divisors = new double[k];
                for (int c = 0; c < k; c++) divisors[c] = d * step.Counts[c] + step.Nu0 + 3;
                (double[] volumes, double[] a) = WarmStart(previous, k, d);
                VolumeShape.Alternate(b, divisors, new bool[k], volumes, a);
                for (int c = 0; c < k; c++) VolumeShape.Assemble(volumes[c], a, [], covariances[c], d);
                return;
            }
            case (Variation.Equal, _):
            {
                double sum = 0;
                var g = new double[k];
                for (int c = 0; c < k; c++) sum += g[c] = VolumeShape.Normalize(b[c]);
                double lambda = sum / (step.Total + step.Nu0 + 2);
                for (int c = 0; c < k; c++) VolumeShape.Assemble(lambda, b[c], [], covariances[c], d);
                return;
            }
            default:
                for (int c = 0; c < k; c++) VolumeShape.Assemble(1.0 / (step.Counts[c] + step.Nu0 + 3), b[c], [], covariances[c], d);
                return;
        }
    }

    /// <summary>
    /// Log priors (docs/models.md): EEI Σ_j log IG(Σ_jj | ν0/2, s_j/2); VVI the same for every component;
    /// EVI −(D(ν0 + 2 − K)/2) log λ − ½ Σ_k Σ_j s_j/Σ_k,jj; VEI Σ_k [−((ν0 + 3 − D)/2) log λ_k − ½ Σ_j s_j/Σ_k,jj];
    /// the last two are kernels (improper), with log λ_k = log|Σ_k| / D.
    /// </summary>
    private protected override double CovarianceLogPrior(GaussianMixture mixture, NormalInverseWishart prior)
    {
        int d = mixture.Dimension, k = mixture.ComponentCount;
        double nu0 = prior.Nu0;
        double[] s = PosteriorStep.DiagonalScale(prior);
        double sum = 0;
        if (_volume == _shape)
        {
            // EEI's components share one Σ: count its prior once.
            int count = _volume == Variation.Equal ? 1 : k;
            for (int c = 0; c < count; c++)
            {
                double[] sigma = mixture.Component(c).Covariance;
                for (int j = 0; j < d; j++) sum += VolumeShape.LogInverseGamma(sigma[j * d + j], nu0 / 2, s[j] / 2);
            }
            return sum;
        }
        double logVolumes = 0;
        for (int c = 0; c < k; c++)
        {
            double[] sigma = mixture.Component(c).Covariance;
            for (int j = 0; j < d; j++) sum -= 0.5 * s[j] / sigma[j * d + j];
            logVolumes += mixture.Component(c).LogDeterminant / d;
        }
        // EVI: one volume (the components' log λ agree to rounding; their mean keeps the sum symmetric).
        return _volume == Variation.Equal
            ? sum - d * (nu0 + 2 - k) / 2 * (logVolumes / k)
            : sum - (nu0 + 3 - d) / 2 * logVolumes;
    }

    /// <summary>VEI's start: the previous M-step's λ_k and A (as mclust), else λ = 1, A = 1 (mclust's first M-step).</summary>
    private static (double[] Volumes, double[] Shape) WarmStart(GaussianMixture? previous, int k, int d)
    {
        double[]? volumes = VolumeShape.PreviousVolumes(previous, k, d);
        if (volumes is not null)
        {
            double[] sigma = previous!.Component(0).Covariance;
            var a = new double[d];
            for (int j = 0; j < d; j++) a[j] = sigma[j * d + j];
            VolumeShape.Normalize(a);
            if (a.All(v => v > 0 && double.IsFinite(v))) return (volumes, a);
        }
        return ([.. Enumerable.Repeat(1.0, k)], [.. Enumerable.Repeat(1.0, d)]);
    }
}
