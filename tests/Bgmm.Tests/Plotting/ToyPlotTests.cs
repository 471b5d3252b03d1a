using Bgmm.Cli.Synthetic;
using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class ToyPlotTests
{
    private static readonly double[][] Points = ToyData.Generate(seed: 0);

    // The generating mixture of the toy data: no fit needed to exercise the plot.
    private static readonly GaussianMixture Truth = new(
        [0.5, 0.5], [.. ToyData.Centres.Select(c => (double[])c.Clone())], [Identity(), Identity()]);

    private static readonly int[] Labels = Truth.Predict(Dataset.FromRows(Points));

    [Fact]
    public void Render_DefaultSize_IsAPngOf800By800()
    {
        byte[] png = ToyPlot.Render(Points, Labels, Truth);

        Assert.Equal((800, 800), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_OfAFittedMixture_GivesAPngOfTheRequestedSize()
    {
        FitResult fit = MapEmFitter.Fit(Dataset.FromRows(Points), ToyData.Prior(), ToyData.Options() with { MaxIterations = 30 });

        byte[] png = ToyPlot.Render(Points, fit.Mixture.Predict(Dataset.FromRows(Points)), fit.Mixture, 900, 500);

        Assert.Equal((900, 500), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_OneComponent_GivesAPng()
    {
        var one = new GaussianMixture([1.0], [[6.5, 6.5]], [new double[,] { { 2.5, 2.2 }, { 2.2, 2.5 } }]);

        byte[] png = ToyPlot.Render(Points, new int[Points.Length], one, 400, 400);

        Assert.Equal((400, 400), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_NearlySingularCovariances_GivesAPng()
    {
        // Correlation 1 − 1e-9 (an ellipse that is a line segment) and a variance of 1e-8 along x1.
        var degenerate = new GaussianMixture([0.5, 0.5], [[5, 5], [8, 8]],
            [new double[,] { { 1, 1 - 1e-9 }, { 1 - 1e-9, 1 } }, new double[,] { { 1e-8, 0 }, { 0, 1 } }]);

        byte[] png = ToyPlot.Render(Points, Labels, degenerate, 400, 400);

        Assert.Equal((400, 400), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_ComponentWithoutPointsAndNoPointsAtAll_GivesAPng()
    {
        var many = new GaussianMixture([0.25, 0.25, 0.25, 0.25], [[0, 0], [1, 0], [0, 1], [1e6, 1e6]],
            [Identity(), Identity(), Identity(), Identity()]);

        Assert.Equal((300, 300), PngInfo.ReadSize(ToyPlot.Render([], [], many, 300, 300)));
        Assert.Equal((300, 300), PngInfo.ReadSize(ToyPlot.Render([[0.1, 0.2]], [1], many, 300, 300)));
    }

    [Fact]
    public void Render_ManyComponents_GivesAPng()
    {
        // Beyond the ten palette colours the hues come from the golden-angle sequence.
        int k = 14;
        var mixture = new GaussianMixture([.. Enumerable.Repeat(1.0 / k, k)],
            [.. Enumerable.Range(0, k).Select(c => new double[] { c, c % 3 })], [.. Enumerable.Range(0, k).Select(_ => Identity())]);
        double[][] points = [.. Enumerable.Range(0, k).Select(c => new double[] { c, c % 3 })];

        byte[] png = ToyPlot.Render(points, [.. Enumerable.Range(0, k)], mixture, 600, 600);

        Assert.Equal((600, 600), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_DrawsTheWeightsInTheLegend()
    {
        InkProbe.SkipUnlessAFontExists();
        var skewed = new GaussianMixture([0.3, 0.7], Truth.Means, Truth.Covariances);

        // Same points, labels, means and ellipses: only the legend's "π = 0.50" and "π = 0.30 / 0.70" differ.
        byte[] even = ToyPlot.Render(Points, Labels, Truth, 400, 400);
        byte[] uneven = ToyPlot.Render(Points, Labels, skewed, 400, 400);

        // Two changed 12 px digits cover well over 50 pixels; without a font the images are identical.
        Assert.True(InkProbe.DifferingPixels(even, uneven) > 50, "the legend text was not drawn: is a font available?");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Render_MixtureNotTwoDimensional_Throws(int d)
    {
        var mixture = new GaussianMixture([1.0], [new double[d]], [IdentityOf(d)]);
        double[][] points = [new double[d]];

        ArgumentException e = Assert.Throws<ArgumentException>(() => ToyPlot.Render(points, [0], mixture));
        Assert.Contains($"D = {d}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PointNotTwoDimensional_Throws()
    {
        Assert.Throws<ArgumentException>(() => ToyPlot.Render([[1.0, 2.0], [1.0, 2.0, 3.0]], [0, 0], Truth));
    }

    [Fact]
    public void Render_NonFinitePoint_Throws()
    {
        Assert.Throws<ArgumentException>(() => ToyPlot.Render([[1.0, double.NaN]], [0], Truth));
    }

    [Fact]
    public void Render_LabelCountDiffersFromPointCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => ToyPlot.Render(Points, [0, 1], Truth));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void Render_LabelOutsideTheComponents_Throws(int label)
    {
        Assert.Throws<ArgumentException>(() => ToyPlot.Render([[1.0, 2.0]], [label], Truth));
    }

    private static double[,] Identity() => IdentityOf(2);

    private static double[,] IdentityOf(int d)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++) m[i, i] = 1;
        return m;
    }
}
