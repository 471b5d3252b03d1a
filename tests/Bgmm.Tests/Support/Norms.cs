namespace Bgmm.Tests.Support;

/// <summary>Normwise relative errors: ‖a − b‖∞ / max(‖b‖∞, tiny), per vector or matrix.</summary>
internal static class Norms
{
    private const double Tiny = 1e-300;

    public static double Relative(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return diff / Math.Max(scale, Tiny);
    }

    public static double Relative(double actual, double expected) => Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), Tiny);

    public static double Relative(double[,] actual, double[,] expected) => Relative(Flat(actual), Flat(expected));

    public static double[] Flat(double[,] m)
    {
        var f = new double[m.Length];
        int i = 0;
        foreach (double v in m) f[i++] = v;
        return f;
    }

    /// <summary>Largest relative error over a mixture's weights, every mean and every covariance.</summary>
    public static double MixtureRelative(GaussianMixture actual, double[] weights, double[][] means, double[][,] covariances)
    {
        double worst = Relative(actual.Weights, weights);
        for (int k = 0; k < actual.ComponentCount; k++)
        {
            worst = Math.Max(worst, Relative(actual.GetMean(k), means[k]));
            worst = Math.Max(worst, Relative(actual.GetCovariance(k), covariances[k]));
        }
        return worst;
    }

    /// <summary>Asserts two fits are the same to the last bit: trace, weights, means and covariances.</summary>
    public static void AssertBitIdentical(FitResult a, FitResult b)
    {
        Assert.Equal(a.LogJointTrace, b.LogJointTrace);
        Assert.Equal(a.Mixture.Weights, b.Mixture.Weights);
        for (int k = 0; k < a.Mixture.ComponentCount; k++)
        {
            Assert.Equal(a.Mixture.GetMean(k), b.Mixture.GetMean(k));
            Assert.Equal(Flat(a.Mixture.GetCovariance(k)), Flat(b.Mixture.GetCovariance(k)));
        }
    }

    /// <summary>Asserts the trace never decreases by more than 1e-12·max(max|L|, N) (rounding in sums of N terms).</summary>
    public static void AssertNonDecreasing(IReadOnlyList<double> trace, double n)
    {
        double scale = Math.Max(trace.Max(Math.Abs), n);
        for (int t = 1; t < trace.Count; t++)
        {
            Assert.True(trace[t] >= trace[t - 1] - 1e-12 * scale,
                $"log joint decreased at iteration {t}: {trace[t - 1]:R} -> {trace[t]:R}");
        }
    }
}
