namespace Bgmm.Cluster.Shards;

/// <summary>Mixtures and statistics to and from the plain arrays that cross the wire, bit for bit.</summary>
internal static class MixtureWire
{
    public static MixtureMessage ToMessage(GaussianMixture mixture)
    {
        int k = mixture.ComponentCount, d = mixture.Dimension;
        var means = new double[k * d];
        var covariances = new double[k * d * d];
        var choleskys = new double[k * d * d];
        for (int c = 0; c < k; c++)
        {
            GaussianComponent component = mixture.Component(c);
            component.Mean.CopyTo(means, c * d);
            component.Covariance.CopyTo(covariances, c * d * d);
            component.Cholesky.CopyTo(choleskys, c * d * d);
        }
        return new MixtureMessage(k, d, mixture.WeightSpan.ToArray(), means, covariances, choleskys);
    }

    /// <summary>The mixture the message was made from (the same numbers; nothing is recomputed but the triangular inverse, as on the client).</summary>
    /// <exception cref="ArgumentException">The arrays do not have the lengths K and D say.</exception>
    public static GaussianMixture FromMessage(MixtureMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int k = message.ComponentCount, d = message.Dimension;
        if (k < 1 || d < 1 || message.Weights.Length != k || message.Means.Length != k * d
            || message.Covariances.Length != k * d * d || message.Choleskys.Length != k * d * d)
            throw new ArgumentException($"a mixture message of K = {k}, D = {d} has arrays of the wrong lengths.", nameof(message));
        var components = new GaussianComponent[k];
        for (int c = 0; c < k; c++)
        {
            components[c] = new GaussianComponent(
                message.Means.AsSpan(c * d, d).ToArray(),
                message.Covariances.AsSpan(c * d * d, d * d).ToArray(),
                message.Choleskys.AsSpan(c * d * d, d * d).ToArray());
        }
        return new GaussianMixture((double[])message.Weights.Clone(), components);
    }

    /// <summary>The flat layout of <see cref="MixtureStatistics"/> (K·(1 + D + D²) + 1 numbers).</summary>
    public static double[] ToArray(MixtureStatistics statistics) => statistics.Raw.ToArray();

    /// <exception cref="ArgumentException">The array does not have the length K and D say.</exception>
    public static MixtureStatistics FromArray(int k, int d, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != MixtureStatistics.Length(k, d))
            throw new ArgumentException($"statistics of K = {k}, D = {d} have {MixtureStatistics.Length(k, d)} numbers, not {values.Length}.", nameof(values));
        return new MixtureStatistics(k, d, values);
    }
}
