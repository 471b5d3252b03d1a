namespace Bgmm.Tests.Support;

/// <summary>Bit-for-bit comparison of two fits: every number of the result, compared as IEEE bit patterns.</summary>
internal static class FitAssert
{
    public static void BitIdentical(FitResult expected, FitResult actual)
    {
        Assert.Equal(Bits(expected.LogJointTrace), Bits(actual.LogJointTrace));
        Assert.Equal((expected.Iterations, expected.Converged, expected.Restart), (actual.Iterations, actual.Converged, actual.Restart));
        Assert.Equal(Bits(expected.RestartLogJoints), Bits(actual.RestartLogJoints));
        Assert.Equal(Bits(expected.ComponentCounts), Bits(actual.ComponentCounts));
        Assert.Equal(expected.EmptyComponents, actual.EmptyComponents);
        Assert.Equal(Bits([expected.LogLikelihood, expected.LogPrior, expected.TotalWeight]), Bits([actual.LogLikelihood, actual.LogPrior, actual.TotalWeight]));
        Assert.Equal(expected.Points, actual.Points);
        Mixtures(expected.Mixture, actual.Mixture);
    }

    public static void Mixtures(GaussianMixture expected, GaussianMixture actual)
    {
        Assert.Equal(Bits(expected.Weights), Bits(actual.Weights));
        Assert.Equal(expected.ComponentCount, actual.ComponentCount);
        for (int k = 0; k < expected.ComponentCount; k++)
        {
            Assert.Equal(Bits(expected.GetMean(k)), Bits(actual.GetMean(k)));
            Assert.Equal(Bits([.. expected.GetCovariance(k).Cast<double>()]), Bits([.. actual.GetCovariance(k).Cast<double>()]));
        }
    }

    private static long[] Bits(IEnumerable<double> values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
