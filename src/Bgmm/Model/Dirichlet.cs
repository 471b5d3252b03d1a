using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// The symmetric Dirichlet prior Dirichlet(α·1_K) on the mixture weights, with α ≥ 1 (SPEC §1):
/// then every N_k + α − 1 ≥ 0 and the MAP weights are the closed-form mode.
/// </summary>
public sealed class Dirichlet
{
    /// <summary>Default concentration: α = 1, the flat prior (MAP = maximum likelihood for π).</summary>
    public const double DefaultAlpha = 1.0;

    /// <summary>Creates the prior, validating α ≥ 1 and finite.</summary>
    public Dirichlet(double alpha = DefaultAlpha)
    {
        if (!double.IsFinite(alpha) || alpha < 1.0)
        {
            throw new ModelInputException(nameof(alpha),
                $"alpha = {Format(alpha)} is out of range: the Dirichlet concentration must be a finite number ≥ 1 (1 = flat prior on the weights; larger values pull the weights towards equal).");
        }
        Alpha = alpha;
    }

    /// <summary>The concentration α (the same for every component).</summary>
    public double Alpha { get; }

    /// <summary>
    /// The mode of the Dirichlet posterior: π_k = (N_k + α − 1) / (N + K(α − 1)), N = Σ N_k.
    /// </summary>
    public void PosteriorMode(ReadOnlySpan<double> counts, Span<double> weights)
    {
        double total = 0;
        foreach (double c in counts) total += c;
        double denominator = total + counts.Length * (Alpha - 1.0);
        for (int k = 0; k < counts.Length; k++) weights[k] = (counts[k] + Alpha - 1.0) / denominator;
    }

    /// <summary>
    /// log Dir(π | α) = log Γ(Kα) − K log Γ(α) + (α−1) Σ log π_k, with (α−1)·log π_k taken as 0 when
    /// α = 1 (so a weight of exactly 0 is allowed then).
    /// </summary>
    public double LogDensity(ReadOnlySpan<double> weights)
    {
        int k = weights.Length;
        double value = SpecialFunctions.LogGamma(k * Alpha) - k * SpecialFunctions.LogGamma(Alpha);
        if (Alpha != 1.0)
        {
            double sumLog = 0;
            foreach (double w in weights) sumLog += Math.Log(w);
            value += (Alpha - 1.0) * sumLog;
        }
        return value;
    }

    internal static string Format(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
