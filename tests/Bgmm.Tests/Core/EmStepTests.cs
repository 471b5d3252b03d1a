using Bgmm.Numerics;
using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Core;

/// <summary>One EM step against the slow reference, and the M-step's optimality.</summary>
public class EmStepTests
{
    public static TheoryData<int, int, double> Cases => new()
    {
        { 1, 1, 1.0 }, { 1, 3, 5.0 }, { 2, 2, 1.0 }, { 3, 2, 100.0 }, { 3, 4, 1.0 }, { 5, 3, 2.5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneStep_MatchesSlowReference(int d, int k, double alpha)
    {
        (double[][] x, double[] w) = RandomData(d, 60, seed: (ulong)(d * 10 + k), weighted: true);
        MixturePrior prior = RandomPrior(d, alpha, seed: (ulong)k);
        GaussianMixture init = RandomMixture(d, k, seed: (ulong)(d + k));

        FitResult fit = MapEmFitter.Fit(Dataset.FromRows(x, w), prior,
            new FitOptions(k) { MaxIterations = 1, Tolerance = 0, Initialization = Initialization.FromMixture(init) });
        SlowPrior sp = SlowPrior.From(prior);
        SlowMixture step = SlowEm.MStep(x, w, SlowEm.Responsibilities(x, SlowMixture.From(init)), sp);

        // 1e-10: a single step of float64 arithmetic in different orders (Cholesky vs Gauss–Jordan,
        // shifted vs two-pass scatter) differs by ~1e-14 relative on these well-conditioned cases.
        Assert.True(Norms.Relative(fit.LogJointTrace[0], SlowEm.LogJoint(x, w, SlowMixture.From(init), sp)) < 1e-10);
        Assert.True(Norms.Relative(fit.LogJointTrace[1], SlowEm.LogJoint(x, w, step, sp)) < 1e-10);
        GaussianMixture expected = ToyStudyTests.Canonical(step.ToLibrary());
        GaussianMixture actual = ToyStudyTests.Canonical(fit.Mixture);
        Assert.True(Norms.MixtureRelative(actual, expected.Weights, expected.Means, expected.Covariances) < 1e-10);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogJoint_MatchesSlowReference_IncludingEveryPriorTerm(int d, int k, double alpha)
    {
        (double[][] x, double[] w) = RandomData(d, 40, seed: 7, weighted: false);
        MixturePrior prior = RandomPrior(d, alpha, seed: 3);
        GaussianMixture m = RandomMixture(d, k, seed: 11);

        double slowPrior = SlowEm.LogPrior(SlowMixture.From(m), SlowPrior.From(prior));
        // 1e-12: the same formula evaluated in two ways (Cholesky/Stirling vs LU/Lanczos).
        Assert.True(Norms.Relative(prior.LogDensity(m), slowPrior) < 1e-12);
        Assert.True(Norms.Relative(m.LogJoint(Dataset.FromRows(x), prior), SlowEm.LogJoint(x, w, SlowMixture.From(m), SlowPrior.From(prior))) < 1e-12);
    }

    [Fact]
    public void MStep_IsAMaximumOfTheExpectedCompleteDataLogJoint()
    {
        const int d = 3, k = 3;
        (double[][] x, double[] w) = RandomData(d, 80, seed: 5, weighted: true);
        MixturePrior prior = RandomPrior(d, 3.0, seed: 9);
        SlowPrior sp = SlowPrior.From(prior);
        double[,] r = SlowEm.Responsibilities(x, SlowMixture.From(RandomMixture(d, k, seed: 2)));

        GaussianMixture optimum = MStepFromResponsibilities(x, w, r, prior);
        double best = ExpectedCompleteLogJoint(x, w, r, SlowMixture.From(optimum), sp);

        var rng = new RandomStream(42);
        for (int trial = 0; trial < 300; trial++)
        {
            SlowMixture perturbed = Perturb(SlowMixture.From(optimum), rng, scale: trial < 150 ? 1e-3 : 1e-5);
            double q = ExpectedCompleteLogJoint(x, w, r, perturbed, sp);
            // Rounding in Q (a sum of ~N·K terms of size ~10): 1e-12 relative.
            Assert.True(q <= best + 1e-12 * Math.Abs(best), $"trial {trial}: perturbed Q {q:R} > optimum {best:R}");
        }
    }

    /// <summary>Q(θ) = Σ_n Σ_k w_n r_nk [log π_k + log N(x_n | μ_k, Σ_k)] + log p(θ).</summary>
    private static double ExpectedCompleteLogJoint(double[][] x, double[] w, double[,] r, SlowMixture m, SlowPrior p)
    {
        double q = 0;
        for (int i = 0; i < x.Length; i++)
        {
            for (int c = 0; c < m.K; c++) q += w[i] * r[i, c] * (Math.Log(m.Weights[c]) + SlowEm.LogGaussian(x[i], m.Means[c], m.Covariances[c]));
        }
        return q + SlowEm.LogPrior(m, p);
    }

    /// <summary>The library's M-step applied to statistics built exactly from given responsibilities.</summary>
    private static GaussianMixture MStepFromResponsibilities(double[][] x, double[] w, double[,] r, MixturePrior prior)
    {
        int k = r.GetLength(1), d = x[0].Length;
        MixtureStatistics total = new(k, d);
        for (int i = 0; i < x.Length; i++)
        {
            var s = new MixtureStatistics(k, d);
            Span<double> raw = s.Raw;
            int stride = 1 + d + d * d;
            for (int c = 0; c < k; c++)
            {
                raw[c * stride] = w[i] * r[i, c];
                for (int a = 0; a < d; a++) raw[c * stride + 1 + a] = x[i][a];
            }
            total = MixtureStatistics.Merge(total, s);
        }
        return MapEmFitter.MStep(total, prior);
    }

    private static SlowMixture Perturb(SlowMixture m, RandomStream rng, double scale)
    {
        int k = m.K, d = m.D;
        var weights = m.Weights.Select(v => v * Math.Exp(scale * rng.NextGaussian())).ToArray();
        double sum = weights.Sum();
        var means = m.Means.Select(mu => mu.Select(v => v + scale * rng.NextGaussian()).ToArray()).ToArray();
        var covs = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            covs[c] = (double[,])m.Covariances[c].Clone();
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double e = scale * rng.NextGaussian() * Math.Sqrt(m.Covariances[c][i, i] * m.Covariances[c][j, j]);
                    covs[c][i, j] += e;
                    if (i != j) covs[c][j, i] += e;
                }
            }
        }
        return new SlowMixture { Weights = [.. weights.Select(v => v / sum)], Means = means, Covariances = covs };
    }

