namespace Bgmm.Tests.Reference;

/// <summary>
/// A slow, obviously correct MAP-EM written straight from SPEC §2–3 and independent of the library's
/// numerics: points as rows, explicit N×K responsibilities, densities through an explicit inverse
/// and determinant (Gauss–Jordan with partial pivoting), raw sums, and log Γ by Lanczos (not the
/// library's Stirling series). It shares nothing with the library but the data.
/// </summary>
internal sealed class SlowMixture
{
    public required double[] Weights { get; init; }
    public required double[][] Means { get; init; }
    public required double[][,] Covariances { get; init; }
    public int K => Weights.Length;
    public int D => Means[0].Length;

    public static SlowMixture From(GaussianMixture m) => new()
    {
        Weights = m.Weights,
        Means = m.Means,
        Covariances = m.Covariances,
    };

    public GaussianMixture ToLibrary() => new(Weights, Means, Covariances);
}

internal sealed record SlowPrior(double Alpha, double[] Mu0, double Kappa0, double Nu0, double[,] Sigma0)
{
    public static SlowPrior From(MixturePrior p) =>
        new(p.WeightPrior.Alpha, p.ComponentPrior.Mu0.ToArray(), p.ComponentPrior.Kappa0, p.ComponentPrior.Nu0, p.ComponentPrior.Sigma0);

    public MixturePrior ToLibrary() => MixturePrior.Create(Mu0.Length, Alpha, Mu0, Kappa0, Nu0, Sigma0);
}

