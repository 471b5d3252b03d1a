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
        K = mixture.ComponentCount;
        D = mixture.Dimension;
        Means = new double[K * D];
        PrecisionFactors = new double[K * D * D];
        LogConstants = new double[K];
        Log2Factors = new double[K * D * D];
        Log2Constants = new double[K];
        for (int k = 0; k < K; k++)
        {
            GaussianComponent c = mixture.Component(k);
            c.Mean.CopyTo(Means, k * D);
            c.PrecisionFactor.CopyTo(PrecisionFactors, k * D * D);
            double w = mixture.Weights[k];
            LogConstants[k] = w > 0
                ? Math.Log(w) - 0.5 * (D * SpecialFunctions.LogTwoPi + c.LogDeterminant)
                : double.NegativeInfinity;
            Log2Constants[k] = LogConstants[k] * FastMath.Log2E;
        }
        // ½·log2(e)·‖P d‖² = ‖Q d‖² with Q = √(½·log2 e)·P.
        double scale = Math.Sqrt(0.5 * FastMath.Log2E);
        for (int i = 0; i < Log2Factors.Length; i++) Log2Factors[i] = PrecisionFactors[i] * scale;
    }

    public int K { get; }
    public int D { get; }

    /// <summary>μ_k, K×D row-major.</summary>
    public double[] Means { get; }

    /// <summary>P_k, K blocks of D×D row-major lower-triangular.</summary>
    public double[] PrecisionFactors { get; }

    /// <summary>c_k.</summary>
    public double[] LogConstants { get; }

    /// <summary>
    /// The same in bits, for the vectorised kernels: Q_k = √(½ log2 e)·P_k and c_k·log2 e, so that
    /// log2 π_k N(x | μ_k, Σ_k) = c_k·log2 e − ‖Q_k (x − μ_k)‖² and its exponential is a power of two.
    /// </summary>
    public double[] Log2Factors { get; }

    /// <summary>c_k·log2 e (−∞ for a component of weight 0).</summary>
    public double[] Log2Constants { get; }
}
