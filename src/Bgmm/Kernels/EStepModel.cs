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
        ShiftLimits = new double[K];
        Shifts = Means;
        for (int k = 0; k < K; k++)
        {
            GaussianComponent c = mixture.Component(k);
            c.Mean.CopyTo(Means, k * D);
            c.PrecisionFactor.CopyTo(PrecisionFactors, k * D * D);
            double frobenius = 0;
            foreach (double p in c.PrecisionFactor) frobenius += p * p;
            ShiftLimits[k] = ShiftTolerance / frobenius;
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

    /// <summary>
    /// The points c_k (K×D) the moments are accumulated about: μ_k (the same array as <see cref="Means"/>)
    /// unless a pass chose better ones (<see cref="WithShifts"/>). Scoring always uses μ_k.
    /// </summary>
    public double[] Shifts { get; private set; }

    /// <summary>
    /// Per component, the squared distance |x̄ − c_k|² between a chunk's weighted mean and the shift beyond
    /// which the moments about c_k lose too much to cancellation (<see cref="Kernels.StatisticsPass"/> then
    /// redoes the chunk about its own mean): <see cref="ShiftTolerance"/>·λ with λ = 1/‖P_k‖²_F ≤ the
    /// smallest eigenvalue of Σ_k.
    /// </summary>
    public double[] ShiftLimits { get; }

    /// <summary>
    /// 2^30: Σr(x − c)(x − c)ᵀ about a c at distance δ from the points' mean carries an error of ~u·|δ|²
    /// per unit of weight (u = 2^−53) on a scatter whose smallest scale per point is ≥ λ, so below the limit
    /// the scatter keeps ~23 bits across every direction (what EM's monotonicity can see is far below that),
    /// and above it the moments are redone. Images under the study's prior (|δ|² ≤ 3, λ ≥ 1/(N_k + 9)) reach
    /// it only for a component of over 10⁸ pixels.
    /// </summary>
    public const double ShiftTolerance = 1 << 30;

    /// <summary>This model with the moments accumulated about <paramref name="shifts"/> (K×D) instead.</summary>
    public EStepModel WithShifts(double[] shifts)
    {
        var copy = (EStepModel)MemberwiseClone();
        copy.Shifts = shifts;
        return copy;
    }
}
