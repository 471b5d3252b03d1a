using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// EEV (λ D_k A D_kᵀ) and VEV (λ_k D_k A D_kᵀ), docs/models.md §3.10–§3.11: one eigendecomposition
/// Ψ_k = Λ0 + B_k = D_k diag(ω_k) D_kᵀ per component (ω_k decreasing), then EEV in closed form,
/// a = Σ_k ω_k, λ = g(a) / (ν0 + D + 2 + n), A = a/g(a); VEV by the volume–shape alternation with
/// divisors D·N_k (mclust's VEV does not use ν0).
/// </summary>
internal sealed class OrientedCovariance(Variation volume) : ConstrainedCovariance(volume, Variation.Equal, Variation.Variable)
{
    private readonly bool _equal = volume == Variation.Equal;

    private protected override int CovarianceParameterCount(int componentCount, int dimension) =>
        (_equal ? 1 : componentCount) + dimension - 1 + componentCount * dimension * (dimension - 1) / 2;

    private protected override CovarianceModel? OneComponent => _equal ? null : VVV;

    private protected override void Covariances(PosteriorStep step, GaussianMixture? previous, double[][] covariances)
    {
        int d = step.D, k = step.K;
        var omega = new double[k][];
        var vectors = new double[k][];
        var a = new double[d];
        for (int c = 0; c < k; c++)
        {
            omega[c] = new double[d];
            vectors[c] = new double[d * d];
            SymmetricEigen.Decompose(step.ScatterPlusScale(c), d, omega[c], vectors[c]);
            for (int j = 0; j < d; j++) a[j] += omega[c][j];
        }
        if (_equal)
        {
            double lambda = VolumeShape.Normalize(a) / (step.Nu0 + d + 2 + step.Total);
            for (int c = 0; c < k; c++) VolumeShape.Assemble(lambda, a, vectors[c], covariances[c], d);
            return;
        }
        double[] volumes = Start(previous, step, a, out bool[] empty);
        var divisors = new double[k];
        for (int c = 0; c < k; c++) divisors[c] = d * step.Counts[c];
        VolumeShape.Alternate(omega, divisors, empty, volumes, a);
        for (int c = 0; c < k; c++) VolumeShape.Assemble(volumes[c], a, vectors[c], covariances[c], d);
    }

    /// <summary>
    /// EEV: −(D(ν0 + D + 2 − K)/2) log λ − ½ Σ_k tr(Σ_k⁻¹ Λ0); VEV: Σ_k [(D/2) log λ_k − ½ tr(Σ_k⁻¹ Λ0)]
    /// (kernels of improper priors), with D log λ_k = log|Σ_k|.
    /// </summary>
    private protected override double CovarianceLogPrior(GaussianMixture mixture, NormalInverseWishart prior)
    {
        int d = mixture.Dimension, k = mixture.ComponentCount;
        double sum = 0, logDeterminants = 0;
        for (int c = 0; c < k; c++)
        {
            GaussianComponent component = mixture.Component(c);
            sum -= 0.5 * SmallMatrix.TraceCongruence(component.PrecisionFactor, prior.Sigma0Flat, d);
            logDeterminants += component.LogDeterminant;
        }
        // EEV's one volume: the components' log|Σ_k| agree to rounding; their mean keeps the sum symmetric.
        return _equal ? sum - (prior.Nu0 + d + 2 - k) / 2 * (logDeterminants / k) : sum + 0.5 * logDeterminants;
    }

    /// <summary>
    /// VEV's start: the previous M-step's λ_k and A (as mclust), else mclust's first M-step's λ_k = g(a)/N_k,
    /// A = a/g(a). A component with no mass (N_k ≤ <see cref="EmDriver.EmptyFraction"/>·n, where mclust
    /// stops) keeps its previous volume, since its prior alone has no finite mode (λ_k → ∞); without a
    /// previous one it starts at g(a)/n.
    /// </summary>
    private static double[] Start(GaussianMixture? previous, PosteriorStep step, double[] a, out bool[] empty)
    {
        int k = step.K, d = step.D;
        empty = new bool[k];
        for (int c = 0; c < k; c++) empty[c] = !(step.Counts[c] > EmDriver.EmptyFraction * step.Total);
        double[]? volumes = VolumeShape.PreviousVolumes(previous, k, d);
        var shape = new double[d];
        if (volumes is not null)
        {
            var vectors = new double[d * d];
            SymmetricEigen.Decompose(previous!.Component(0).Covariance, d, shape, vectors);
            if (shape.All(v => v > 0 && double.IsFinite(v)))
            {
                VolumeShape.Normalize(shape);
                shape.CopyTo(a, 0);
                return volumes;
            }
        }
        double g = VolumeShape.Normalize(a);
        volumes = new double[k];
        for (int c = 0; c < k; c++) volumes[c] = g / (empty[c] ? step.Total : step.Counts[c]);
        return volumes;
    }
}
