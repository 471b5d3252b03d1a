namespace Bgmm.Numerics;

/// <summary>Special functions the log joint needs: log Γ and the multivariate log Γ_D.</summary>
internal static class SpecialFunctions
{
    /// <summary>log(2π).</summary>
    public const double LogTwoPi = 1.8378770664093454835606594728112;

    /// <summary>log(π).</summary>
    public const double LogPi = 1.1447298858494001741434273513531;

    /// <summary>
    /// log Γ(x) for x &gt; 0, accurate to a few units in the last place (about 1e-15 relative for
    /// log Γ far from its zeros at 1 and 2, about 1e-16 absolute near them).
    /// </summary>
    /// <remarks>
    /// For x ≥ 15 the Stirling series with eight Bernoulli terms (truncation error below 1e-20);
    /// below that, the recurrence Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)) moves the argument up.
    /// </remarks>
    public static double LogGamma(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            if (double.IsPositiveInfinity(x)) return double.PositiveInfinity;
            throw new ArgumentOutOfRangeException(nameof(x), x, "log Γ(x) is defined here for finite x > 0.");
        }

        if (x == 1.0 || x == 2.0) return 0.0;

        double shift = 0.0;
        if (x < 15.0)
        {
            // Product of the arguments skipped over; it stays far from overflow (x < 15, 15 factors).
            double product = 1.0;
            while (x < 15.0)
            {
                product *= x;
                x += 1.0;
            }
            shift = Math.Log(product);
        }

        // Stirling: (x − ½) log x − x + ½ log 2π + Σ B_2k / (2k (2k−1) x^(2k−1)).
        return (x - 0.5) * Math.Log(x) - x + 0.5 * LogTwoPi + StirlingSeries(x) - shift;
    }

    /// <summary>
    /// s(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π], the Stirling series with eight Bernoulli terms
    /// (truncation error below 1e-20 for x ≥ 15).
    /// </summary>
    public static double StirlingSeries(double x)
    {
        double inv = 1.0 / x;
        double inv2 = inv * inv;
        return inv * (1.0 / 12.0
            + inv2 * (-1.0 / 360.0
            + inv2 * (1.0 / 1260.0
            + inv2 * (-1.0 / 1680.0
            + inv2 * (1.0 / 1188.0
            + inv2 * (-691.0 / 360360.0
            + inv2 * (1.0 / 156.0
            + inv2 * (-3617.0 / 122400.0))))))));
    }

    /// <summary>
    /// log(1 + x) to a few units in the last place also for small |x| (where Math.Log(1 + x) keeps only the
    /// bits of x that survive the addition): log(u)·x/(u − 1) with u = fl(1 + x), whose errors cancel (Goldberg).
    /// </summary>
    public static double LogOnePlus(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// The multivariate log Γ: log Γ_D(a) = (D(D−1)/4) log π + Σ_{j=1..D} log Γ(a + (1−j)/2),
    /// defined for a &gt; (D−1)/2.
    /// </summary>
    public static double LogMultivariateGamma(double a, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        double sum = dimension * (dimension - 1) / 4.0 * LogPi;
        for (int j = 1; j <= dimension; j++)
        {
            sum += LogGamma(a + (1 - j) / 2.0);
        }
        return sum;
    }
}
