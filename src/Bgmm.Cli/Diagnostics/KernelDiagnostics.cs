using System.Globalization;
using System.Runtime.Intrinsics;
using Bgmm.Kernels;
using Bgmm.Numerics;

namespace Bgmm.Cli.Diagnostics;

/// <summary>
/// What the E-step kernels do on this machine, for the <c>bgmm bench</c> command, the benchmarks and
/// the tests that rerun the kernels with the runtime's instruction sets switched off: which vector
/// widths are accelerated, which kernel a fit would use, a reusable pass to time, and a self-check of
/// the selected kernels against the scalar float64 reference.
/// </summary>
internal static class KernelDiagnostics
{
    /// <summary>The runtime's view of the vector hardware, one flag per width.</summary>
    public static string HardwareSummary => string.Create(CultureInfo.InvariantCulture,
        $"Vector512.IsHardwareAccelerated={Vector512.IsHardwareAccelerated} Vector256.IsHardwareAccelerated={Vector256.IsHardwareAccelerated} Vector128.IsHardwareAccelerated={Vector128.IsHardwareAccelerated}");

    /// <summary>The kernel a fit of <paramref name="dimension"/>-dimensional data in <paramref name="precision"/> runs ("v512-f64-d3", "scalar", …).</summary>
    public static string SelectedKernel(int dimension, Precision precision) => KernelSelector.Select(dimension, precision).Name;

    /// <summary>
    /// Runs the kernels this machine selects (float64 and float32; D = 3 and generic D = 2 and 5;
    /// K = 1, 3, 6 with a component of weight 0; weighted and unweighted; double columns and byte
    /// planes; lengths 0..40, 257 and 4103) against the scalar float64 reference, and reports the
    /// largest normwise relative errors.
    /// It passes when float64 is within 1e-12 and float32 within 5e-6 (the kernels' contracts on
    /// such well-conditioned data).
    /// </summary>
    public static KernelSelfCheck SelfCheck()
    {
        double worstDouble = 0, worstSingle = 0;
        int[] lengths = [.. Enumerable.Range(0, 41), 257, 4103];
        foreach (int d in new[] { 3, 2, 5 })
        {
            foreach (int k in new[] { 1, 3, 6 })
            {
                foreach (bool weighted in new[] { false, true })
                {
                    ulong seed = (ulong)(d * 100 + k * 10 + (weighted ? 1 : 0));
                    foreach ((Dataset data, GaussianMixture mixture) in new[] { SelfCheckCase(d, k, weighted, 4103, seed), SelfCheckByteCase(d, k, weighted, 4103, seed) })
                    {
                        var model = new EStepModel(mixture);
                        foreach (int n in lengths)
                        {
                            double[] expected = Accumulate(ScalarKernel.Instance, model, data, n);
                            worstDouble = Math.Max(worstDouble, RelativeError(Accumulate(KernelSelector.Select(d, Precision.Double), model, data, n), expected));
                            worstSingle = Math.Max(worstSingle, RelativeError(Accumulate(KernelSelector.Select(d, Precision.Single), model, data, n), expected));
                        }
                    }
                }
            }
        }
        return new KernelSelfCheck(HardwareSummary,
            SelectedKernel(3, Precision.Double), SelectedKernel(5, Precision.Double),
            SelectedKernel(3, Precision.Single), SelectedKernel(5, Precision.Single),
            worstDouble, worstSingle, worstDouble <= 1e-12 && worstSingle <= 5e-6);
    }

    private static double[] Accumulate(IStatisticsKernel kernel, EStepModel model, Dataset data, int n)
    {
        var s = new double[MixtureStatistics.Length(model.K, model.D)];
        kernel.Accumulate(model, data, 0, n, s);
        return s;
    }

