using Bgmm.Tests.Support;

namespace Bgmm.Tests.Core;

/// <summary>SPEC §3: the statistics of disjoint chunks merge exactly (Chan et al.).</summary>
public class StatisticsMergeTests
{
    // 1e-12 normwise relative: merging reorders a handful of additions per entry on data of order 1.
    private const double Tolerance = 1e-12;

    private static readonly (double[][] X, double[] W) Data = EmStepTests.RandomData(3, 97, seed: 3, weighted: true);
    private static readonly GaussianMixture Theta = EmStepTests.RandomMixture(3, 3, seed: 4);

    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 50 })]
    [InlineData(new[] { 96 })]
    [InlineData(new[] { 10, 11, 60 })]
    [InlineData(new[] { 0, 33, 33, 97 })]
    public void Merge_OfSplitData_EqualsOnePass(int[] cuts)
    {
        MixtureStatistics whole = Pass(0, Data.X.Length);
        int[] bounds = [0, .. cuts, Data.X.Length];
        var merged = new MixtureStatistics(3, 3);
        for (int i = 0; i + 1 < bounds.Length; i++) merged = MixtureStatistics.Merge(merged, Pass(bounds[i], bounds[i + 1]));

        AssertClose(merged, whole);
    }

    [Fact]
    public void Merge_IsAssociative()
    {
        MixtureStatistics a = Pass(0, 20), b = Pass(20, 71), c = Pass(71, 97);
        AssertClose(MixtureStatistics.Merge(MixtureStatistics.Merge(a, b), c), MixtureStatistics.Merge(a, MixtureStatistics.Merge(b, c)));
    }

    [Fact]
    public void Merge_EmptyIsTheIdentity()
    {
        MixtureStatistics a = Pass(0, 50), empty = new(3, 3);
        AssertIdentical(MixtureStatistics.Merge(a, empty), a);
        AssertIdentical(MixtureStatistics.Merge(empty, a), a);
    }

    private static MixtureStatistics Pass(int start, int end)
    {
        if (start == end) return new MixtureStatistics(3, 3);
        Dataset part = Dataset.FromRows(Data.X[start..end], Data.W[start..end]);
        return MixtureStatistics.Compute(part, Theta);
    }

    private static void AssertClose(MixtureStatistics a, MixtureStatistics b)
    {
        Assert.True(Norms.Relative(a.LogLikelihood, b.LogLikelihood) < Tolerance);
        for (int k = 0; k < a.ComponentCount; k++)
        {
            Assert.True(Norms.Relative(a.Count(k), b.Count(k)) < Tolerance);
            Assert.True(Norms.Relative(a.Mean(k), b.Mean(k)) < Tolerance);
            Assert.True(Norms.Relative(a.Scatter(k), b.Scatter(k)) < Tolerance);
        }
    }

    private static void AssertIdentical(MixtureStatistics a, MixtureStatistics b)
    {
        Assert.Equal(b.LogLikelihood, a.LogLikelihood);
        for (int k = 0; k < a.ComponentCount; k++)
        {
            Assert.Equal(b.Count(k), a.Count(k));
            Assert.Equal(b.Mean(k).ToArray(), a.Mean(k).ToArray());
            Assert.Equal(b.Scatter(k).ToArray(), a.Scatter(k).ToArray());
        }
    }
}
