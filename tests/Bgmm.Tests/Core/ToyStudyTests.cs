using Bgmm.Cli.Synthetic;
using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Core;

/// <summary>The original study's toy check (SPEC §4), where its float32 code crashed.</summary>
public class ToyStudyTests
{
    private static readonly double[][] Points = ToyData.Generate(seed: 0);

    [Fact]
    public void Fit_ToyStudy_CompletesWithNonDecreasingTrace()
    {
        FitResult fit = MapEmFitter.Fit(Dataset.FromRows(Points), ToyData.Prior(), ToyData.Options());

        Assert.Equal(300, fit.Iterations);
        Assert.Equal(301, fit.LogJointTrace.Count);
        Assert.False(fit.Converged);
        Norms.AssertNonDecreasing(fit.LogJointTrace, Points.Length);
    }

    [Fact]
    public void Fit_ToyStudy_MatchesSlowReferenceFromTheSameInit()
    {
        // Start both from the library's own random init (the fit with 0 iterations returns it).
        var data = Dataset.FromRows(Points);
        GaussianMixture init = InitialMixture(data, ToyData.Prior(), seed: 0);
        FitResult fit = MapEmFitter.Fit(data, ToyData.Prior(), ToyData.Options() with { Initialization = Initialization.FromMixture(init) });

        var weights = Enumerable.Repeat(1.0, Points.Length).ToArray();
        (SlowMixture reference, double[] trace) = SlowEm.Fit(Points, weights, SlowMixture.From(init), SlowPrior.From(ToyData.Prior()), 300);

        // 1e-9: both are float64 implementations of the same iteration; rounding differences of
        // ~1e-16 per operation are amplified by at most a few orders over 300 contracting steps.
        Assert.True(Norms.Relative([.. fit.LogJointTrace], trace) < 1e-9);
        GaussianMixture canonicalReference = Canonical(reference.ToLibrary());
        Assert.True(Norms.MixtureRelative(fit.Mixture, canonicalReference.Weights, canonicalReference.Means, canonicalReference.Covariances) < 1e-9);
    }

    [Fact]
    public void Fit_ToyStudy_RecoversTheTrueMeans()
    {
        FitResult fit = MapEmFitter.Fit(Dataset.FromRows(Points), ToyData.Prior(), ToyData.Options());

        // 0.5: with 200 points per cluster the sample means are within ~0.2 of the truth (3σ of
        // 1/√200 per axis), and the prior (μ0 = 0, κ0 = 1) pulls each mean by ~|μ|/201 ≈ 0.06.
        AssertMeansNear(fit.Mixture, 0.5);
    }

    [Fact]
    public void Fit_WeakPriorWithRestarts_RecoversMeansAndCovariances()
    {
        FitResult fit = MapEmFitter.Fit(Dataset.FromRows(Points), ToyData.Prior(kappa0: 0.01), ToyData.Options() with { Restarts = 5 });

        // κ0 = 0.01 removes the prior's pull on the means and the (1,1) inflation of Σ; what is left
        // is sampling error: means ~0.07 per axis (3σ ≈ 0.2 < 0.3), covariance entries ~0.1
        // (3σ ≈ 0.3 < 0.4), plus Σ0/(N_k + ν0 + D + 2) ≈ 0.005 from the IW prior.
        AssertMeansNear(fit.Mixture, 0.3);
        for (int k = 0; k < 2; k++)
        {
            double[,] cov = fit.Mixture.GetCovariance(k);
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++) Assert.InRange(cov[i, j] - (i == j ? 1.0 : 0.0), -0.4, 0.4);
            }
        }
    }

    private static void AssertMeansNear(GaussianMixture m, double tolerance)
    {
        // Match fitted components to the true centres by the first coordinate.
        double[][] means = [.. m.Means.OrderBy(x => x[0])];
        for (int c = 0; c < 2; c++)
        {
            for (int j = 0; j < 2; j++) Assert.InRange(means[c][j] - ToyData.Centres[c][j], -tolerance, tolerance);
        }
    }

    internal static GaussianMixture InitialMixture(Dataset data, MixturePrior prior, ulong seed, int k = 2, Initialization? init = null) =>
        MapEmFitter.Fit(data, prior, new FitOptions(k) { MaxIterations = 0, Seed = seed, Initialization = init ?? Initialization.Random }).Mixture;

    internal static GaussianMixture Canonical(GaussianMixture m)
    {
        int[] order = [.. Enumerable.Range(0, m.ComponentCount).OrderByDescending(k => m.Weights[k]).ThenBy(k => m.GetMean(k)[0])];
        return new GaussianMixture([.. order.Select(k => m.Weights[k])], [.. order.Select(m.GetMean)], [.. order.Select(m.GetCovariance)]);
    }
}
