using Bgmm.Kernels;
using Bgmm.Spatial;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Spatial;

/// <summary>The mean-field EM fit (SPEC §6): monotone F, β = 0 is the independent model, determinism, validation.</summary>
public class MeanFieldFitTests
{
    private static readonly MixturePrior Prior = SlowMeanField.ImagePrior;

    public static TheoryData<Neighbourhood, double, int> MonotonicCases => new()
    {
        { Neighbourhood.Four, 0.3, 1 }, { Neighbourhood.Four, 1.0, 2 }, { Neighbourhood.Four, 3.0, 1 },
        { Neighbourhood.Eight, 0.3, 2 }, { Neighbourhood.Eight, 1.0, 1 }, { Neighbourhood.Eight, 3.0, 3 },
    };

    [Theory]
    [MemberData(nameof(MonotonicCases))]
    public void Fit_ObjectiveTraceNeverDecreases(Neighbourhood neighbourhood, double beta, int sweeps)
    {
        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            (Dataset data, _) = SlowMeanField.Image(48, 40, 3, 0.07, seed);
            // From an unconverged independent fit and from a random mixture: the early iterations,
            // where F moves most, are the ones that can go wrong.
            GaussianMixture[] starts =
            [
                MapEmFitter.Fit(data, Prior, new FitOptions(3) { Seed = seed, MaxIterations = 5, Tolerance = 0 }).Mixture,
                SlowMeanField.RandomColourMixture(3, seed),
            ];
            foreach (GaussianMixture start in starts)
            {
                SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 48, 40, start, Prior,
                    new SmoothingOptions { Beta = beta, Neighbours = neighbourhood, Sweeps = sweeps, MaxIterations = 25, Tolerance = 0 });
                Assert.Equal(26, fit.ObjectiveTrace.Count);
                // Documented tolerance: 1e-12·max(|F|, N); q in float32 adds a second-order ~1e-14·N.
                Norms.AssertNonDecreasing(fit.ObjectiveTrace, data.Count);
                Assert.All(fit.ObjectiveTrace, v => Assert.True(double.IsFinite(v)));
            }
        }
    }

    [Theory]
    [InlineData(Neighbourhood.Four, 2)]
    [InlineData(Neighbourhood.Eight, 1)]
    public void BetaZero_GivesTheIndependentModelsFit(Neighbourhood neighbourhood, int sweeps)
    {
        (Dataset data, _) = SlowMeanField.Image(50, 44, 3, 0.05, seed: 6);
        GaussianMixture start = MapEmFitter.Fit(data, Prior, new FitOptions(3) { Seed = 3, MaxIterations = 4, Tolerance = 0 }).Mixture;
        const int iterations = 30;
        FitResult independent = MapEmFitter.Fit(data, Prior,
            new FitOptions(3) { Initialization = Initialization.FromMixture(start), MaxIterations = iterations, Tolerance = 0 });
        SmoothedFitResult smoothed = MeanFieldEmFitter.Fit(data, 50, 44, start, Prior,
            new SmoothingOptions { Beta = 0, Neighbours = neighbourhood, Sweeps = sweeps, MaxIterations = iterations, Tolerance = 0 });

        // q is stored in float32 (SPEC §6), so the M-step sees r rounded to 2^-24 relative. F at the
        // rounded q is L to second order (stationarity on the simplex), and the rounding errors of
        // N·K responsibilities largely cancel in the statistics. Agreement is limited by that rounding:
        // trace (measured 8e-11 here) and in the parameters (measured 8e-9); the bounds leave ×10.
        Assert.Equal(independent.LogJointTrace.Count, smoothed.ObjectiveTrace.Count);
        for (int t = 0; t <= iterations; t++)
        {
            Assert.True(Norms.Relative(smoothed.ObjectiveTrace[t], independent.LogJointTrace[t]) < 1e-9,
                $"t = {t}: F = {smoothed.ObjectiveTrace[t]:R}, L = {independent.LogJointTrace[t]:R}");
        }
        GaussianMixture expected = independent.Mixture;
        Assert.True(Norms.MixtureRelative(smoothed.Mixture, expected.Weights, expected.Means, expected.Covariances) < 1e-7);
        Assert.Equal(independent.ComponentCounts.Count, smoothed.ComponentCounts.Count);
        for (int k = 0; k < 3; k++) Assert.True(Norms.Relative(smoothed.ComponentCounts[k], independent.ComponentCounts[k]) < 1e-7);

        int[] labels = expected.Predict(data);
        int agree = 0;
        for (int n = 0; n < labels.Length; n++) agree += labels[n] == smoothed.Labels[n] ? 1 : 0;
        // Identical but for pixels whose two largest responsibilities tie to float precision.
        Assert.True(agree >= labels.Length - 2);
    }

    [Theory]
    [InlineData(Neighbourhood.Four)]
    [InlineData(Neighbourhood.Eight)]
    public void Fit_IsBitIdenticalForOneAndTwoThreads(Neighbourhood neighbourhood)
    {
        // 72×300 = 21 600 pixels: three bands of 114 rows, so two threads really split the work.
        (Dataset data, _) = SlowMeanField.Image(72, 300, 3, 0.06, seed: 12);
        GaussianMixture start = MapEmFitter.Fit(data, Prior, new FitOptions(3) { Seed = 1, MaxIterations = 20 }).Mixture;
        var options = new SmoothingOptions { Beta = 1.2, Neighbours = neighbourhood, Sweeps = 2, MaxIterations = 6, Tolerance = 0 };
        SmoothedFitResult one = MeanFieldEmFitter.Fit(data, 72, 300, start, Prior, options with { Threads = 1 });
        SmoothedFitResult two = MeanFieldEmFitter.Fit(data, 72, 300, start, Prior, options with { Threads = 2 });

        Assert.Equal(one.ObjectiveTrace, two.ObjectiveTrace);
        Assert.Equal(one.Mixture.Weights, two.Mixture.Weights);
        Assert.Equal(one.Mixture.Means.SelectMany(m => m), two.Mixture.Means.SelectMany(m => m));
        Assert.Equal(one.Mixture.Covariances.SelectMany(Norms.Flat), two.Mixture.Covariances.SelectMany(Norms.Flat));
        for (int k = 0; k < 3; k++) Assert.True(one.Marginal(k).SequenceEqual(two.Marginal(k)));
        Assert.True(one.Labels.SequenceEqual(two.Labels));
    }

    [Fact]
    public void EveryVectorWidth_GivesTheSameFit()
    {
        (Dataset data, _) = SlowMeanField.Image(37, 29, 3, 0.06, seed: 13);
        GaussianMixture start = MapEmFitter.Fit(data, Prior, new FitOptions(3) { Seed = 1, MaxIterations = 20 }).Mixture;
        var options = new SmoothingOptions { Beta = 0.9, Neighbours = Neighbourhood.Eight, MaxIterations = 8, Tolerance = 0, Threads = 1 };
        SmoothedFitResult scalar = MeanFieldEmFitter.FitOnWidth(data, 37, 29, start, Prior, options, VectorWidth.Scalar);
        Assert.Equal("mean-field-scalar", scalar.KernelName);
        foreach (VectorWidth lanes in new[] { VectorWidth.Vector128, VectorWidth.Vector256, VectorWidth.Vector512 })
        {
            SmoothedFitResult fit = MeanFieldEmFitter.FitOnWidth(data, 37, 29, start, Prior, options, lanes);
            // The widths differ only in exp and log (vector vs Math, a few ulp), over 8 iterations.
            for (int t = 0; t < fit.ObjectiveTrace.Count; t++)
                Assert.True(Norms.Relative(fit.ObjectiveTrace[t], scalar.ObjectiveTrace[t]) < 1e-12, $"{lanes}, t = {t}");
            GaussianMixture m = scalar.Mixture;
            Assert.True(Norms.MixtureRelative(fit.Mixture, m.Weights, m.Means, m.Covariances) < 1e-10, lanes.ToString());
            Assert.True(fit.Labels.SequenceEqual(scalar.Labels), lanes.ToString());
        }
    }

    [Fact]
    public void Result_IsCanonical_AndConsistentWithItsMarginals()
    {
        (Dataset data, _) = SlowMeanField.Image(40, 36, 3, 0.06, seed: 14);
        GaussianMixture start = MapEmFitter.Fit(data, Prior, new FitOptions(3) { Seed = 1 }).Mixture;
        SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 40, 36, start, Prior, new SmoothingOptions { Beta = 1 });

        double[] w = fit.Mixture.Weights;
        Assert.True(w[0] >= w[1] && w[1] >= w[2]);
        Assert.True(fit.Converged);
        Assert.Equal(fit.ObjectiveTrace[^1], fit.Objective);
        Assert.True(Norms.Relative(fit.LogPrior, Prior.LogDensity(fit.Mixture)) == 0);
        var counts = new double[3];
        float[] entropy = fit.ComputeEntropy();
        float[] q = SlowMeanField.PixelMajor(fit);
        for (int n = 0; n < data.Count; n++)
        {
            double[] row = SlowMeanField.Row(q, n, 3);
            int best = Array.IndexOf(row, row.Max());
            Assert.Equal(best, fit.Labels[n]);
            for (int k = 0; k < 3; k++) counts[k] += row[k];
            double h = -row.Where(q => q > 0).Sum(q => q * Math.Log(q));
            Assert.True(Math.Abs(entropy[n] - h) <= 1e-6 * Math.Max(h, 1e-30) + 1e-37);
            Assert.InRange(entropy[n], 0f, (float)Math.Log(3) * (1 + 1e-6f));
        }
        // Sums over 1 440 pixels in another order.
        for (int k = 0; k < 3; k++) Assert.True(Norms.Relative(fit.ComponentCounts[k], counts[k]) < 1e-12);
        Assert.Empty(fit.EmptyComponents);
    }

    [Fact]
    public void LargeBeta_GivesNoNaN()
    {
        (Dataset data, _) = SlowMeanField.Image(30, 24, 2, 0.08, seed: 15);
        GaussianMixture start = MapEmFitter.Fit(data, Prior, new FitOptions(2) { Seed = 1 }).Mixture;
        foreach (double beta in new[] { 50.0, 1e4, SmoothingOptions.MaxBeta })
        {
            foreach (Neighbourhood neighbourhood in new[] { Neighbourhood.Four, Neighbourhood.Eight })
            {
                SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 30, 24, start, Prior,
                    new SmoothingOptions { Beta = beta, Neighbours = neighbourhood, MaxIterations = 10, Tolerance = 0 });
                Assert.All(fit.ObjectiveTrace, v => Assert.True(double.IsFinite(v)));
                Norms.AssertNonDecreasing(fit.ObjectiveTrace, data.Count);
                foreach (float q in SlowMeanField.PixelMajor(fit)) Assert.True(float.IsFinite(q) && q >= 0 && q <= 1);
                Assert.True(fit.Labels.ToArray().All(l => l < 2));
                Assert.All(fit.Mixture.Weights, v => Assert.True(double.IsFinite(v)));
            }
        }
    }

    [Fact]
    public void Cancellation_StopsTheFit()
    {
        (Dataset data, _) = SlowMeanField.Image(20, 20, 2, 0.05, seed: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => MeanFieldEmFitter.Fit(data, 20, 20,
            SlowMeanField.RandomColourMixture(2, 1), Prior, new SmoothingOptions { Beta = 1 }, cancellationToken: cts.Token));
    }

    [Fact]
    public void Progress_IsReportedForEveryIteration()
    {
        (Dataset data, _) = SlowMeanField.Image(20, 20, 2, 0.05, seed: 1);
        var reports = new List<FitProgress>();
        SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 20, 20, SlowMeanField.RandomColourMixture(2, 1), Prior,
            new SmoothingOptions { Beta = 1, MaxIterations = 4, Tolerance = 0 }, new SyncProgress(reports.Add));
        Assert.Equal([0, 1, 2, 3, 4], reports.Select(r => r.Iteration));
        Assert.Equal(fit.ObjectiveTrace, reports.Select(r => r.LogJoint));
    }

    private sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => report(value);
    }

    [Theory]
    [InlineData(Neighbourhood.Four, 2)]
    [InlineData(Neighbourhood.Eight, 1)]
    public void Fit_BytePlanes_IsBitIdenticalToDoubleColumns(Neighbourhood neighbourhood, int sweeps)
    {
        // The site update gathers byte planes through the table of v/255, so its block holds exactly
        // the double columns' values: same q, same F, same θ, bit for bit.
        (Dataset bytes, _) = SlowMeanField.Image(45, 38, 3, 0.06, seed: 8);
        Assert.True(bytes.HasBytePlanes);
        Dataset doubles = Kernels.BytePlaneKernelTests.DoubleColumns(bytes);
        GaussianMixture start = MapEmFitter.Fit(doubles, Prior, new FitOptions(3) { Seed = 2, MaxIterations = 10, Tolerance = 0 }).Mixture;
        var options = new SmoothingOptions { Beta = 1.5, Neighbours = neighbourhood, Sweeps = sweeps, MaxIterations = 12, Tolerance = 0 };
        SmoothedFitResult a = MeanFieldEmFitter.Fit(bytes, 45, 38, start, Prior, options);
        SmoothedFitResult b = MeanFieldEmFitter.Fit(doubles, 45, 38, start, Prior, options);
        Assert.Equal(b.ObjectiveTrace, a.ObjectiveTrace);
        Assert.Equal(b.Labels.ToArray(), a.Labels.ToArray());
        Assert.Equal(SlowMeanField.PixelMajor(b), SlowMeanField.PixelMajor(a));
        for (int k = 0; k < 3; k++) Assert.Equal(b.Mixture.GetMean(k), a.Mixture.GetMean(k));
    }
}
