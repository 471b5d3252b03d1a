using Bgmm.Cli.Synthetic;
using Bgmm.Imaging;
using Bgmm.Numerics;
using Bgmm.Spatial;
using Bgmm.Tests.Core;
using Bgmm.Tests.Reference;

namespace Bgmm.Tests.Spatial;

/// <summary>
/// SPEC §6 written out the slow, obvious way, independent of the library's kernel: neighbours and
/// edges listed by explicit loops, log-densities by <see cref="SlowEm.LogGaussian"/> (a
/// Gauss–Jordan inverse and LU determinant), the log prior by <see cref="SlowEm.LogPrior"/>, and a
/// stored row of q read as q / Σq by plain division.
/// </summary>
internal static class SlowMeanField
{
    /// <summary>Whether (dx, dy) ≠ (0, 0) is a neighbour offset: 4-connected |dx| + |dy| = 1, 8-connected max(|dx|, |dy|) = 1.</summary>
    public static bool IsNeighbourOffset(int dx, int dy, Neighbourhood neighbourhood) =>
        (dx, dy) != (0, 0) && Math.Abs(dx) <= 1 && Math.Abs(dy) <= 1
        && (neighbourhood == Neighbourhood.Eight || Math.Abs(dx) + Math.Abs(dy) == 1);

