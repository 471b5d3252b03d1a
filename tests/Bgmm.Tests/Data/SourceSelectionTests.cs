using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Tests.Imaging.Streaming;
using Bgmm.Tests.Support;
using static Bgmm.Tests.Data.TableTestData;

namespace Bgmm.Tests.Data;

/// <summary>
/// What the command line's fit needs from a data set it may not hold: the moments (mclust's prior), a start from a
/// partition, the classification entropy (ICL) and the model × K selection — each the same, bit for bit, over a
/// <see cref="TableSource"/> loaded or streamed as over a <see cref="Dataset"/> of the same rows.
/// </summary>
public class SourceSelectionTests
{
    /// <summary>Several blocks of one chunk when streamed, and a ragged last block.</summary>
    private const int N = 4 * Chunk + 321;

    public static TheoryData<long> Budgets => new() { long.MaxValue, 0 };

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Moments_OfASource_AreThoseOfTheDatasetBitForBit(long budget)
    {
        double[][] columns = Columns(N, seed: 21);
        using var file = new TempFile(Npy(columns), ".npy");
        using NpyReader table = NpyReader.Open(file.Path);
        using TableSource source = TableSource.Open([table], budget);
        var data = Dataset.FromColumns(columns);

        DataMoments expected = DataMoments.Of(data), actual = DataMoments.Of(source);
        Assert.Equal(expected.Mean.ToArray(), actual.Mean.ToArray());
        Assert.Equal(expected.Covariance.ToArray(), actual.Covariance.ToArray());
        Assert.Equal(N, actual.TotalWeight);
        // Against the textbook formulas summed another way (pairwise by LINQ): rounding only, 1e-12 relative.
        for (int a = 0; a < 3; a++)
        {
            double mean = columns[a].Average();
            Assert.Equal(mean, actual.Mean[a], Math.Abs(mean) * 1e-12);
            for (int b = 0; b < 3; b++)
            {
                double mb = columns[b].Average();
                double cov = Enumerable.Range(0, N).Sum(i => (columns[a][i] - mean) * (columns[b][i] - mb)) / (N - 1);
                Assert.True(Norms.Relative(actual.Covariance[a * 3 + b], cov) < 1e-12);
            }
        }
        // The prior built from them is the dataset's, bit for bit.
        MixturePrior fromSource = MixturePrior.Empirical(actual, 3, CovarianceModel.VEV), fromData = MixturePrior.Empirical(data, 3, CovarianceModel.VEV);
        Assert.Equal(fromData.ComponentPrior.Sigma0.Cast<double>(), fromSource.ComponentPrior.Sigma0.Cast<double>());
    }

    [Theory]
    [MemberData(nameof(Budgets))]
    public void FitSource_FromAPartition_IsTheDatasetFitBitForBit(long budget)
    {
        double[][] columns = Columns(N, seed: 22);
        int[] labels = [.. Enumerable.Range(0, N).Select(i => (int)(Math.Abs(columns[0][i] * 7919) % 3))];
        using var table = new InMemoryTable(columns);
        using TableSource source = TableSource.Open([table], budget);
        var data = Dataset.FromColumns(columns);
        var options = new FitOptions(3) { Initialization = Initialization.FromPartition(labels), Model = CovarianceModel.EEV, MaxIterations = 20, Tolerance = 0 };
        MixturePrior prior = MixturePrior.Empirical(data, 3, CovarianceModel.EEV);

        Assert.Equal(MixtureStatistics.FromPartition(data, labels, 3).Scatter(2).ToArray(), MixtureStatistics.FromPartition(source, labels, 3).Scatter(2).ToArray());
        FitAssert.BitIdentical(MapEmFitter.Fit(data, prior, options), MapEmFitter.FitSource(source, source, prior, options));
    }

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Entropy_FoldedOverBlocks_IsTheWholeDatasetsBitForBit(long budget)
    {
        double[][] columns = Columns(N, seed: 23);
        var data = Dataset.FromColumns(columns);
        GaussianMixture mixture = MapEmFitter.Fit(data, null, new FitOptions(3) { Seed = 1, MaxIterations = 5 }).Mixture;
        using var table = new InMemoryTable(columns);
        using TableSource source = TableSource.Open([table], budget);

        double whole = Responsibilities.Entropy(mixture, data);
        Assert.Equal(whole, source.Entropy(mixture));
        // By hand: blocks of 1, 2 and the rest of the chunks, folded in order.
        double folded = 0;
        int[] cuts = [0, Chunk, 3 * Chunk, N];
        for (int b = 0; b + 1 < cuts.Length; b++)
            folded = Responsibilities.AddEntropy(folded, mixture, Dataset.FromColumns(Slice(columns, cuts[b], cuts[b + 1] - cuts[b])));
        Assert.Equal(whole, folded);
        // Against −Σ r log r row by row (Predict­Probabilities): the kernel's exp/log differ by ~1e-15 per row.
        double reference = 0;
        var r = new double[3];
        for (int i = 0; i < N; i++)
        {
            mixture.PredictProbabilities([columns[0][i], columns[1][i], columns[2][i]], r);
            reference += Responsibilities.RowEntropy(r);
        }
        Assert.True(Norms.Relative(whole, reference) < 1e-9);
    }

