namespace Bgmm.Kernels;

/// <summary>
/// The portable kernel for any D and K: plain double loops with the library's exp and log. It is
/// the fallback on machines without SIMD and the reference the vectorised kernels are tested against.
/// Rows are read as exact coordinates (<see cref="Dataset.CopyRow"/>: byte planes as the quotients v / s),
/// so it gives bit for bit the same result on a byte-plane dataset as on double columns holding them.
/// </summary>
internal sealed class ScalarKernel : IStatisticsKernel
{
    public static readonly ScalarKernel Instance = new();

    public string Name => "scalar";

    public void Accumulate(EStepModel model, Dataset data, int start, int end, Span<double> statistics)
    {
        int k = model.K, d = model.D, stride = MixtureStatistics.Stride(d);
        ReadOnlySpan<double> means = model.Means, shifts = model.Shifts, factors = model.PrecisionFactors, constants = model.LogConstants;
        ReadOnlySpan<double> weights = data.PointWeights;
        bool weighted = !weights.IsEmpty;

        Span<double> x = stackalloc double[d];
        Span<double> centred = stackalloc double[d];
        Span<double> logDensity = k <= 64 ? stackalloc double[k] : new double[k];
        double logLikelihood = 0;

        for (int n = start; n < end; n++)
        {
            double w = weighted ? weights[n] : 1.0;
            if (w == 0) continue;
            data.CopyRow(n, x);

            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++)
            {
                double constant = constants[c];
                if (double.IsNegativeInfinity(constant))
                {
                    logDensity[c] = double.NegativeInfinity;
                    continue;
                }
                ReadOnlySpan<double> p = factors.Slice(c * d * d, d * d);
                double quad = 0;
                for (int i = 0; i < d; i++)
                {
                    double y = 0;
                    for (int m = 0; m <= i; m++) y += p[i * d + m] * (x[m] - means[c * d + m]);
                    quad += y * y;
                }
                double l = constant - 0.5 * quad;
                logDensity[c] = l;
                if (l > max) max = l;
            }

            if (double.IsNegativeInfinity(max)) throw new RowOutOfRangeException(n);

            double sum = 0;
            for (int c = 0; c < k; c++)
            {
                double e = Math.Exp(logDensity[c] - max);
                logDensity[c] = e;
                sum += e;
            }
            logLikelihood += w * (max + Math.Log(sum));

            double scale = w / sum;
            for (int c = 0; c < k; c++)
            {
                double r = logDensity[c] * scale;
                if (r == 0) continue;
                Span<double> s = statistics.Slice(c * stride, stride);
                s[0] += r;
                for (int i = 0; i < d; i++) centred[i] = x[i] - shifts[c * d + i];
                for (int i = 0; i < d; i++)
                {
                    double ri = r * centred[i];
                    s[1 + i] += ri;
                    for (int j = i; j < d; j++) s[1 + d + i * d + j] += ri * centred[j];
                }
            }
        }
        statistics[k * stride] += logLikelihood;
    }
}
