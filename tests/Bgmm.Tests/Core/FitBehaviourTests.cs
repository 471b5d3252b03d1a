using Bgmm.Cli.Synthetic;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Core;

/// <summary>Stability, weights, restarts, determinism, canonical order, empty components.</summary>
public class FitBehaviourTests
{
    private static readonly double[][] Toy = ToyData.Generate(seed: 1);

    [Fact]
    public void Fit_DataFarFromTheOrigin_GivesTheShiftedFit()
    {
        const double shift = 1e6;
        double[][] shifted = [.. Toy.Select(r => r.Select(v => v + shift).ToArray())];
        GaussianMixture init = ToyStudyTests.InitialMixture(Dataset.FromRows(Toy), ToyData.Prior(), seed: 0);
        GaussianMixture shiftedInit = new(init.Weights, [.. init.Means.Select(m => m.Select(v => v + shift).ToArray())], init.Covariances);
        var shiftedPrior = MixturePrior.Create(2, 1.0, [shift, shift], 1.0, 3.0);
        var options = new FitOptions(2) { MaxIterations = 100, Tolerance = 0 };

        FitResult a = MapEmFitter.Fit(Dataset.FromRows(Toy), ToyData.Prior(), options with { Initialization = Initialization.FromMixture(init) });
        FitResult b = MapEmFitter.Fit(Dataset.FromRows(shifted), shiftedPrior, options with { Initialization = Initialization.FromMixture(shiftedInit) });

        for (int k = 0; k < 2; k++)
        {
            // Means: the data itself carries 1e6·2⁻⁵² ≈ 2e-10 of rounding per coordinate; 1e-8 absolute
            // allows for its propagation through 100 iterations.
            double[] ma = a.Mixture.GetMean(k), mb = b.Mixture.GetMean(k);
            for (int j = 0; j < 2; j++) Assert.InRange(mb[j] - shift - ma[j], -1e-8, 1e-8);
            // Covariances to 1e-6 relative (the bound); the raw-moment form would lose everything here.
            Assert.True(Norms.Relative(b.Mixture.GetCovariance(k), a.Mixture.GetCovariance(k)) < 1e-6);
        }
    }

    [Fact]
    public void Fit_IntegerWeights_EqualRepeatedPoints()
    {
        int[] counts = [.. Enumerable.Range(0, Toy.Length).Select(i => i % 4)];
        if (counts.All(c => c == 0)) counts[0] = 1;
        double[][] repeated = [.. Toy.SelectMany((row, i) => Enumerable.Repeat(row, counts[i]))];
        GaussianMixture init = ToyStudyTests.InitialMixture(Dataset.FromRows(repeated), ToyData.Prior(), seed: 3);
        var options = new FitOptions(2) { MaxIterations = 50, Tolerance = 0, Initialization = Initialization.FromMixture(init) };

        FitResult weighted = MapEmFitter.Fit(Dataset.FromRows(Toy, [.. counts.Select(c => (double)c)]), ToyData.Prior(), options);
        FitResult expanded = MapEmFitter.Fit(Dataset.FromRows(repeated), ToyData.Prior(), options);

        // 1e-10: the same sums taken in a different grouping.
        Assert.True(Norms.Relative([.. weighted.LogJointTrace], [.. expanded.LogJointTrace]) < 1e-10);
        Assert.True(Norms.MixtureRelative(weighted.Mixture, expanded.Mixture.Weights, expanded.Mixture.Means, expanded.Mixture.Covariances) < 1e-10);
        // "points" counts input rows of positive weight; the total weight is what they stand for.
        Assert.Equal(counts.Count(c => c > 0), weighted.Points);
        Assert.Equal(repeated.Length, expanded.Points);
        Assert.Equal(expanded.TotalWeight, weighted.TotalWeight);
    }