    internal static (double[][] X, double[] W) RandomData(int d, int n, ulong seed, bool weighted)
    {
        var rng = new RandomStream(seed);
        var x = new double[n][];
        for (int i = 0; i < n; i++)
        {
            double offset = (i % 3) * 2.0;
            x[i] = [.. Enumerable.Range(0, d).Select(j => offset * (j % 2 == 0 ? 1 : -1) + rng.NextGaussian())];
        }
        double[] w = [.. Enumerable.Range(0, n).Select(_ => weighted ? 0.25 + 2 * rng.NextDouble() : 1.0)];
        return (x, w);
    }

    internal static MixturePrior RandomPrior(int d, double alpha, ulong seed)
    {
        var rng = new RandomStream(seed, 1);
        double[] mu0 = [.. Enumerable.Range(0, d).Select(_ => rng.NextGaussian())];
        var a = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) a[i, j] = rng.NextGaussian() * 0.3;
        }
        var sigma0 = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double s = i == j ? 0.5 : 0;
                for (int m = 0; m < d; m++) s += a[i, m] * a[j, m];
                sigma0[i, j] = s;
            }
        }
        return MixturePrior.Create(d, alpha, mu0, 0.1 + 2 * rng.NextDouble(), d - 1 + 0.5 + 3 * rng.NextDouble(), sigma0);
    }

    internal static GaussianMixture RandomMixture(int d, int k, ulong seed)
    {
        var rng = new RandomStream(seed, 2);
        var weights = Enumerable.Range(0, k).Select(_ => 0.2 + rng.NextDouble()).ToArray();
        double sum = weights.Sum();
        var means = Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, d).Select(_ => 2 * rng.NextGaussian()).ToArray()).ToArray();
        var covs = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            MixturePrior p = RandomPrior(d, 1, seed * 31 + (ulong)c);
            covs[c] = p.ComponentPrior.Sigma0;
            for (int i = 0; i < d; i++) covs[c][i, i] += 0.5;
        }
        return new GaussianMixture([.. weights.Select(v => v / sum)], means, covs);
    }
}
