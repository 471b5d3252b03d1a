using Bgmm.Cli.Diagnostics;
using Bgmm.Imaging;
using Bgmm.Kernels;
using Bgmm.Numerics;
using Bgmm.Tests.Core;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Kernels;

/// <summary>
/// The accuracy contract on the study's images: per EM iteration the default (float64) kernel's
/// statistics within 1e-9 and its log-likelihood within 1e-10 of the scalar float64 reference; the
/// float32 kernel within 5e-6; fits from the reference fixtures' inits reproduce them (SPEC §7). The
/// images' pixels are byte planes (<see cref="RgbImage.ToDataset"/>); the tests also run on double
/// columns of the same values.
/// </summary>
public class KernelImageTests
{
    // Normwise relative, per component for N_k, x̄_k and W_k (the issue's contract). Measured worst over
    // the four images, K = 3, five iterations: see the test output (≈ 1e-13 statistics, ≈ 1e-15 L).
    private const double StatisticsTolerance = 1e-9;
    private const double LogLikelihoodTolerance = 1e-10;

    // The float32 contract (measured ≈ 1e-6 on these images).
    private const double SingleTolerance = 5e-6;

    public static TheoryData<string> Images => ["fox.png", "cow.png", "owl.png", "zebra.png"];

    [Theory]
    [MemberData(nameof(Images))]
    public void Pass_EveryIteration_MatchesScalarReference(string file)
    {
        // The image's byte planes (what ToDataset gives an 8-bit image), their compression, and the
        // same pixels as double columns.
        Dataset pixels = ImageLoader.Load(SharedFiles.RequireShared("images", file)).ToDataset();
        Assert.True(pixels.HasBytePlanes);
        foreach (Dataset data in new[] { pixels, pixels.Compress(), BytePlaneKernelTests.DoubleColumns(pixels) })
        {
            const int k = 3;
            MixturePrior prior = MixturePrior.Create(3, alpha: 100, nu0: 4);
            GaussianMixture theta = Initializers.FromRows(data, Initializers.RandomRows(data, k, new RandomStream(7)), prior);
            using var reference = new StatisticsPass(k, 3, 2, ScalarKernel.Instance);
            using var fast = new StatisticsPass(k, 3, 2, KernelSelector.Select(3, Precision.Double));
            using var single = new StatisticsPass(k, 3, 2, KernelSelector.Select(3, Precision.Single));
            double worst = 0, worstL = 0, worstSingle = 0;
            for (int iteration = 0; iteration < 5; iteration++)
            {
                var model = new EStepModel(theta);
                MixtureStatistics expected = reference.Run(data, model);
                MixtureStatistics actual = fast.Run(data, model);
                worst = Math.Max(worst, StatisticsError(actual, expected));
                worstL = Math.Max(worstL, Norms.Relative(actual.LogLikelihood, expected.LogLikelihood));
                MixtureStatistics approximate = single.Run(data, model);
                worstSingle = Math.Max(worstSingle, Math.Max(StatisticsError(approximate, expected),
                    Norms.Relative(approximate.LogLikelihood, expected.LogLikelihood)));
                theta = MapEmFitter.MStep(expected, prior);
            }
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{file}{(data.IsCompressed ? " (compressed)" : "")}{(data.HasBytePlanes ? " (byte planes)" : " (double columns)")}: float64 statistics {worst:E2}, log-likelihood {worstL:E2}; float32 {worstSingle:E2}");
            Assert.True(worst <= StatisticsTolerance, $"statistics {worst:E2}");
            Assert.True(worstL <= LogLikelihoodTolerance, $"log-likelihood {worstL:E2}");
            Assert.True(worstSingle <= SingleTolerance, $"float32 {worstSingle:E2}");
        }
    }

    [Theory]
    [InlineData("owl_k2.json", "owl.png")]
    [InlineData("owl_k3.json", "owl.png")]
    [InlineData("cow_k2.json", "cow.png")]
    public void Fit_ImageFromFixtureInit_ReproducesReferenceFixture(string fixture, string image)
    {
        ReferenceFixture f = ReferenceFixture.Load(SharedFiles.RequireShared("reference", fixture));
        Dataset data = ImageLoader.Load(SharedFiles.RequireShared("images", image)).ToDataset();
        // Fit with the default (vectorised float64) kernel: trace, parameters, L to 1e-9
        // (the fixtures' own tolerance; the issue's 1e-8 is looser).
        // On the image's byte planes (and their compression) and on double columns of the same values.
        Assert.True(data.HasBytePlanes);
        ReferenceFixtureTests.AssertReproduces(f, data);
        ReferenceFixtureTests.AssertReproduces(f, data.Compress());
        ReferenceFixtureTests.AssertReproduces(f, BytePlaneKernelTests.DoubleColumns(data));
    }

