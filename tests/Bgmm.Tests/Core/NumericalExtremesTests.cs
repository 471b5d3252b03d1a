using Bgmm.Cli.Synthetic;
using Bgmm.Numerics;
using Bgmm.Serialization;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Core;

/// <summary>Issue 5: extreme but valid data completes, the trace never decreases, nothing non-finite appears.</summary>
public class NumericalExtremesTests
{
    private static double[][] Toy(double scale = 1, double shift = 0) =>
        [.. ToyData.Generate(seed: 6, perCluster: 60).Select(r => r.Select(v => v * scale + shift).ToArray())];

    public static TheoryData<string> Cases => new()
    {
        "scaled 1e-6", "scaled 1e6", "shifted 1e6", "constant column", "K = distinct points", "duplicated points", "weights over 1e12", "tiny sigma0", "huge sigma0",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_ExtremeButValidInput_CompletesCleanly(string name)
    {
        (Dataset data, MixturePrior prior, int k) = name switch
        {
            "scaled 1e-6" => (Dataset.FromRows(Toy(1e-6)), MixturePrior.Create(2, alpha: 1), 2),
            "scaled 1e6" => (Dataset.FromRows(Toy(1e6)), MixturePrior.Create(2, alpha: 1), 2),
            "shifted 1e6" => (Dataset.FromRows(Toy(1, 1e6)), MixturePrior.Create(2, alpha: 1), 2),
            "constant column" => (Dataset.FromRows([.. Toy().Select(r => new[] { r[0], 3.0 })]), MixturePrior.Create(2, alpha: 1), 2),
            "K = distinct points" => (Dataset.FromRows([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]), MixturePrior.Create(2, alpha: 1), 3),
            "duplicated points" => (Dataset.FromRows([.. Enumerable.Repeat(new[] { 1.0, 2.0 }, 500), .. Enumerable.Repeat(new[] { -1.0, 0.5 }, 3)]), MixturePrior.Create(2, alpha: 1), 2),
            "weights over 1e12" => (Dataset.FromRows(Toy(), [.. Enumerable.Range(0, 120).Select(i => Math.Pow(10, 12.0 * (i % 13) / 12))]), MixturePrior.Create(2, alpha: 1), 2),
            "tiny sigma0" => (Dataset.FromRows(Toy()), MixturePrior.Create(2, alpha: 1, sigma0: new double[,] { { 1e-12, 0 }, { 0, 1e-12 } }), 2),
            _ => (Dataset.FromRows(Toy()), MixturePrior.Create(2, alpha: 1, sigma0: new double[,] { { 1e12, 0 }, { 0, 1e12 } }), 2),
        };

        foreach (Initialization init in new[] { Initialization.Random, Initialization.KMeansPlusPlus })
        {
            FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(k) { MaxIterations = 200, Restarts = 2, Initialization = init });

            Norms.AssertNonDecreasing(fit.LogJointTrace, data.TotalWeight);
            string json = FitResultJson.Serialize(fit);
            Assert.DoesNotContain("NaN", json);
            Assert.DoesNotContain("Infinity", json);
            Assert.All(fit.Mixture.Weights, w => Assert.True(double.IsFinite(w) && w >= 0));
            for (int c = 0; c < k; c++)
            {
                Assert.All(fit.Mixture.GetMean(c), v => Assert.True(double.IsFinite(v)));
                Assert.All(Norms.Flat(fit.Mixture.GetCovariance(c)), v => Assert.True(double.IsFinite(v)));
            }
            Assert.All(fit.Mixture.Predict(data), l => Assert.InRange(l, 0, k - 1));
        }
    }

    [Fact]
    public void Fit_DataScaledBy1e6WithMatchingPrior_RecoversTheScaledMeans()
    {
        // With Σ0 scaled along with the data the MAP iterates are the toy fit's, scaled (the log joint
        // shifts by a constant, so compare a fixed number of iterations, not a relative tolerance).
        var options = new FitOptions(2) { Seed = 3, MaxIterations = 100, Tolerance = 0 };
        FitResult unit = MapEmFitter.Fit(Dataset.FromRows(Toy()), ToyData.Prior(), options);
        MixturePrior scaledPrior = MixturePrior.Create(2, alpha: 1, nu0: 3, sigma0: new double[,] { { 1e12, 0 }, { 0, 1e12 } });
        FitResult scaled = MapEmFitter.Fit(Dataset.FromRows(Toy(1e6)), scaledPrior, options);
        for (int c = 0; c < 2; c++)
        {
            // Same iterates up to rounding of the scaled data (1e-16 relative per value), amplified over 100 iterations.
            Assert.True(Norms.Relative(scaled.Mixture.GetMean(c), [.. unit.Mixture.GetMean(c).Select(v => v * 1e6)]) < 1e-9);
        }
    }

    [Fact]
    public void Fit_RandomInit_NeverPicksAZeroWeightRow()
    {
        var rng = new RandomStream(4);
        double[][] rows = [.. Enumerable.Range(0, 50).Select(_ => new[] { rng.NextGaussian() })];
        double[] weights = [.. Enumerable.Range(0, 50).Select(i => i < 48 ? 0.0 : 1.0)];
        for (ulong seed = 0; seed < 20; seed++)
        {
            GaussianMixture init = ToyStudyTests.InitialMixture(Dataset.FromRows(rows, weights), MixturePrior.Default(1), seed);
            Assert.Equal(new[] { rows[48][0], rows[49][0] }.Order(), init.Means.Select(m => m[0]).Order());
        }
    }
}
