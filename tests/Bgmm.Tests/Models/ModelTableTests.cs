using Bgmm.Tests.Support;

namespace Bgmm.Tests.Models;

/// <summary><see cref="ModelSelection.Select(Dataset, Func{CovarianceModel, int, MixturePrior}, FitOptions, IReadOnlyList{int}, IReadOnlyList{CovarianceModel}, SelectionCriterion, Func{int, Initialization}?, IProgress{FitProgress}?, CancellationToken)"/>: the whole model × K table.</summary>
public class ModelTableTests
{
    private static readonly Dataset Faithful = Dataset.FromRows(MclustFixture.Load("faithful_G2.json").Data);

    [Theory]
    [InlineData(SelectionCriterion.Bic)]
    [InlineData(SelectionCriterion.Icl)]
    public void Select_FitsEveryModelAndK_AndChoosesTheLowestCriterion(SelectionCriterion criterion)
    {
        ModelTable table = ModelSelection.Select(Faithful, (m, k) => MixturePrior.Empirical(Faithful, k, m), new FitOptions(1) { Seed = 3 },
            [3, 1, 2, 2], [CovarianceModel.VVV, CovarianceModel.EII, CovarianceModel.VEV], criterion);

        Assert.Equal([1, 2, 3], table.ComponentCounts);
        Assert.Equal(["EII", "VEV", "VVV"], table.Models.Select(m => m.Name));
        Assert.Equal(9, table.Entries.Count);
        Assert.Equal([1, 1, 1, 2, 2, 2, 3, 3, 3], table.Entries.Select(e => e.ComponentCount));
        Assert.All(table.Entries, e => Assert.True(e.Succeeded));
        Assert.Equal(table.Entries.Min(e => e.Score(criterion)), table.Chosen.Score(criterion));
        ModelTableEntry vev2 = table[CovarianceModel.VEV, 2];
        Assert.Same(CovarianceModel.VEV, vev2.Candidate!.Fit.Options.Model);
        Assert.Equal(2, vev2.Candidate.Fit.Mixture.ComponentCount);
        // The prior of each cell is mclust's for that model and K.
        Assert.Equal(MixturePrior.Empirical(Faithful, 2, CovarianceModel.VEV).ComponentPrior.Sigma0, vev2.Candidate.Fit.Prior.ComponentPrior.Sigma0);
        Assert.Equal(-2 * vev2.Candidate.Fit.LogLikelihood + CovarianceModel.VEV.ParameterCount(2, 2) * Math.Log(272), vev2.Candidate.Bic, 1e-9);
        Assert.Throws<KeyNotFoundException>(() => table[CovarianceModel.EEE, 2]);
    }

    [Fact]
    public void Select_AFailedFit_IsKeptWithItsReason()
    {
        // A prior for the wrong dimension makes VVV's fits fail (bad input to that fit); the others go on.
        ModelTable table = ModelSelection.Select(Faithful,
            (m, k) => m == CovarianceModel.VVV ? MixturePrior.Default(3) : MixturePrior.Empirical(Faithful, k, m),
            new FitOptions(1), [1, 2], [CovarianceModel.VVV, CovarianceModel.EEE], SelectionCriterion.Bic);

        ModelTableEntry failed = table[CovarianceModel.VVV, 2];
        Assert.False(failed.Succeeded);
        Assert.Null(failed.Score(SelectionCriterion.Bic));
        Assert.Contains("the prior is for D = 3 but the data has D = 2", failed.Failure);
        Assert.Same(CovarianceModel.EEE, table.Chosen.Model);
    }

    [Fact]
    public void Select_EveryFitFailed_Throws()
    {
        var e = Assert.Throws<ModelInputException>(() => ModelSelection.Select(Faithful, (_, _) => MixturePrior.Default(3),
            new FitOptions(1), [1, 2], [CovarianceModel.EII], SelectionCriterion.Bic));
        Assert.Contains("every fit failed", e.Message);
    }

    [Fact]
    public void Select_BadRequests_Throw()
    {
        Assert.Throws<ModelInputException>(() => ModelSelection.Select(Faithful, (m, k) => MixturePrior.Empirical(Faithful, k, m), new FitOptions(1), [], [CovarianceModel.EII], SelectionCriterion.Bic));
        Assert.Throws<ModelInputException>(() => ModelSelection.Select(Faithful, (m, k) => MixturePrior.Empirical(Faithful, k, m), new FitOptions(1), [0, 1], [CovarianceModel.EII], SelectionCriterion.Bic));
        Assert.Throws<ModelInputException>(() => ModelSelection.Select(Faithful, (m, k) => MixturePrior.Empirical(Faithful, k, m), new FitOptions(1), [1], [], SelectionCriterion.Bic));
        Assert.Contains("one-dimensional", Assert.Throws<ModelInputException>(() =>
            ModelSelection.Select(Faithful, (m, k) => MixturePrior.Empirical(Faithful, k, m), new FitOptions(1), [1], [CovarianceModel.E], SelectionCriterion.Bic)).Message);
    }
}