    [Fact]
    public void Fit_CompressedDuplicates_EqualTheUncompressedFit()
    {
        double[][] rows = [.. Toy.Select(r => r.Select(v => Math.Round(v)).ToArray())];
        var data = Dataset.FromRows(rows);
        Dataset compressed = data.Compress();
        var options = new FitOptions(2) { MaxIterations = 40, Tolerance = 0, Seed = 5 };

        FitResult a = MapEmFitter.Fit(data, ToyData.Prior(), options);
        FitResult b = MapEmFitter.Fit(compressed, ToyData.Prior(), options);

        Assert.True(compressed.Count < data.Count / 3);
        Assert.Equal(a.Points, b.Points);
        // Same seed, same initial means: random init draws from the source points.
        Assert.Equal(a.LogJointTrace[0], b.LogJointTrace[0], 1e-9);
        // 1e-10: only the grouping of the sums differs.
        Assert.True(Norms.Relative([.. a.LogJointTrace], [.. b.LogJointTrace]) < 1e-10);
    }

    [Fact]
    public void Restarts_MoreAreNeverWorse_AndEarlierOnesAreUnchanged()
    {
        var data = Dataset.FromRows(Toy);
        var options = new FitOptions(3) { MaxIterations = 30, Tolerance = 0, Seed = 11 };
        FitResult one = MapEmFitter.Fit(data, ToyData.Prior(), options with { Restarts = 1 });
        FitResult three = MapEmFitter.Fit(data, ToyData.Prior(), options with { Restarts = 3 });
        FitResult six = MapEmFitter.Fit(data, ToyData.Prior(), options with { Restarts = 6 });

        Assert.True(three.LogJoint >= one.LogJoint);
        Assert.True(six.LogJoint >= three.LogJoint);
        Assert.Equal(one.RestartLogJoints[0], six.RestartLogJoints[0]);
        Assert.Equal(three.RestartLogJoints, six.RestartLogJoints.Take(3));
        Assert.Equal(six.RestartLogJoints.Max(), six.LogJoint);
        Assert.Equal(six.RestartLogJoints[six.Restart], six.LogJoint);
    }

    [Fact]
    public void Fit_SameSeed_IsBitIdenticalOnOneAndTwoThreads()
    {
        // Enough rows for many chunks, so that two threads really split the work.
        (double[][] x, double[] w) = EmStepTests.RandomData(3, 30_000, seed: 8, weighted: true);
        var data = Dataset.FromRows(x, w);
        var options = new FitOptions(3) { MaxIterations = 15, Tolerance = 0, Restarts = 2, Seed = 4 };

        FitResult a = MapEmFitter.Fit(data, null, options with { Threads = 1 });
        FitResult b = MapEmFitter.Fit(data, null, options with { Threads = 2 });
        FitResult c = MapEmFitter.Fit(data, null, options with { Threads = 7 });

        Norms.AssertBitIdentical(a, b);
        Norms.AssertBitIdentical(a, c);
    }

    [Fact]
    public void Fit_RelabelledInitialComponents_GiveTheSameCanonicalResult()
    {
        var data = Dataset.FromRows(Toy);
        GaussianMixture init = EmStepTests.RandomMixture(2, 3, seed: 6);
        int[] perm = [2, 0, 1];
        GaussianMixture relabelled = new([.. perm.Select(k => init.Weights[k])], [.. perm.Select(init.GetMean)], [.. perm.Select(init.GetCovariance)]);
        var options = new FitOptions(3) { MaxIterations = 80, Tolerance = 0 };

        FitResult a = MapEmFitter.Fit(data, ToyData.Prior(), options with { Initialization = Initialization.FromMixture(init) });
        FitResult b = MapEmFitter.Fit(data, ToyData.Prior(), options with { Initialization = Initialization.FromMixture(relabelled) });

        // 1e-12: only the order of the K-term sums in the E-step differs.
        Assert.True(Norms.MixtureRelative(b.Mixture, a.Mixture.Weights, a.Mixture.Means, a.Mixture.Covariances) < 1e-12);
        for (int k = 1; k < 3; k++) Assert.True(a.Mixture.Weights[k - 1] >= a.Mixture.Weights[k]);
    }