    [Fact]
    public void Fit_SinglePrecision_StopsWithDoubleAndConvergesToTheDoubleOptimum()
    {
        Dataset data = ImageLoader.Load(SharedFiles.RequireShared("images", "owl.png")).ToDataset();
        MixturePrior prior = MixturePrior.Create(3, alpha: 100, nu0: 4);
        var options = new FitOptions(2) { Seed = 1, MaxIterations = 300 };
        FitResult optimum = MapEmFitter.Fit(data, prior, options with { Tolerance = 1e-13 });

        // At tol = 1e-6 (the smallest the float32 kernel supports) it stops where float64 stops.
        FitResult stopDouble = MapEmFitter.Fit(data, prior, options with { Tolerance = 1e-6 });
        FitResult stopSingle = MapEmFitter.Fit(data, prior, options with { Tolerance = 1e-6, Precision = Precision.Single });
        Assert.True(stopSingle.Converged);
        Assert.InRange(stopSingle.Iterations, stopDouble.Iterations - 1, stopDouble.Iterations + 1);

        // Its fixed point is the float64 optimum to ~1e-6 (measured 9e-7 on owl, fox; 5e-8 on cow);
        // the issue's contract is 1e-4. (A stop at tol 1e-6 is itself ~3e-3 short of the optimum in
        // either precision: EM creeps.)
        FitResult fixedPoint = MapEmFitter.Fit(data, prior, options with { Tolerance = 0, Precision = Precision.Single });
        double error = Norms.MixtureRelative(fixedPoint.Mixture, optimum.Mixture.Weights, optimum.Mixture.Means, optimum.Mixture.Covariances);
        TestContext.Current.TestOutputHelper?.WriteLine($"float32 fixed point within {error:E2} of the float64 optimum; stops at tol 1e-6 after {stopSingle.Iterations} vs {stopDouble.Iterations} iterations");
        Assert.True(error <= 1e-4, $"{error:E2}");
    }

    [Fact]
    public void Fit_SharedImage_IsBitIdenticalOnOneAndTwoThreads()
    {
        Dataset pixels = ImageLoader.Load(SharedFiles.RequireShared("images", "fox.png")).ToDataset();
        foreach ((Dataset data, Precision precision) in new[] { (pixels, Precision.Double), (pixels, Precision.Single),
            (BytePlaneKernelTests.DoubleColumns(pixels), Precision.Double), (BytePlaneKernelTests.DoubleColumns(pixels), Precision.Single) })
        {
            var options = new FitOptions(3) { MaxIterations = 8, Tolerance = 0, Seed = 2, Precision = precision };
            FitResult a = MapEmFitter.Fit(data, null, options with { Threads = 1 });
            FitResult b = MapEmFitter.Fit(data, null, options with { Threads = 2 });
            Assert.Equal(a.LogJointTrace, b.LogJointTrace);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(a.Mixture.GetMean(k), b.Mixture.GetMean(k));
                Assert.Equal(Norms.Flat(a.Mixture.GetCovariance(k)), Norms.Flat(b.Mixture.GetCovariance(k)));
            }
        }
    }

    [Fact]
    public void Pass_ParallelForAndPersistentWorkers_GiveIdenticalStatistics()
    {
        (Dataset data, GaussianMixture mixture) = KernelDiagnostics.SelfCheckCase(3, 4, weighted: true, 50_000, seed: 12);
        var model = new EStepModel(mixture);
        using var persistent = new StatisticsPass(4, 3, 2, KernelSelector.Select(3));
        using var pooled = new StatisticsPass(4, 3, 2, KernelSelector.Select(3), persistentWorkers: false);
        using var single = new StatisticsPass(4, 3, 1, KernelSelector.Select(3));
        double[] expected = [.. single.Run(data, model).Raw.ToArray()];
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(expected, persistent.Run(data, model).Raw.ToArray());
            Assert.Equal(expected, pooled.Run(data, model).Raw.ToArray());
        }
    }

    /// <summary>Largest normwise relative error over every component's N_k, x̄_k and W_k (components with N_k = 0 compare exactly).</summary>
    internal static double StatisticsError(MixtureStatistics actual, MixtureStatistics expected)
    {
        double worst = Norms.Relative(Enumerable.Range(0, expected.ComponentCount).Select(actual.Count).ToArray(),
            Enumerable.Range(0, expected.ComponentCount).Select(expected.Count).ToArray());
        for (int k = 0; k < expected.ComponentCount; k++)
        {
            if (expected.Count(k) == 0)
            {
                Assert.Equal(0.0, actual.Count(k));
                continue;
            }
            worst = Math.Max(worst, Norms.Relative(actual.Mean(k), expected.Mean(k)));
            worst = Math.Max(worst, Norms.Relative(actual.Scatter(k), expected.Scatter(k)));
        }
        return worst;
    }
}
