using Bgmm.Numerics;
using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Models;

/// <summary>
/// <see cref="MixturePrior.Empirical"/>: mclust's <c>defaultPrior</c> per model (checked against the fixtures in
/// <see cref="EngineMclustTests"/>), for weighted data as for the expanded data, and always a valid prior.
/// </summary>
public class EmpiricalPriorTests
{
    [Fact]
    public void Empirical_HasMclustsHyperparametersAndScaleForm()
    {
        (double[][] x, _) = EngineSlowModelsTests.Data(3, 2, 80, seed: 1);
        var data = Dataset.FromRows(x);
        foreach (CovarianceModel model in CovarianceModel.For(3))
        {
            MixturePrior prior = MixturePrior.Empirical(data, 4, model, alpha: 2);
            MclustPrior slow = SlowModels.DefaultPrior(x, 4, Enum.Parse<MclustModel>(model.Name));
            Assert.Equal(0.01, prior.ComponentPrior.Kappa0);
            Assert.Equal(5, prior.ComponentPrior.Nu0);
            Assert.Equal(2, prior.WeightPrior.Alpha);
            double[,] expected = slow.Scale.Length == 1 ? Scaled(Identity(3), slow.ScalarScale) : slow.Scale;
            // Sums in another order than the reference's: a few ulps.
            Assert.True(Norms.Relative(prior.ComponentPrior.Sigma0, expected) < 1e-13, model.Name);
            Assert.True(Norms.Relative(prior.ComponentPrior.Mu0, slow.Mean) < 1e-13, model.Name);
        }
        Assert.Equal(MixturePrior.Empirical(data, 4).ComponentPrior.Sigma0, MixturePrior.Empirical(data, 4, CovarianceModel.VVV).ComponentPrior.Sigma0);
    }

    [Fact]
    public void Empirical_OneDimension_IsTheVarianceOverKSquared()
    {
        double[] v = [1, 2, 4, 8, 16];
        var data = Dataset.FromRows([.. v.Select(t => new[] { t })]);
        double mean = v.Average(), variance = v.Sum(t => (t - mean) * (t - mean)) / (v.Length - 1);
        foreach (CovarianceModel model in new[] { CovarianceModel.E, CovarianceModel.V, CovarianceModel.VVV })
        {
            MixturePrior prior = MixturePrior.Empirical(data, 3, model);
            Assert.Equal(3, prior.ComponentPrior.Nu0);
            Assert.Equal(variance / 9, prior.ComponentPrior.Sigma0[0, 0], 1e-15);
        }
    }

    /// <summary>mclust: with n ≤ D points the ellipsoidal scale is only the covariance's diagonal.</summary>
    [Fact]
    public void Empirical_NoMorePointsThanDimensions_KeepsOnlyTheDiagonal()
    {
        var data = Dataset.FromRows([[0.0, 1, 2], [1, 3, 2], [2, 2, 7]]);
        double[,] s = MixturePrior.Empirical(data, 1, CovarianceModel.VVV).ComponentPrior.Sigma0;
        Assert.Equal(0, s[0, 1]);
        Assert.Equal(0, s[1, 2]);
        Assert.Equal(1.0, s[0, 0], 1e-15);
        Assert.Equal(1.0, s[1, 1], 1e-15);
        Assert.Equal(8.333333333333334, s[2, 2], 1e-14);
    }

    /// <summary>Weights count as repeated points: n is the total weight, so the prior is the expanded data's.</summary>
    [Fact]
    public void Empirical_WeightedRows_GiveTheExpandedDatasPrior()
    {
        (double[][] x, _) = EngineSlowModelsTests.Data(3, 2, 50, seed: 6);
        double[] w = [.. Enumerable.Range(0, x.Length).Select(i => (double)(i % 4))];
        var expanded = Dataset.FromRows([.. x.SelectMany((r, i) => Enumerable.Repeat(r, (int)w[i]))]);
        foreach (CovarianceModel model in new[] { CovarianceModel.VII, CovarianceModel.VVI, CovarianceModel.VVV })
        {
            NormalInverseWishart a = MixturePrior.Empirical(Dataset.FromRows(x, w), 3, model).ComponentPrior;
            NormalInverseWishart b = MixturePrior.Empirical(expanded, 3, model).ComponentPrior;
            // The same sums, each weighted row once against w copies: rounding only.
            Assert.True(Norms.Relative(a.Sigma0, b.Sigma0) < 1e-13);
            Assert.True(Norms.Relative(a.Mu0, b.Mu0) < 1e-14);
        }
    }

