using Bgmm.Numerics;

namespace Bgmm.Cli.Synthetic;

/// <summary>
/// The original study's toy check (SPEC §4): two 2-D clusters centred at (5, 5) and (8, 8) with
/// identity covariances, 200 points each, and the prior it was fitted with.
/// </summary>
public static class ToyData
{
    /// <summary>The true cluster centres.</summary>
    public static IReadOnlyList<double[]> Centres { get; } = [[5.0, 5.0], [8.0, 8.0]];

    /// <summary>
    /// The study's prior: α = 1, μ0 = 0, κ0 = 1, ν0 = 3, Σ0 = I (D = 2).
    /// </summary>
    public static MixturePrior Prior(double kappa0 = 1.0) => MixturePrior.Create(2, alpha: 1.0, kappa0: kappa0, nu0: 3.0);

    /// <summary>The study's fit: K = 2, 300 iterations with tolerance 0 (a fixed count).</summary>
    public static FitOptions Options(ulong seed = 0) => new(2) { MaxIterations = 300, Tolerance = 0, Seed = seed };

    /// <summary>
    /// 2 × <paramref name="perCluster"/> points: first the cluster at (5, 5), then the one at (8, 8),
    /// each N(centre, I), reproducible from <paramref name="seed"/>.
    /// </summary>
    public static double[][] Generate(ulong seed = 0, int perCluster = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perCluster, 1);
        var rng = new RandomStream(seed, stream: 0x70);
        var rows = new double[2 * perCluster][];
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < perCluster; i++)
            {
                rows[c * perCluster + i] = [Centres[c][0] + rng.NextGaussian(), Centres[c][1] + rng.NextGaussian()];
            }
        }
        return rows;
    }
}