    [Fact]
    public void Select_OverAStreamedSource_IsTheDatasetTableBitForBit()
    {
        double[][] columns = Columns(N, seed: 24);
        var data = Dataset.FromColumns(columns);
        using var table = new InMemoryTable(columns);
        using TableSource source = TableSource.Open([table], 0);
        DataMoments moments = DataMoments.Of(source);
        var options = new FitOptions(1) { Seed = 5, MaxIterations = 15 };
        CovarianceModel[] models = [CovarianceModel.VII, CovarianceModel.EEE, CovarianceModel.VVV];

        ModelTable expected = ModelSelection.Select(data, (m, k) => MixturePrior.Empirical(data, k, m), options, [1, 2, 3], models, SelectionCriterion.Icl);
        ModelTable actual = ModelSelection.Select(source, source, m => source.Entropy(m), (m, k) => MixturePrior.Empirical(moments, k, m), options,
            [1, 2, 3], models, SelectionCriterion.Icl);

        Assert.Equal(expected.Entries.Select(e => (e.Model.Name, e.ComponentCount, e.Candidate!.Bic, e.Candidate.Icl)),
            actual.Entries.Select(e => (e.Model.Name, e.ComponentCount, e.Candidate!.Bic, e.Candidate.Icl)));
        Assert.Equal((expected.Chosen.Model, expected.Chosen.ComponentCount), (actual.Chosen.Model, actual.Chosen.ComponentCount));
        FitAssert.BitIdentical(expected.Chosen.Candidate!.Fit, actual.Chosen.Candidate!.Fit);
    }

    [Fact]
    public void Select_ReportsEachFitsModelAndK_AndCutsARangeAtTheDistinctRows()
    {
        // Three distinct rows: K = 4 and 5 cannot be fitted and are left out of the range.
        var data = Dataset.FromRows([[0.0, 0], [0, 0], [1, 0], [0, 1], [1, 0]]);
        var seen = new List<(string, int)>();
        ModelTable table = ModelSelection.Select(data, (m, k) => MixturePrior.Empirical(data, k, m), new FitOptions(1) { MaxIterations = 3 }, [1, 2, 3, 4, 5],
            [CovarianceModel.EII, CovarianceModel.VVV], SelectionCriterion.Bic, progress: new Recorder(p =>
            {
                if (seen.Count == 0 || seen[^1] != (p.Model.Name, p.ComponentCount)) seen.Add((p.Model.Name, p.ComponentCount));
            }));
        Assert.Equal([1, 2, 3], table.ComponentCounts);
        Assert.Equal([.. from k in new[] { 1, 2, 3 } from m in new[] { "EII", "VVV" } select (m, k)], seen);
    }

    [Fact]
    public void Select_OneFitThatFails_ThrowsItsOwnError()
    {
        var data = Dataset.FromRows([[0.0, 0], [1, 0], [0, 1]]);
        var e = Assert.Throws<ModelInputException>(() => ModelSelection.Select(data, (m, k) => MixturePrior.Empirical(data, k, m), new FitOptions(1), [5],
            [CovarianceModel.VVV], SelectionCriterion.Bic));
        Assert.DoesNotContain("every fit failed", e.Message);
        Assert.Contains("K = 5", e.Message);
    }

    private sealed class Recorder(Action<SelectionProgress> report) : IProgress<SelectionProgress>
    {
        public void Report(SelectionProgress value) => report(value);
    }
}