    public static TheoryData<string> Singular() => ["grey", "collinear", "constant column", "constant", "two points"];

    /// <summary>
    /// Data whose covariance is singular — a grey image (R = G = B), collinear columns, a constant column, one
    /// repeated point — still give a valid prior (Σ0 positive definite, well enough conditioned), and a fit under it runs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Singular))]
    public void Empirical_SingularData_GivesAValidPriorAndAFit(string kind)
    {
        var rng = new RandomStream(5);
        double[][] x = [.. Enumerable.Range(0, 3000).Select(i =>
        {
            double g = Math.Round(255 * rng.NextDouble()) / 255;
            return kind switch
            {
                "grey" => new[] { g, g, g },
                "collinear" => [g, 2 * g - 1, 0.5 - g],
                "constant column" => [g, rng.NextGaussian(), 1.0],
                "constant" => [0.25, 0.5, 0.75],
                _ => i % 2 == 0 ? [1.0, 2, 3] : [2.0, 4, 6],
            };
        })];
        var data = Dataset.FromRows(x);
        int k = kind == "constant" ? 1 : 2;
        foreach (CovarianceModel model in CovarianceModel.For(3))
        {
            MixturePrior prior = MixturePrior.Empirical(data, k, model);
            double[] values = new double[3];
            SymmetricEigen.Decompose(SmallMatrix.Flatten(prior.ComponentPrior.Sigma0), 3, values, new double[9]);
            Assert.True(values[2] > 0, $"{kind} {model}: Σ0 is not positive definite");
            // The ridge lifts the correlation's smallest eigenvalue to about 1e-6 (docs/models.md §2.1).
            Assert.True(values[2] / values[0] > 1e-8, $"{kind} {model}: Σ0's condition number {values[0] / values[2]:E2}");
            if (kind == "constant" && model.Name == "EII") continue; // EII's step ignores the prior scale: no scatter, no variance.
            FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(k) { Model = model, MaxIterations = 30, Seed = 1 });
            Assert.All(fit.LogJointTrace, v => Assert.True(double.IsFinite(v)));
            // Components on point masses or a line sit at the ridge (covariance condition numbers ~1e9): L's
            // rounding is then ~1e-12 relative, above Norms.AssertNonDecreasing's 1e-12 of max(|L|, N); 1e-10 here.
            for (int t = 1; t < fit.LogJointTrace.Count; t++)
            {
                Assert.True(fit.LogJointTrace[t] >= fit.LogJointTrace[t - 1] - 1e-10 * Math.Abs(fit.LogJointTrace[t - 1]), $"{kind} {model}: L decreased at {t}");
            }
        }
    }

    /// <summary>Data that need no ridge get exactly mclust's scale (no regularisation where R would not need one).</summary>
    [Fact]
    public void Empirical_RegularData_IsNotRegularised()
    {
        MclustFixture f = MclustFixture.Load("iris_G2.json");
        double[,] ours = MixturePrior.Empirical(Dataset.FromRows(f.Data), 2).ComponentPrior.Sigma0;
        double[,] r = f.Models[MclustModel.VVV].Prior.Scale;
        for (int j = 0; j < 4; j++) Assert.Equal(r[j, j], ours[j, j], r[j, j] * 1e-14);
    }

    private static double[,] Identity(int d) => SmallMatrix.ToMatrix(SmallMatrix.Identity(d), d);

    private static double[,] Scaled(double[,] m, double s)
    {
        var r = (double[,])m.Clone();
        for (int i = 0; i < r.GetLength(0); i++)
        {
            for (int j = 0; j < r.GetLength(1); j++) r[i, j] *= s;
        }
        return r;
    }
}
