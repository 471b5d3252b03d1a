using Bgmm.Numerics;

namespace Bgmm.Kernels;

/// <summary>
/// The mixture in the form the per-point kernels read: for each component its mean, its precision
/// factor P_k (lower triangular, Σ_k⁻¹ = P_kᵀ P_k) and the constant
/// c_k = log π_k − (D/2) log 2π − ½ log|Σ_k| (−∞ for a component of weight 0), so that
/// log π_k N(x | μ_k, Σ_k) = c_k − ½ ‖P_k (x − μ_k)‖².
/// </summary>
internal sealed class EStepModel
{
    public EStepModel(GaussianMixture mixture)
    {
        K = mixture.Components;
        D = mixture.Dimension;
        Means = new double[K * D];
        PrecisionFactors = new double[K * D * D];
        LogConstants = new double[K];
        for (int k = 0; k < K; k++)
        {
            GaussianComponent c = mixture.Component(k);
            c.Mean.CopyTo(Means, k * D);
            c.PrecisionFactor.CopyTo(PrecisionFactors, k * D * D);
            double w = mixture.Weights[k];
            LogConstants[k] = w > 0
                ? Math.Log(w) - 0.5 * (D * SpecialFunctions.LogTwoPi + c.LogDeterminant)
                : double.NegativeInfinity;
        }
    }

    public int K { get; }
    public int D { get; }

    /// <summary>μ_k, K×D row-major.</summary>
    public double[] Means { get; }

    /// <summary>P_k, K blocks of D×D row-major lower-triangular.</summary>
    public double[] PrecisionFactors { get; }

    /// <summary>c_k.</summary>
    public double[] LogConstants { get; }
}
