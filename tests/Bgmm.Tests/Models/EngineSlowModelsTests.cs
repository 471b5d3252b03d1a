using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Models;

/// <summary>
/// The library against the slow reference (Reference/SlowModels.cs) where the mclust fixtures do not reach:
/// five dimensions, four components, every model (EEI with the MAP step the library takes) — parameters,
/// the model's own parameters and every entry of the log-joint trace, whose log priors the reference
/// computes from the formulas of docs/models.md on plain arrays.
/// </summary>
public class EngineSlowModelsTests
{
    // A few iterations of float64 arithmetic in different orders (see EngineMclustTests): measured worst
    // ~1e-13 at 30 iterations on this data; VEI/VEV's inner fixed point adds ~1e-15/λ.
    private const double Tolerance = 1e-9;

    public static TheoryData<string> Multivariate() => [.. CovarianceModel.For(5).Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Multivariate))]
    public void Fit_InFiveDimensions_MatchesTheSlowReferenceEveryIteration(string modelName)
    {
        CovarianceModel model = CovarianceModel.Parse(modelName);
        MclustModel reference = Enum.Parse<MclustModel>(modelName);
        (double[][] x, int[] labels) = Data(5, 4, 240, seed: 17);
        var data = Dataset.FromRows(x);
        MclustPrior slowPrior = SlowModels.DefaultPrior(x, 4, reference);
        var expectedTrace = new List<double>();
        var parameters = new List<ModelParameters>();
        var z = SlowModels.Unmap(labels, 4);
        SlowModels.Me(x, reference, z, slowPrior, 30, null, SlowModelsTests.MclustInner, eeiMap: true,
            onIteration: (_, p, logLikelihood) =>
            {
                expectedTrace.Add(logLikelihood + SlowModels.LogPrior(reference, p, slowPrior, 1));
                parameters.Add(p);
            });

        foreach (int iterations in new[] { 1, 7, 30 })
        {
            FitResult fit = MapEmFitter.Fit(data, MixturePrior.Empirical(data, 4, model),
                new FitOptions(4) { Model = model, Initialization = Initialization.FromPartition(labels), MaxIterations = iterations, Tolerance = 0 });
            ModelParameters p = parameters[iterations - 1];
            int[] map = EngineMclustTests.Match(fit.Mixture, p.Means);
            for (int k = 0; k < 4; k++)
            {
                Assert.True(Norms.Relative(fit.Mixture.GetMean(map[k]), p.Means[k]) < Tolerance, $"{model} mean {k} after {iterations}");
                Assert.True(Norms.Relative(fit.Mixture.GetCovariance(map[k]), p.Covariances[k]) < Tolerance, $"{model} covariance {k} after {iterations}");
                Assert.True(Norms.Relative(fit.Mixture.Weights[map[k]], p.Weights[k]) < Tolerance, $"{model} weight {k} after {iterations}");
            }
            CovarianceParameters own = model.Describe(fit.Mixture);
            if (p.Volume.Length > 0)
            {
                double[] volume = own.Volume.Count == 1 ? [own.Volume[0]] : [.. map.Select(i => own.Volume[i])];
                Assert.True(Norms.Relative(volume, p.Volume) < Tolerance, $"{model} volume after {iterations}");
            }
            for (int r = 0; r < p.Shape.Length; r++)
            {
                Assert.True(Norms.Relative(own.Shape[p.Shape.Length == 1 ? 0 : map[r]], p.Shape[r]) < Tolerance, $"{model} shape {r} after {iterations}");
            }
            // Entry t ≥ 1 is ℓ(θ_t) + log p(θ_t); the log prior is each model's own (docs/models.md).
            for (int t = 1; t <= iterations; t++)
            {
                Assert.True(Norms.Relative(fit.LogJointTrace[t], expectedTrace[t - 1]) < Tolerance, $"{model} trace entry {t}: {fit.LogJointTrace[t]:R} vs {expectedTrace[t - 1]:R}");
            }
            // Entry 0 is the partition's classification log joint at θ_1: Σ_n log π_zn N(x_n | θ_zn) + log p(θ_1).
            double classification = SlowModels.CompleteDataObjective(reference, x, z, parameters[0], slowPrior, 1);
            Assert.True(Norms.Relative(fit.LogJointTrace[0], classification) < Tolerance, $"{model} trace entry 0");
            Assert.True(fit.LogJointTrace[0] < fit.LogJointTrace[1], "entry 0 is a lower bound of L(θ_1)");
            if (iterations == 30) Assert.True(fit.LogJointTrace[30] - fit.LogJointTrace[1] > 1, $"{model}: EM hardly moved from the partition, the comparison would be weak");
        }
    }

    /// <summary>A point of integer weight w is w identical points: the weighted fit equals the expanded one (every model).</summary>
    [Theory]
    [MemberData(nameof(Multivariate))]
    public void Fit_WeightedRows_EqualTheExpandedData(string modelName)
    {
        CovarianceModel model = CovarianceModel.Parse(modelName);
        (double[][] x, int[] labels) = Data(3, 3, 90, seed: 5);
        double[] w = [.. Enumerable.Range(0, x.Length).Select(i => (double)(1 + i % 3))];
        var expanded = x.SelectMany((row, i) => Enumerable.Repeat(row, (int)w[i])).ToArray();
        var expandedLabels = labels.SelectMany((l, i) => Enumerable.Repeat(l, (int)w[i])).ToArray();
        Dataset weighted = Dataset.FromRows(x, w), plain = Dataset.FromRows(expanded);

        FitResult a = MapEmFitter.Fit(weighted, MixturePrior.Empirical(weighted, 3, model),
            new FitOptions(3) { Model = model, Initialization = Initialization.FromPartition(labels), MaxIterations = 20, Tolerance = 0 });
        FitResult b = MapEmFitter.Fit(plain, MixturePrior.Empirical(plain, 3, model),
            new FitOptions(3) { Model = model, Initialization = Initialization.FromPartition(expandedLabels), MaxIterations = 20, Tolerance = 0 });

        // The same sums in other orders (each weighted row once against w copies): rounding only.
        const double tolerance = 1e-10;
        Assert.True(Norms.Relative(a.Prior.ComponentPrior.Sigma0, b.Prior.ComponentPrior.Sigma0) < 1e-13);
        Assert.True(Norms.MixtureRelative(a.Mixture, b.Mixture.Weights, b.Mixture.Means, b.Mixture.Covariances) < tolerance);
        Assert.True(Norms.Relative(a.LogJointTrace.ToArray(), b.LogJointTrace.ToArray()) < tolerance);
    }

    /// <summary>Points of a K-component mixture with distinct shapes, volumes and orientations (overlapping, so EM moves far from the true labels), and those labels.</summary>
    internal static (double[][] X, int[] Labels) Data(int d, int k, int n, ulong seed)
    {
        GaussianMixture truth = Core.EmStepTests.RandomMixture(d, k, seed);
        double[][] means = truth.Means;
        for (int c = 0; c < k; c++)
        {
            for (int j = 0; j < d; j++) means[c][j] += 1.5 * ((c + j) % 3 - 1) + 0.5 * c;
        }
        var separated = new GaussianMixture(truth.Weights, means, truth.Covariances);
        (double[][] points, int[] labels) = separated.Sample(n, seed);
        for (int c = 0; c < k; c++)
        {
            if (!labels.Contains(c)) labels[c] = c;
        }
        return (points, labels);
    }
}
