namespace Bgmm;

/// <summary>
/// Summaries of the posterior over components, r_nk = p(z_n = k | x_n, θ): how certain the
/// assignment of each point is. They are outputs, not part of the fitting loop.
/// </summary>
public static class Responsibilities
{
    /// <summary>
    /// The classification entropy E = −Σ_n w_n Σ_k r_nk log r_nk (0·log 0 = 0), the term ICL adds to
    /// BIC (ICL = BIC + 2E). Summed over fixed chunks in order, so it does not depend on threads.
    /// </summary>
    /// <param name="mixture">The mixture.</param>
    /// <param name="data">The points (N×D), optionally weighted.</param>
    /// <param name="threads">Threads (0 = every core); the result does not depend on it.</param>
    public static double Entropy(GaussianMixture mixture, Dataset data, int threads = 0) => AddEntropy(0, mixture, data, threads);

    /// <summary>
    /// <paramref name="total"/> plus the classification entropy of <paramref name="data"/>, for data read in
    /// blocks: the rows' entropies are summed in fixed chunks of 4096 rows, added in order, so blocks of whole
    /// chunks (the last excepted) folded in order, <c>total = AddEntropy(total, mixture, block)</c>, give
    /// <see cref="Entropy"/> of their concatenation bit for bit.
    /// </summary>
    /// <param name="total">The entropy of the rows before this block (0 for the first).</param>
    /// <param name="mixture">The mixture.</param>
    /// <param name="data">The block's points, optionally weighted.</param>
    /// <param name="threads">Threads (0 = every core); the result does not depend on it.</param>
    public static double AddEntropy(double total, GaussianMixture mixture, Dataset data, int threads = 0)
    {
        Check(mixture, data, threads);
        return Kernels.LabelKernel.Entropy(new Kernels.EStepModel(mixture), data, threads, total);
    }

    /// <summary>
    /// The entropy −Σ_k r_nk log r_nk of every row (in nats, between 0 and log K), for an
    /// uncertainty map. A row whose density underflows under every component gets 0.
    /// </summary>
    /// <param name="mixture">The mixture.</param>
    /// <param name="data">The points (N×D).</param>
    /// <param name="threads">Threads (0 = every core); the result does not depend on it.</param>
    public static float[] RowEntropies(GaussianMixture mixture, Dataset data, int threads = 0)
    {
        Check(mixture, data, threads);
        var result = new float[data.Count];
        Kernels.LabelKernel.Summarise<byte>(new Kernels.EStepModel(mixture), data, [], result, threads);
        return result;
    }

    /// <summary>−Σ_k r_k log r_k with 0·log 0 = 0.</summary>
    public static double RowEntropy(ReadOnlySpan<double> r)
    {
        double h = 0;
        foreach (double p in r)
        {
            if (p > 0) h -= p * Math.Log(p);
        }
        return h;
    }

    private static void Check(GaussianMixture mixture, Dataset data, int threads)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (data.Dimension != mixture.Dimension)
            throw new ModelInputException(nameof(data), $"the data has D = {data.Dimension} but the mixture has D = {mixture.Dimension}.");
    }
}