internal static class SlowEm
{
    public static double LogGaussian(double[] x, double[] mu, double[,] sigma)
    {
        int d = x.Length;
        double[,] inv = Inverse(sigma);
        double quad = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) quad += (x[i] - mu[i]) * inv[i, j] * (x[j] - mu[j]);
        }
        return -0.5 * d * Math.Log(2 * Math.PI) - 0.5 * Math.Log(Determinant(sigma)) - 0.5 * quad;
    }

    public static double[,] Responsibilities(double[][] x, SlowMixture m)
    {
        int n = x.Length, k = m.K;
        var r = new double[n, k];
        for (int i = 0; i < n; i++)
        {
            var l = new double[k];
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++)
            {
                l[c] = m.Weights[c] > 0 ? Math.Log(m.Weights[c]) + LogGaussian(x[i], m.Means[c], m.Covariances[c]) : double.NegativeInfinity;
                max = Math.Max(max, l[c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) s += Math.Exp(l[c] - max);
            for (int c = 0; c < k; c++) r[i, c] = Math.Exp(l[c] - max) / s;
        }
        return r;
    }

    public static double LogLikelihood(double[][] x, double[] w, SlowMixture m)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (w[i] == 0) continue;
            double max = double.NegativeInfinity;
            var l = new double[m.K];
            for (int c = 0; c < m.K; c++)
            {
                l[c] = m.Weights[c] > 0 ? Math.Log(m.Weights[c]) + LogGaussian(x[i], m.Means[c], m.Covariances[c]) : double.NegativeInfinity;
                max = Math.Max(max, l[c]);
            }
            double s = 0;
            foreach (double v in l) s += Math.Exp(v - max);
            total += w[i] * (max + Math.Log(s));
        }
        return total;
    }

    public static double LogPrior(SlowMixture m, SlowPrior p)
    {
        int d = m.D, k = m.K;
        double sum = 0;
        for (int c = 0; c < k; c++)
        {
            var scaled = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) scaled[i, j] = m.Covariances[c][i, j] / p.Kappa0;
            }
            sum += LogGaussian(m.Means[c], p.Mu0, scaled);
            double[,] inv = Inverse(m.Covariances[c]);
            double trace = 0;
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) trace += p.Sigma0[i, j] * inv[j, i];
            }
            double logMvGamma = d * (d - 1) / 4.0 * Math.Log(Math.PI);
            for (int j = 1; j <= d; j++) logMvGamma += LanczosLogGamma(p.Nu0 / 2 + (1 - j) / 2.0);
            sum += p.Nu0 / 2 * Math.Log(Determinant(p.Sigma0)) - p.Nu0 * d / 2 * Math.Log(2) - logMvGamma
                - (p.Nu0 + d + 1) / 2 * Math.Log(Determinant(m.Covariances[c])) - 0.5 * trace;
        }
        sum += LanczosLogGamma(k * p.Alpha) - k * LanczosLogGamma(p.Alpha);
        if (p.Alpha != 1)
        {
            foreach (double pi in m.Weights) sum += (p.Alpha - 1) * Math.Log(pi);
        }
        return sum;
    }

    public static double LogJoint(double[][] x, double[] w, SlowMixture m, SlowPrior p) => LogLikelihood(x, w, m) + LogPrior(m, p);

    /// <summary>The M-step of SPEC §3 from explicit responsibilities, with the centred scatter computed in two passes.</summary>
    public static SlowMixture MStep(double[][] x, double[] w, double[,] r, SlowPrior p)
    {
        int n = x.Length, k = r.GetLength(1), d = x[0].Length;
        double total = w.Sum();
        var weights = new double[k];
        var means = new double[k][];
        var covs = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            double nk = 0;
            var s = new double[d];
            for (int i = 0; i < n; i++)
            {
                nk += w[i] * r[i, c];
                for (int a = 0; a < d; a++) s[a] += w[i] * r[i, c] * x[i][a];
            }
            double kappa = p.Kappa0 + nk, nu = p.Nu0 + nk;
            var mu = new double[d];
            var psi = (double[,])p.Sigma0.Clone();
            if (nk > 0)
            {
                var xbar = s.Select(v => v / nk).ToArray();
                for (int a = 0; a < d; a++) mu[a] = (p.Kappa0 * p.Mu0[a] + s[a]) / kappa;
                for (int i = 0; i < n; i++)
                {
                    for (int a = 0; a < d; a++)
                    {
                        for (int b = 0; b < d; b++) psi[a, b] += w[i] * r[i, c] * (x[i][a] - xbar[a]) * (x[i][b] - xbar[b]);
                    }
                }
                for (int a = 0; a < d; a++)
                {
                    for (int b = 0; b < d; b++) psi[a, b] += p.Kappa0 * nk / kappa * (xbar[a] - p.Mu0[a]) * (xbar[b] - p.Mu0[b]);
                }
            }
            else
            {
                mu = (double[])p.Mu0.Clone();
            }
            var sigma = new double[d, d];
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b < d; b++) sigma[a, b] = psi[a, b] / (nu + d + 2);
            }
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b < a; b++) sigma[a, b] = sigma[b, a] = 0.5 * (sigma[a, b] + sigma[b, a]);
            }
            weights[c] = (nk + p.Alpha - 1) / (total + k * (p.Alpha - 1));
            means[c] = mu;
            covs[c] = sigma;
        }
        return new SlowMixture { Weights = weights, Means = means, Covariances = covs };
    }

    /// <summary>Runs <paramref name="iterations"/> EM steps from <paramref name="init"/>; returns the final mixture and the trace.</summary>
    public static (SlowMixture Mixture, double[] Trace) Fit(double[][] x, double[] w, SlowMixture init, SlowPrior p, int iterations)
    {
        var trace = new List<double> { LogJoint(x, w, init, p) };
        SlowMixture m = init;
        for (int t = 0; t < iterations; t++)
        {
            m = MStep(x, w, Responsibilities(x, m), p);
            trace.Add(LogJoint(x, w, m, p));
        }
        return (m, trace.ToArray());
    }

    /// <summary>Lanczos approximation (g = 7, n = 9), about 1e-15 relative for x &gt; 0.5, with reflection below.</summary>
    public static double LanczosLogGamma(double x)
    {
        double[] g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LanczosLogGamma(1 - x);
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += g[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    public static double Determinant(double[,] a)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        double det = 1;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int i = col + 1; i < n; i++)
            {
                if (Math.Abs(m[i, col]) > Math.Abs(m[pivot, col])) pivot = i;
            }
            if (pivot != col)
            {
                for (int j = 0; j < n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
                det = -det;
            }
            det *= m[col, col];
            for (int i = col + 1; i < n; i++)
            {
                double f = m[i, col] / m[col, col];
                for (int j = col; j < n; j++) m[i, j] -= f * m[col, j];
            }
        }
        return det;
    }

    public static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) inv[i, i] = 1;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int i = col + 1; i < n; i++)
            {
                if (Math.Abs(m[i, col]) > Math.Abs(m[pivot, col])) pivot = i;
            }
            for (int j = 0; j < n; j++)
            {
                (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
                (inv[col, j], inv[pivot, j]) = (inv[pivot, j], inv[col, j]);
            }
            double p = m[col, col];
            for (int j = 0; j < n; j++)
            {
                m[col, j] /= p;
                inv[col, j] /= p;
            }
            for (int i = 0; i < n; i++)
            {
                if (i == col) continue;
                double f = m[i, col];
                for (int j = 0; j < n; j++)
                {
                    m[i, j] -= f * m[col, j];
                    inv[i, j] -= f * inv[col, j];
                }
            }
        }
        return inv;
    }
}