    /// <summary>The neighbours of pixel n (row-major), by scanning the 3×3 window.</summary>
    public static List<int> Neighbours(int n, int width, int height, Neighbourhood neighbourhood)
    {
        int x = n % width, y = n / width;
        var result = new List<int>();
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if (IsNeighbourOffset(dx, dy, neighbourhood) && nx >= 0 && ny >= 0 && nx < width && ny < height) result.Add(ny * width + nx);
            }
        }
        return result;
    }

    /// <summary>Every unordered neighbour pair once, as (n, m) with n &lt; m.</summary>
    public static List<(int N, int M)> Edges(int width, int height, Neighbourhood neighbourhood)
    {
        var edges = new List<(int, int)>();
        for (int n = 0; n < width * height; n++)
        {
            foreach (int m in Neighbours(n, width, height, neighbourhood))
            {
                if (m > n) edges.Add((n, m));
            }
        }
        return edges;
    }

    public static double[] Row(ReadOnlySpan<float> q, int n, int k)
    {
        double sum = 0;
        for (int c = 0; c < k; c++) sum += q[n * k + c];
        var row = new double[k];
        for (int c = 0; c < k; c++) row[c] = q[n * k + c] / sum;
        return row;
    }

    /// <summary>F(q, θ) of SPEC §6.</summary>
    public static double Objective(double[][] x, int width, int height, ReadOnlySpan<float> q, GaussianMixture theta,
        MixturePrior prior, double beta, Neighbourhood neighbourhood)
    {
        SlowMixture m = SlowMixture.From(theta);
        int k = m.K;
        double f = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double[] row = Row(q, n, k);
            for (int c = 0; c < k; c++)
            {
                if (row[c] == 0) continue; // 0·log 0 = 0, and 0·(log π_k = −∞) = 0
                f += row[c] * (Math.Log(m.Weights[c]) + SlowEm.LogGaussian(x[n], m.Means[c], m.Covariances[c]));
                f -= row[c] * Math.Log(row[c]);
            }
        }
        double pairs = 0;
        foreach ((int a, int b) in Edges(width, height, neighbourhood))
        {
            double[] qa = Row(q, a, k), qb = Row(q, b, k);
            for (int c = 0; c < k; c++) pairs += qa[c] * qb[c];
        }
        return f + beta * pairs + SlowEm.LogPrior(m, SlowPrior.From(prior));
    }

    /// <summary>The site update of SPEC §6: q_n ∝ π_k N(x_n | μ_k, Σ_k) exp(β Σ_{m~n} q_mk).</summary>
    public static double[] SiteUpdate(double[][] x, int width, int height, ReadOnlySpan<float> q, GaussianMixture theta,
        double beta, Neighbourhood neighbourhood, int n)
    {
        SlowMixture m = SlowMixture.From(theta);
        int k = m.K;
        var a = new double[k];
        var sums = new double[k];
        foreach (int nb in Neighbours(n, width, height, neighbourhood))
        {
            double[] row = Row(q, nb, k);
            for (int c = 0; c < k; c++) sums[c] += row[c];
        }
        for (int c = 0; c < k; c++) a[c] = Math.Log(m.Weights[c]) + SlowEm.LogGaussian(x[n], m.Means[c], m.Covariances[c]) + beta * sums[c];
        double max = a.Max();
        double[] e = [.. a.Select(v => Math.Exp(v - max))];
        double total = e.Sum();
        return [.. e.Select(v => v / total)];
    }

    /// <summary>The pixels of a dataset as rows.</summary>
    public static double[][] Rows(Dataset data) =>
        [.. Enumerable.Range(0, data.Count).Select(i => Enumerable.Range(0, data.Dimension).Select(j => data[i, j]).ToArray())];

    /// <summary>q of a fit, pixel-major (q[n·K + k]), from its planes.</summary>
    public static float[] PixelMajor(SmoothedFitResult fit)
    {
        int k = fit.ComponentCount, n = fit.Width * fit.Height;
        var q = new float[n * k];
        for (int c = 0; c < k; c++)
        {
            float[] plane = fit.Marginal(c);
            for (int i = 0; i < n; i++) q[i * k + c] = plane[i];
        }
        return q;
    }

    /// <summary>q of a mean-field source, pixel-major (q[n·K + k]).</summary>
    public static float[] PixelMajor(MeanFieldSource source)
    {
        int k = source.Lattice.ComponentCount, n = source.Lattice.Grid.PixelCount;
        var q = new float[n * k];
        for (int i = 0; i < n; i++) source.Lattice.GetMarginals(i, q.AsSpan(i * k, k));
        return q;
    }

    /// <summary>Random rows of q written into a mean-field source.</summary>
    public static void FillRandom(MeanFieldSource source, ulong seed)
    {
        int k = source.Lattice.ComponentCount, n = source.Lattice.Grid.PixelCount;
        var q = new float[n * k];
        FillRandom(q, k, seed);
        for (int i = 0; i < n; i++) source.Lattice.SetMarginals(i, q.AsSpan(i * k, k));
    }

    /// <summary>Random rows of q: random distributions (some entries tiny, some exactly 0), rounded to float32.</summary>
    public static void FillRandom(Span<float> q, int k, ulong seed)
    {
        var rng = new RandomStream(seed, 5);
        var row = new double[k];
        for (int n = 0; n < q.Length / k; n++)
        {
            for (int c = 0; c < k; c++)
            {
                double u = rng.NextDouble();
                row[c] = u < 0.1 ? 0 : u < 0.2 ? 1e-30 * u : u;
            }
            if (row.Sum() == 0) row[0] = 1;
            double sum = row.Sum();
            for (int c = 0; c < k; c++) q[n * k + c] = (float)(row[c] / sum);
        }
    }

    /// <summary>A random mixture on the colour cube's scale (means in [0.2, 0.8], covariances ~0.01–0.05).</summary>
    public static GaussianMixture RandomColourMixture(int k, ulong seed)
    {
        GaussianMixture m = EmStepTests.RandomMixture(3, k, seed);
        var rng = new RandomStream(seed, 9);
        double[][] means = [.. Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, 3).Select(_ => 0.2 + 0.6 * rng.NextDouble()).ToArray())];
        double[][,] covariances = [.. m.Covariances.Select(c => Scale(c, 0.01 + 0.02 * rng.NextDouble()))];
        return new GaussianMixture(m.Weights, means, covariances);

        static double[,] Scale(double[,] c, double s)
        {
            var r = (double[,])c.Clone();
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++) r[i, j] *= s;
            }
            return r;
        }
    }

    /// <summary>A small generated image as a dataset.</summary>
    public static (Dataset Data, SyntheticSegmentation Scene) Image(int width, int height, int classes, double noise, ulong seed)
    {
        SyntheticSegmentation scene = SyntheticSegmentation.Generate(width, height, classes, noise, seed);
        return (scene.Image.ToDataset(), scene);
    }

    /// <summary>The image prior of the original study: α = 100, ν0 = 4, κ0 = 1, μ0 = 0, Σ0 = I.</summary>
    public static MixturePrior ImagePrior { get; } = MixturePrior.Create(3, alpha: 100, nu0: 4);
}