    /// <summary>max(‖a − b‖∞/‖b‖∞ over the moments, |Δ log-likelihood|/|log-likelihood|); 0 when both are empty.</summary>
    internal static double RelativeError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.Length - 1; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        double moments = scale == 0 ? diff : diff / scale;
        double ll = expected[^1] == 0 ? Math.Abs(actual[^1]) : Math.Abs(actual[^1] - expected[^1]) / Math.Abs(expected[^1]);
        return Math.Max(moments, ll);
    }

    /// <summary>Clustered points and a mixture near them, one component of weight 0 when K ≥ 3.</summary>
    internal static (Dataset Data, GaussianMixture Mixture) SelfCheckCase(int d, int k, bool weighted, int n, ulong seed)
    {
        var rng = new RandomStream(seed);
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = new double[n];
        for (int i = 0; i < n; i++)
        {
            int cluster = i % 3;
            for (int j = 0; j < d; j++) columns[j][i] = cluster * (j % 2 == 0 ? 1.0 : -0.5) + 0.6 * rng.NextGaussian();
        }
        double[]? w = weighted ? [.. Enumerable.Range(0, n).Select(i => i % 7 == 3 ? 0.0 : 0.25 + 3 * rng.NextDouble())] : null;
        var weights = new double[k];
        var means = new double[k][];
        var covariances = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            weights[c] = k >= 3 && c == 1 ? 0.0 : 0.5 + rng.NextDouble();
            means[c] = [.. Enumerable.Range(0, d).Select(_ => rng.NextGaussian())];
            var a = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) a[i, j] = 0.4 * rng.NextGaussian();
            }
            var cov = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double v = i == j ? 0.3 : 0.0;
                    for (int m = 0; m < d; m++) v += a[i, m] * a[j, m];
                    cov[i, j] = v;
                }
            }
            covariances[c] = cov;
        }
        double total = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= total;
        return (Dataset.WrapColumns(columns, w), new GaussianMixture(weights, means, covariances));
    }

    /// <summary>
    /// Byte planes like an 8-bit image's (coordinate v/255): up to three clusters, v = round(128 + 24·z)
    /// clamped to 0..255 with z = cluster·(1, −½, 1, …) + 0.6·N(0, 1), and a mixture that fits them
    /// (each component of positive weight near a cluster, every cluster covered, covariances about
    /// the clusters'; component 1 of weight 0 when K ≥ 3). As on images, nearly every row has a density
    /// well above 1, so every prefix of rows has a log-likelihood far from 0 and its relative error
    /// stays meaningful (<see cref="SelfCheckCase"/>'s random mixture, scaled to [0, 1], crosses 0).
    /// </summary>
    internal static (Dataset Data, GaussianMixture Mixture) SelfCheckByteCase(int d, int k, bool weighted, int n, ulong seed)
    {
        const double offset = 128, gain = 24, f = gain / 255;
        var rng = new RandomStream(seed + 0x9E3779B97F4A7C15UL);
        int live = k >= 3 ? k - 1 : k, clusters = Math.Min(live, 3);
        var planes = new byte[d][];
        for (int j = 0; j < d; j++) planes[j] = new byte[n];
        for (int i = 0; i < n; i++)
        {
            int cluster = i % clusters;
            for (int j = 0; j < d; j++)
            {
                double z = cluster * (j % 2 == 0 ? 1.0 : -0.5) + 0.6 * rng.NextGaussian();
                planes[j][i] = (byte)Math.Clamp(Math.Round(offset + gain * z), 0, 255);
            }
        }
        double[]? w = weighted ? [.. Enumerable.Range(0, n).Select(i => i % 7 == 3 ? 0.0 : 0.25 + 3 * rng.NextDouble())] : null;
        var weights = new double[k];
        var means = new double[k][];
        var covariances = new double[k][,];
        for (int c = 0, at = 0; c < k; c++)
        {
            bool empty = k >= 3 && c == 1;
            weights[c] = empty ? 0.0 : 0.5 + rng.NextDouble();
            double centre = empty ? 1.5 : at++ % clusters;
            means[c] = [.. Enumerable.Range(0, d).Select(j => (offset + gain * (centre * (j % 2 == 0 ? 1.0 : -0.5) + 0.2 * rng.NextGaussian())) / 255)];
            var a = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) a[i, j] = 0.3 * rng.NextGaussian();
            }
            var cov = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double v = i == j ? 0.3 : 0.0;
                    for (int m = 0; m < d; m++) v += a[i, m] * a[j, m];
                    cov[i, j] = f * f * v;
                }
            }
            covariances[c] = cov;
        }
        double total = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= total;
        return (Dataset.FromBytePlanes(planes, w), new GaussianMixture(weights, means, covariances));
    }
}

/// <summary>The outcome of <see cref="KernelDiagnostics.SelfCheck"/>.</summary>
/// <param name="Hardware">The runtime's accelerated vector widths.</param>
/// <param name="DoubleD3">Kernel selected for float64, D = 3.</param>
/// <param name="DoubleGeneric">Kernel selected for float64, D = 5.</param>
/// <param name="SingleD3">Kernel selected for float32, D = 3.</param>
/// <param name="SingleGeneric">Kernel selected for float32, D = 5.</param>
/// <param name="MaxDoubleError">Largest relative error of the float64 kernels.</param>
/// <param name="MaxSingleError">Largest relative error of the float32 kernels.</param>
/// <param name="Passed">Both within their contracts.</param>
internal sealed record KernelSelfCheck(string Hardware, string DoubleD3, string DoubleGeneric, string SingleD3, string SingleGeneric,
    double MaxDoubleError, double MaxSingleError, bool Passed);
