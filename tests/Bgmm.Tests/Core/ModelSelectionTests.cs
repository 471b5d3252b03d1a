using Bgmm.Numerics;

namespace Bgmm.Tests.Core;

public class ModelSelectionTests
{
    /// <summary>K well-separated 2-D clusters (centres 12 apart, unit covariance), 150 points each.</summary>
    private static Dataset Clusters(int k, ulong seed)
    {
        var rng = new RandomStream(seed);
        var rows = new List<double[]>();
        for (int c = 0; c < k; c++)
        {
            double cx = 12 * (c % 2), cy = 12 * (c / 2);
            for (int i = 0; i < 150; i++) rows.Add([cx + rng.NextGaussian(), cy + rng.NextGaussian()]);
        }
        return Dataset.FromRows(rows);
    }

    [Theory]
    [InlineData(1, SelectionCriterion.Bic)]
    [InlineData(2, SelectionCriterion.Bic)]
    [InlineData(3, SelectionCriterion.Bic)]
    [InlineData(4, SelectionCriterion.Bic)]
    [InlineData(1, SelectionCriterion.Icl)]
    [InlineData(2, SelectionCriterion.Icl)]
    [InlineData(3, SelectionCriterion.Icl)]
    [InlineData(4, SelectionCriterion.Icl)]
    public void Select_ClearlySeparatedMixture_PicksTheTrueK(int trueK, SelectionCriterion criterion)
    {
        Dataset data = Clusters(trueK, seed: (ulong)trueK);
        // Centred prior on the data's scale (the clusters sit 0..12 from the origin); restarts guard
        // against a poor random start at larger K.
        MixturePrior prior = MixturePrior.Create(2, mu0: [6, 6], kappa0: 0.01);
        ModelTable result = ModelSelection.Select(data, (_, _) => prior, new FitOptions(1) { Restarts = 4, Seed = 1 }, [1, 2, 3, 4, 5, 6],
            [CovarianceModel.VVV], criterion);

        Assert.Equal(trueK, result.Chosen.ComponentCount);
        Assert.Equal([1, 2, 3, 4, 5, 6], result.Entries.Select(c => c.ComponentCount));
        Assert.All(result.Entries, c => Assert.True(c.Candidate!.Icl >= c.Candidate.Bic));
    }

    [Fact]
    public void Icl_IsBicPlusTwiceTheClassificationEntropy()
    {
        Dataset data = Clusters(2, seed: 9);
        FitResult fit = MapEmFitter.Fit(data, null, new FitOptions(2) { Seed = 2 });
        ModelCandidate c = ModelSelection.Evaluate(fit, data);

        double entropy = 0;
        var r = new double[2];
        var x = new double[2];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyRow(i, x);
            fit.Mixture.PredictProbabilities(x, r);
            foreach (double p in r) entropy -= p > 0 ? p * Math.Log(p) : 0;
        }
        // Same sum in another order: 1e-9 absolute on an entropy of order 1.
        Assert.Equal(fit.Bic + 2 * entropy, c.Icl, 1e-9);
        Assert.Equal(-2 * fit.LogLikelihood + fit.Mixture.ParameterCount * Math.Log(data.PointCount), c.Bic, 1e-9);
    }
}
