using Bgmm.Cli.Synthetic;
using Bgmm.Cli.Commands;
using Bgmm.Spatial;

namespace Bgmm.Tests.Spatial;

/// <summary>The smoothing study's scoring and a small run of it.</summary>
public class SmoothingStudyTests
{
    [Fact]
    public void ErrorRate_MatchesLabelsToTheTruthByTheBestPermutation()
    {
        byte[] truth = [0, 0, 1, 1, 2, 2, 2, 2];
        Assert.Equal(0.0, SmoothingStudy.ErrorRate([2, 2, 0, 0, 1, 1, 1, 1], truth, 3));
        Assert.Equal(1.0 / 8, SmoothingStudy.ErrorRate([2, 2, 0, 1, 1, 1, 1, 1], truth, 3));
        Assert.Equal(0.5, SmoothingStudy.ErrorRate([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1], 2));
    }

    [Fact]
    public void Run_GivesARowPerNoiseLevelModelAndBeta()
    {
        IReadOnlyList<SmoothingStudy.Row> rows = SmoothingStudy.Run(40, [0.03, 0.06], [0, 1], seed: 1, threads: 1, CancellationToken.None,
            images: 2, classes: 2, [Neighbourhood.Four, Neighbourhood.Eight], [1]);
        Assert.Equal(6, rows.Count);
        Assert.Equal([null, Neighbourhood.Four, Neighbourhood.Eight], rows.Take(3).Select(r => r.Neighbours));
        Assert.All(rows, r => Assert.Equal(2, r.ErrorRates.Count));
        Assert.All(rows, r => Assert.InRange(r.MeanErrorRate, 0, 0.5));
        Assert.Equal(0.0, rows[0].Beta);
        Assert.Equal(0, rows[0].Sweeps);

        string table = SmoothingStudy.FormatTable(rows);
        Assert.Equal(2 + 6, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("| 0.03 | independent | – | 0 |", table);
        Assert.Contains("| 0.06 | Potts, 8 neighbours | 1 | 1 |", table);
    }

    [Fact]
    public void Smoothing_CutsTheErrorRateOnANoisyImage()
    {
        // The independent fit starts at the true classes' mean colours, so that it finds its own
        // optimum near the truth (on small images random starts can settle in a split-class optimum,
        // which says nothing about smoothing). At noise 0.05 it misclassifies ~15 % of the pixels.
        (Dataset data, SyntheticSegmentation scene) = SlowMeanField.Image(128, 128, 3, 0.05, seed: 2);
        double[] shares = [.. Enumerable.Range(0, 3).Select(c => scene.Truth.ToArray().Count(t => t == c) / (double)data.Count)];
        double[,] spread = { { 0.004, 0, 0 }, { 0, 0.004, 0 }, { 0, 0, 0.004 } };
        var truth = new GaussianMixture(shares, [.. scene.ClassMeans], [spread, spread, spread]);
        FitResult independent = MapEmFitter.Fit(data, SlowMeanField.ImagePrior, new FitOptions(3) { Initialization = Initialization.FromMixture(truth) });
        byte[] independentLabels = [.. independent.Mixture.Predict(data).Select(l => (byte)l)];
        SmoothedFitResult smoothed = MeanFieldEmFitter.Fit(data, 128, 128, independent.Mixture, SlowMeanField.ImagePrior, new SmoothingOptions { Beta = 1 });

        double before = SmoothingStudy.ErrorRate(independentLabels, scene.Truth, 3);
        double after = SmoothingStudy.ErrorRate(smoothed.Labels, scene.Truth, 3);
        Assert.InRange(before, 0.10, 0.30);
        Assert.True(after < before / 4, $"error rate {before:P1} without smoothing, {after:P1} with β = 1");
    }
}
