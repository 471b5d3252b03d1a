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

    /// <summary>
    /// The largest α accepted: K·α and N + K(α − 1) stay far inside double range for any K, and far past
    /// it the weights are equal to every digit anyway (the log joint is computed stably up to it).
    /// </summary>
    public const double MaxAlpha = 1e100;

    /// <summary>Creates the prior, validating 1 ≤ α ≤ <see cref="MaxAlpha"/>.</summary>
    /// <exception cref="ModelInputException">α is outside [1, <see cref="MaxAlpha"/>] (an <see cref="ArgumentOutOfRangeException"/> for "alpha").</exception>
    public Dirichlet(double alpha = DefaultAlpha)
    {
        if (!(alpha >= 1.0 && alpha <= MaxAlpha))
        {
            throw new ModelInputException(nameof(alpha),
                $"alpha = {Format(alpha)} is out of range: the Dirichlet concentration must be a number ≥ 1 and ≤ 1e100 (1 = flat prior on the weights; larger values pull the weights towards equal).");
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
        if (Alpha > StableFormAbove) return StableLogDensity(weights);
        double value = SpecialFunctions.LogGamma(k * Alpha) - k * SpecialFunctions.LogGamma(Alpha);
        if (Alpha != 1.0)
        {
            double sumLog = 0;
            foreach (double w in weights) sumLog += Math.Log(w);
            value += (Alpha - 1.0) * sumLog;
        }
        return value;
    }

    /// <summary>
    /// Above this α the terms of log Dir, each of order Kα log K, are summed in the form of
    /// <see cref="StableLogDensity"/>; below it the direct sum loses at most ~1e-12 and stays as it was.
    /// </summary>
    internal const double StableFormAbove = 1e4;

    /// <summary>
    /// log Dir(π | α) without the cancellation of log Γ(Kα) − K log Γ(α) against (α − 1) Σ log π_k (each
    /// ~Kα log K, while their sum is ~log α): by Stirling, log Γ(x) = (x − ½) log x − x + ½ log 2π + s(x), so
    /// log Γ(Kα) − K log Γ(α) = (Kα − ½) log K + ((K − 1)/2)(log α − log 2π) + s(Kα) − K s(α), the x terms
    /// cancelling exactly; and (Kα − ½) log K + (α − 1) Σ log π_k = (α − 1) Σ log(K π_k) + (K − ½) log K.
    /// </summary>
    private double StableLogDensity(ReadOnlySpan<double> weights)
    {
        int k = weights.Length;
        // Σ log(K π̃_k) at the normalised weights π̃ = π / Σπ, from e_k = Kπ_k − 1 (one rounding, relative to
        // e_k: the weights are near 1/K when α is large): the rounded weights sum to 1 ± Ku, and each Kπ_k
        // rounded on its own would carry an absolute error u that (α − 1) turns into ~Kα·u. At the mode the
        // weights' own rounding moves L only to second order.
        double sumLog = 0, sumE = 0;
        foreach (double w in weights)
        {
            double e = Math.FusedMultiplyAdd(k, w, -1.0);
            sumLog += SpecialFunctions.LogOnePlus(e);
            sumE += e;
        }
        sumLog -= k * SpecialFunctions.LogOnePlus(sumE / k);
        return (Alpha - 1.0) * sumLog + (k - 0.5) * Math.Log(k)
            + 0.5 * (k - 1) * (Math.Log(Alpha) - SpecialFunctions.LogTwoPi)
            + SpecialFunctions.StirlingSeries(k * Alpha) - k * SpecialFunctions.StirlingSeries(Alpha);
    }

    internal static string Format(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
