namespace Bgmm;

/// <summary>
/// Summaries of the posterior over components, r_nk = p(z_n = k | x_n, θ): how certain the
/// assignment of each point is. They are outputs, not part of the fitting loop.
/// </summary>
public static class Responsibilities
{
    private const int ChunkSize = 4096;

    /// <summary>
    /// The classification entropy E = −Σ_n w_n Σ_k r_nk log r_nk (0·log 0 = 0), the term ICL adds to
    /// BIC (ICL = BIC + 2E). Summed over fixed chunks in order, so it does not depend on threads.
    /// </summary>
    public static double Entropy(GaussianMixture mixture, Dataset data)
    {
        Check(mixture, data);
        int chunks = (data.Count + ChunkSize - 1) / ChunkSize;
        var partial = new double[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            int start = chunk * ChunkSize, end = Math.Min(start + ChunkSize, data.Count);
            Span<double> x = stackalloc double[mixture.Dimension];
            Span<double> r = mixture.Components <= 64 ? stackalloc double[mixture.Components] : new double[mixture.Components];
            double sum = 0;
            for (int i = start; i < end; i++)
            {
                double w = data.Weight(i);
                if (w == 0) continue;
                data.CopyRow(i, x);
                mixture.PredictProbabilities(x, r);
                sum += w * RowEntropy(r);
            }
            partial[chunk] = sum;
        });
        double total = 0;
        foreach (double p in partial) total += p;
        return total;
    }

    /// <summary>
    /// The entropy −Σ_k r_nk log r_nk of every row (in nats, between 0 and log K), for an
    /// uncertainty map.
    /// </summary>
    public static float[] RowEntropies(GaussianMixture mixture, Dataset data)
    {
        Check(mixture, data);
        int chunks = (data.Count + ChunkSize - 1) / ChunkSize;
        float[] result = new float[data.Count];
        Parallel.For(0, chunks, chunk =>
        {
            int start = chunk * ChunkSize, end = Math.Min(start + ChunkSize, data.Count);
            Span<double> x = stackalloc double[mixture.Dimension];
            Span<double> r = mixture.Components <= 64 ? stackalloc double[mixture.Components] : new double[mixture.Components];
            for (int i = start; i < end; i++)
            {
                data.CopyRow(i, x);
                mixture.PredictProbabilities(x, r);
                result[i] = (float)RowEntropy(r);
            }
        });
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

    private static void Check(GaussianMixture mixture, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != mixture.Dimension)
            throw new ModelInputException("data", $"the data has D = {data.Dimension} but the mixture has D = {mixture.Dimension}.");
    }
}
