using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class CriterionPlotTests
{
    private static readonly int[] Ks = [1, 2, 3, 4, 5];
    private static readonly double[] Bic = [-512340.5, -540210.2, -551003.9, -550870.1, -550500.0];

    [Fact]
    public void Render_DefaultSize_IsAPngOf800By500()
    {
        byte[] png = CriterionPlot.Render(Ks, Bic, 3, "BIC (lower is better)");

        Assert.Equal((800, 500), PngInfo.ReadSize(png));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Render_ChosenAtEitherEnd_GivesAPng(int chosen)
    {
        Assert.Equal((500, 300), PngInfo.ReadSize(CriterionPlot.Render(Ks, Bic, chosen, "BIC", 500, 300)));
    }

    [Fact]
    public void Render_UnsortedComponents_GivesAPng()
    {
        Assert.Equal((500, 300), PngInfo.ReadSize(CriterionPlot.Render([4, 2, 3], [1800.2, 1900.0, 1750.7], 3, "BIC", 500, 300)));
    }

    [Fact]
    public void Render_SingleFitOrConstantValues_GivesAPng()
    {
        Assert.Equal((500, 300), PngInfo.ReadSize(CriterionPlot.Render([2], [1234.5], 2, "BIC", 500, 300)));
        Assert.Equal((500, 300), PngInfo.ReadSize(CriterionPlot.Render([1, 2, 3], [7.0, 7.0, 7.0], 1, "AIC", 500, 300)));
    }

    [Fact]
    public void Render_DrawsTheCriterionName()
    {
        InkProbe.SkipUnlessAFontExists();

        byte[] bic = CriterionPlot.Render(Ks, Bic, 3, "BIC", 500, 300);
        byte[] aic = CriterionPlot.Render(Ks, Bic, 3, "AIC", 500, 300);

        // The name appears in the title and on the y axis (see TracePlotTests for the threshold).
        Assert.True(InkProbe.DifferingPixels(bic, aic) > 50, "the criterion name was not drawn: is a font available?");
    }

    [Fact]
    public void Render_ChosenNotAmongTheComponents_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => CriterionPlot.Render(Ks, Bic, 7, "BIC"));
        Assert.Equal("chosen", e.ParamName);
    }

    [Fact]
    public void Render_RepeatedComponent_Throws()
    {
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([2, 2], [1.0, 2.0], 2, "BIC"));
    }

    [Fact]
    public void Render_LengthsDiffer_Throws()
    {
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([1, 2, 3], [1.0, 2.0], 2, "BIC"));
    }

    [Fact]
    public void Render_NoFits_Throws()
    {
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([], [], 1, "BIC"));
    }

    [Fact]
    public void Render_NonFiniteValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([1, 2], [1.0, double.NaN], 1, "BIC"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Render_BlankName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([1], [1.0], 1, name));
    }

    private static readonly CriterionSeries[] Models =
    [
        new("EII", [1, 2, 3], [4024.8, 3453.1, 3377.7]),
        new("EEE", [1, 3, 2], [2607.8, 2626.5, 2619.9]),
        new("VVV", [1, 2], [2607.8, 2322.7]),
    ];

    [Fact]
    public void Render_OneLinePerModel_DrawsEveryModelsLine()
    {
        byte[] all = CriterionPlot.Render(Models, "VVV", 2, "BIC", 600, 400);
        Assert.Equal((600, 400), PngInfo.ReadSize(all));
        // Leaving out a model's line (and its legend entry) changes the picture: each line is drawn.
        byte[] fewer = CriterionPlot.Render(Models[1..], "VVV", 2, "BIC", 600, 400);
        Assert.True(InkProbe.DifferingPixels(all, fewer) > 50);
    }

    [Fact]
    public void Render_ChosenModelOrKNotPlotted_Throws()
    {
        Assert.Equal("chosen", Assert.Throws<ArgumentException>(() => CriterionPlot.Render(Models, "VVV", 3, "BIC")).ParamName);
        Assert.Equal("chosen", Assert.Throws<ArgumentException>(() => CriterionPlot.Render(Models, "VEV", 2, "BIC")).ParamName);
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([Models[0], Models[0]], "EII", 2, "BIC"));
        Assert.Throws<ArgumentException>(() => CriterionPlot.Render([new CriterionSeries("X", [1, 1], [1.0, 2.0])], "X", 1, "BIC"));
    }
}
