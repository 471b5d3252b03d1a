using Bgmm.Numerics;
using Bgmm.Tests.Support;
using CsCheck;

namespace Bgmm.Tests.Core;

/// <summary>SPEC §2: MAP-EM never decreases the log joint — the first thing to check.</summary>
public class MonotonicityPropertyTests
{
    [Fact]
    public void Fit_TraceNeverDecreases_OnRandomProblems()
    {
        // A case is a seed plus its shape; everything else is drawn from the seed so that a failing
        // case is reproducible and shrinks towards small seeds, dimensions and component counts.
        Gen<(ulong Seed, int D, int K, int N, int Init)> cases =
            Gen.Select(Gen.ULong, Gen.Int[1, 5], Gen.Int[1, 6], Gen.Int[6, 120], Gen.Int[0, 2]);

        cases.Sample(c =>
        {
            (Dataset data, MixturePrior prior) = RandomProblem(c.Seed, c.D, c.N);
            int k = (int)Math.Min(c.K, data.PointCount);
            Initialization init = c.Init switch
            {
                0 => Initialization.Random,
                1 => Initialization.KMeansPlusPlus,
                _ => Initialization.FromMixture(EmStepTests.RandomMixture(c.D, k, c.Seed)),
            };
            FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(k) { MaxIterations = 60, Tolerance = 0, Seed = c.Seed, Initialization = init });

            Norms.AssertNonDecreasing(fit.LogJointTrace, data.TotalWeight);
            Assert.All(fit.LogJointTrace, v => Assert.True(double.IsFinite(v)));
            Assert.True(Math.Abs(fit.Mixture.Weights.Sum() - 1) < 1e-12);
        }, iter: 150, threads: 1);
    }

    /// <summary>
    /// The same property for every covariance model (docs/models.md: each M-step maximises its documented
    /// objective, VEI and VEV by coordinate ascent), from every kind of start — random points, k-means++, an
    /// explicit mixture of the model, a partition — under a random prior or mclust's empirical one.
    /// </summary>
    [Fact]
    public void Fit_TraceNeverDecreases_ForEveryCovarianceModel()
    {
        Gen<(ulong Seed, int D, int K, int N, int Init, int Model, bool Empirical)> cases =
            Gen.Select(Gen.ULong, Gen.Int[1, 5], Gen.Int[1, 6], Gen.Int[6, 120], Gen.Int[0, 3], Gen.Int[0, 9], Gen.Bool);

        cases.Sample(c =>
        {
            (Dataset data, MixturePrior randomPrior) = RandomProblem(c.Seed, c.D, c.N);
            int k = (int)Math.Min(c.K, data.PointCount);
            IReadOnlyList<CovarianceModel> models = c.D == 1 ? [CovarianceModel.E, CovarianceModel.V, CovarianceModel.VVV] : CovarianceModel.For(c.D);
            CovarianceModel model = models[c.Model % models.Count];
            // mclust's prior from fewer than a few points per dimension is (nearly) singular and only the ridge
            // keeps it valid (condition ~1e6): L's rounding then grows past the assertion's 1e-12 (a 2-cycle of
            // ~1e-9 at a fixed point). The property is the algorithm's, so take it where the prior is well conditioned.
            bool empirical = c.Empirical && data.PointCount >= 4 * c.D;
            MixturePrior prior = empirical ? MixturePrior.Empirical(data, k, model) : randomPrior;
            int[] labels = PartitionLabels(data, k);
            Initialization init = c.Init switch
            {
                0 => Initialization.Random,
                1 => Initialization.KMeansPlusPlus,
                2 => Initialization.FromMixture(model.PosteriorMode(MixtureStatistics.FromPartition(data, labels, k), prior)),
                _ => Initialization.FromPartition(labels),
            };
            FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(k) { Model = model, MaxIterations = 40, Tolerance = 0, Seed = c.Seed, Initialization = init });

            Norms.AssertNonDecreasing(fit.LogJointTrace, data.TotalWeight);
            Assert.All(fit.LogJointTrace, v => Assert.True(double.IsFinite(v)));
            Assert.True(Math.Abs(fit.Mixture.Weights.Sum() - 1) < 1e-12);
        }, iter: 400, threads: 1);
    }

    /// <summary>Labels 0..K−1 dealt in turn to the rows of positive weight (rows of weight 0 get 0), so no class is empty.</summary>
    internal static int[] PartitionLabels(Dataset data, int k)
    {
        var labels = new int[data.Count];
        int next = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (data.Weight(i) > 0) labels[i] = next++ % k;
        }
        return labels;
    }

    /// <summary>Clustered data of random scale and offset, with random weights, and a random valid prior.</summary>
    internal static (Dataset Data, MixturePrior Prior) RandomProblem(ulong seed, int d, int n)
    {
        var rng = new RandomStream(seed, 7);
        double scale = Math.Pow(10, 2 * rng.NextDouble() - 1);
        int clusters = 1 + (int)rng.NextInt64(4);
        var centres = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, d).Select(_ => 4 * rng.NextGaussian()).ToArray()).ToArray();
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            double[] c = centres[i % clusters];
            rows[i] = [.. c.Select(v => scale * (v + rng.NextGaussian()))];
        }
        double[]? weights = rng.NextDouble() < 0.5 ? null : [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.1 ? 0 : 3 * rng.NextDouble() + 0.01)];
        if (weights is not null && weights.All(w => w == 0)) weights[0] = 1;
        MixturePrior prior = EmStepTests.RandomPrior(d, 1 + (rng.NextDouble() < 0.5 ? 0 : 50 * rng.NextDouble()), seed);
        return (Dataset.FromRows(rows, weights), prior);
    }
}
