using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// One Gaussian N(μ, Σ) held with the factors the densities need: Σ = C Cᵀ (lower Cholesky) and the
/// precision factor P = C⁻¹, so (x−μ)ᵀ Σ⁻¹ (x−μ) = ‖P(x−μ)‖² and log|Σ| = 2 Σ log C_ii.
/// Nothing is inverted but the triangular factor.
/// </summary>
internal sealed class GaussianComponent
{
    public GaussianComponent(double[] mean, double[] covariance, double[] cholesky)
    {
        int d = mean.Length;
        Mean = mean;
        Covariance = covariance;
        Cholesky = cholesky;
        PrecisionFactor = new double[d * d];
        SmallMatrix.InvertLower(cholesky, PrecisionFactor, d);
        LogDeterminant = SmallMatrix.LogDeterminantFromCholesky(cholesky, d);
    }

    public double[] Mean { get; }
    public double[] Covariance { get; }
    public double[] Cholesky { get; }
    public double[] PrecisionFactor { get; }
    public double LogDeterminant { get; }
    public int Dimension => Mean.Length;

    /// <summary>
    /// Builds the component, or returns null when the covariance is not numerically positive
    /// definite. The covariance must already be symmetric.
    /// </summary>
    public static GaussianComponent? TryCreate(double[] mean, double[] covariance)
    {
        var cholesky = new double[covariance.Length];
        return SmallMatrix.TryCholesky(covariance, cholesky, mean.Length)
            ? new GaussianComponent(mean, covariance, cholesky)
            : null;
    }

    /// <summary>log N(x | μ, Σ).</summary>
    public double LogDensity(ReadOnlySpan<double> x)
    {
        int d = Dimension;
        double quad = 0;
        for (int i = 0; i < d; i++)
        {
            double y = 0;
            for (int k = 0; k <= i; k++) y += PrecisionFactor[i * d + k] * (x[k] - Mean[k]);
            quad += y * y;
        }
        return -0.5 * (d * SpecialFunctions.LogTwoPi + LogDeterminant + quad);
    }
}
