using Bgmm.Cli.Synthetic;

namespace Bgmm.Tests.Models;

/// <summary>
/// <see cref="MixturePrior.ScaleWarnings"/>: a prior is off the data's scale when tr(Σ0)/tr(V) leaves [1e-4, 1e4] or
/// μ0 is more than 1e3 standard deviations from the data's mean; mclust's prior never is.
/// </summary>
public class PriorScaleTests
{
    private static DataMoments Moments(double scale, double shift = 0) =>
        DataMoments.Of(Dataset.FromRows([.. ToyData.Generate(seed: 1, perCluster: 50).Select(r => r.Select(v => v * scale + shift).ToArray())]));

    [Theory]
    [InlineData(1e-6)]
    [InlineData(1e6)]
    public void LibraryDefaults_OnDataFarFromUnitScale_Warn(double scale)
    {
        string warning = Assert.Single(MixturePrior.Default(2).ScaleWarnings(Moments(scale)));
        Assert.Contains("off the data's scale", warning);
    }

    [Fact]
    public void LibraryDefaults_OnUnitScaleData_DoNotWarn() => Assert.Empty(MixturePrior.Default(2).ScaleWarnings(Moments(1)));

    [Fact]
    public void TheRatioLimits_AreWhereTheWarningStarts()
    {
        DataMoments m = Moments(1);
        double trace = m.TotalVariance;
        // Σ0 = s·I has trace 2s: just inside and just outside each limit.
        MixturePrior Scaled(double ratio) => MixturePrior.Create(2, mu0: m.Mean.ToArray(), sigma0: new[,] { { ratio * trace / 2, 0 }, { 0, ratio * trace / 2 } });
        Assert.Empty(Scaled(0.99e4).ScaleWarnings(m));
        Assert.Empty(Scaled(1.01e-4).ScaleWarnings(m));
        Assert.Single(Scaled(1.01e4).ScaleWarnings(m));
        Assert.Single(Scaled(0.99e-4).ScaleWarnings(m));
    }

    [Fact]
    public void AMeanFarFromTheData_Warns()
    {
        // Unit spread 1e8 from the origin: μ0 = 0 is ~1e8 standard deviations away; the scale itself is right.
        string warning = Assert.Single(MixturePrior.Default(2).ScaleWarnings(Moments(1, shift: 1e8)));
        Assert.Contains("off the data's location", warning);
        DataMoments m = Moments(1);
        double sd = Math.Sqrt(m.TotalVariance / 2);
        // ‖μ0 − x̄‖ = 999 and 1001 standard deviations along the first axis.
        Assert.Empty(MixturePrior.Create(2, mu0: [m.Mean[0] + 999 * sd, m.Mean[1]]).ScaleWarnings(m));
        Assert.Single(MixturePrior.Create(2, mu0: [m.Mean[0] + 1001 * sd, m.Mean[1]]).ScaleWarnings(m));
    }

    [Theory]
    [InlineData(1e-6)]
    [InlineData(1.0)]
    [InlineData(1e6)]
    public void MclustsPrior_NeverWarns(double scale)
    {
        DataMoments m = Moments(scale, shift: 1e3 * scale);
        foreach (CovarianceModel model in CovarianceModel.For(2))
        {
            foreach (int k in new[] { 1, 3, 9 }) Assert.Empty(MixturePrior.Empirical(m, k, model).ScaleWarnings(m));
        }
    }

    [Fact]
    public void DataWithoutSpread_HasNoScaleToCompare() =>
        Assert.Empty(MixturePrior.Default(2).ScaleWarnings(DataMoments.Of(Dataset.FromRows([[5.0, 5.0], [5.0, 5.0]]))));
}