    [Fact]
    public void Fit_MoreComponentsThanClusters_ListsEmptyComponentsWithoutNaN()
    {
        // Two tight, far-apart clusters: with α = 1 the extra components lose every point.
        var rng = new Numerics.RandomStream(3);
        double[][] rows = [.. Enumerable.Range(0, 200).Select(i => new[] { (i < 100 ? 0 : 50) + 0.1 * rng.NextGaussian(), (i < 100 ? 0 : 50) + 0.1 * rng.NextGaussian() })];
        var init = new GaussianMixture([0.25, 0.25, 0.25, 0.25], [[0, 0], [50, 50], [200, 200], [-200, 300]],
            [.. Enumerable.Range(0, 4).Select(_ => new double[,] { { 1, 0 }, { 0, 1 } })]);
        FitResult fit = MapEmFitter.Fit(Dataset.FromRows(rows), MixturePrior.Create(2, alpha: 1.0),
            new FitOptions(4) { MaxIterations = 50, Initialization = Initialization.FromMixture(init) });

        Assert.Equal([2, 3], fit.EmptyComponents);
        Assert.Equal(0.0, fit.Mixture.Weights[2]);
        Assert.Equal(0.0, fit.Mixture.Weights[3]);
        Assert.All(fit.LogJointTrace, v => Assert.True(double.IsFinite(v)));
        Norms.AssertNonDecreasing(fit.LogJointTrace, rows.Length);
        foreach (double[] m in fit.Mixture.Means) Assert.All(m, v => Assert.True(double.IsFinite(v)));
        // Empty components sit at the prior: μ = μ0, Σ = Σ0 / (ν0 + D + 2).
        Assert.Equal([0.0, 0.0], fit.Mixture.GetMean(2));
        Assert.Equal(1.0 / (3 + 2 + 2), fit.Mixture.GetCovariance(3)[0, 0], 15);
    }

    [Fact]
    public void Fit_ToleranceStopsEarly_AndZeroRunsEveryIteration()
    {
        var data = Dataset.FromRows(Toy);
        FitResult early = MapEmFitter.Fit(data, ToyData.Prior(), new FitOptions(2) { MaxIterations = 1000, Tolerance = 1e-6 });
        FitResult fixedCount = MapEmFitter.Fit(data, ToyData.Prior(), new FitOptions(2) { MaxIterations = 37, Tolerance = 0 });

        Assert.True(early.Converged);
        Assert.True(early.Iterations < 1000);
        double last = early.LogJointTrace[^1], previous = early.LogJointTrace[^2];
        Assert.True(Math.Abs(last - previous) <= 1e-6 * Math.Abs(last));
        Assert.False(fixedCount.Converged);
        Assert.Equal(37, fixedCount.Iterations);
        Assert.Equal(38, fixedCount.LogJointTrace.Count);
    }

    [Fact]
    public void Fit_KMeansPlusPlus_StartsFromDistinctDataPoints()
    {
        var data = Dataset.FromRows(Toy);
        GaussianMixture init = ToyStudyTests.InitialMixture(data, ToyData.Prior(), seed: 2, k: 4, Initialization.KMeansPlusPlus);
        double[][] means = init.Means;
        Assert.Equal(4, means.Distinct(new RowComparer()).Count());
        Assert.All(means, m => Assert.Contains(Toy, r => r.SequenceEqual(m)));
        Assert.All(init.Weights, w => Assert.Equal(0.25, w));
    }

    [Fact]
    public void Fit_RandomInit_DrawsDistinctPointsWithUniformWeightsAndPriorScale()
    {
        double[][] rows = [[0, 0], [0, 0], [0, 0], [1, 1], [0, 0], [2, 2]];
        GaussianMixture init = ToyStudyTests.InitialMixture(Dataset.FromRows(rows), ToyData.Prior(), seed: 9, k: 3);
        Assert.Equal(3, init.Means.Distinct(new RowComparer()).Count());
        Assert.All(init.Weights, w => Assert.Equal(1.0 / 3, w));
        Assert.All(init.Covariances, c => Assert.Equal(new double[,] { { 1, 0 }, { 0, 1 } }, c));
    }

    private sealed class RowComparer : IEqualityComparer<double[]>
    {
        public bool Equals(double[]? a, double[]? b) => a!.SequenceEqual(b!);
        public int GetHashCode(double[] a) => a.Aggregate(17, (h, v) => h * 31 + v.GetHashCode());
    }
}
