using Bgmm.Cli.Synthetic;
using Bgmm.Spatial;

namespace Bgmm.Tests.Spatial;

/// <summary>Bad input to the smoothed fit: a clear exception naming the parameter and its range.</summary>
public class SmoothingValidationTests
{
    private static readonly (Dataset Data, Bgmm.Cli.Synthetic.SyntheticSegmentation Scene) Image = SlowMeanField.Image(12, 10, 2, 0.05, seed: 1);
    private static readonly GaussianMixture Start = SlowMeanField.RandomColourMixture(2, seed: 1);
    private static readonly MixturePrior Prior = SlowMeanField.ImagePrior;

    public static TheoryData<string, SmoothingOptions, string> InvalidOptions => new()
    {
        { "beta", new SmoothingOptions { Beta = -0.1 }, "[0, 1e6]" },
        { "beta", new SmoothingOptions { Beta = double.NaN }, "finite" },
        { "beta", new SmoothingOptions { Beta = double.PositiveInfinity }, "finite" },
        { "beta", new SmoothingOptions { Beta = 2e6 }, "[0, 1e6]" },
        { "neighbours", new SmoothingOptions { Neighbours = (Neighbourhood)6 }, "4 or 8" },
        { "sweeps", new SmoothingOptions { Sweeps = 0 }, "≥ 1" },
        { "maxIterations", new SmoothingOptions { MaxIterations = -1 }, "≥ 0" },
        { "tolerance", new SmoothingOptions { Tolerance = -1e-3 }, "≥ 0" },
        { "tolerance", new SmoothingOptions { Tolerance = double.NaN }, "finite" },
        { "threads", new SmoothingOptions { Threads = -1 }, "≥ 0" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOption_NamesItAndItsRange(string parameter, SmoothingOptions options, string fragment)
    {
        var e = Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(Image.Data, 12, 10, Start, Prior, options));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void CompressedOrWeightedPixels_AreRejected()
    {
        Dataset compressed = Image.Scene.Image.ToCompressedDataset();
        var e = Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(compressed, 12, 10, Start, Prior, new SmoothingOptions()));
        Assert.Equal("pixels", e.ParamName);
        Assert.Contains("one row per pixel", e.Message);

        Dataset weighted = Dataset.FromRows(SlowMeanField.Rows(Image.Data), [.. Enumerable.Repeat(1.0, 120)]);
        e = Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(weighted, 12, 10, Start, Prior, new SmoothingOptions()));
        Assert.Equal("pixels", e.ParamName);
    }

    [Theory]
    [InlineData(12, 11, "width", "12 × 11 = 132 but the data has 120 rows")]
    [InlineData(11, 12, "width", "11 × 12 = 132")]
    [InlineData(0, 10, "width", "≥ 1")]
    [InlineData(12, -1, "height", "≥ 1")]
    public void WrongImageSize_IsRejected(int width, int height, string parameter, string fragment)
    {
        var e = Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(Image.Data, width, height, Start, Prior, new SmoothingOptions()));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void StartOrPriorOfAnotherDimension_IsRejected()
    {
        var flat = new GaussianMixture([0.5, 0.5], [[0.2, 0.2], [0.8, 0.8]], [new double[,] { { 1, 0 }, { 0, 1 } }, new double[,] { { 1, 0 }, { 0, 1 } }]);
        Assert.Equal("start", Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(Image.Data, 12, 10, flat, Prior, new SmoothingOptions())).ParamName);
        Assert.Equal("prior", Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(Image.Data, 12, 10, Start, MixturePrior.Default(2), new SmoothingOptions())).ParamName);
    }

    [Fact]
    public void ZeroStartingWeight_WithAlphaAboveOne_IsRejected()
    {
        var start = new GaussianMixture([1.0, 0.0], Start.Means, Start.Covariances);
        var e = Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(Image.Data, 12, 10, start, Prior, new SmoothingOptions()));
        Assert.Equal("start", e.ParamName);
        Assert.Contains("alpha", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PixelsWhoseDensityUnderflowsEverywhere_AreAClearError(int threads)
    {
        // Means 1e200 away: every ‖P(x − μ)‖² overflows, so every component's density is 0.
        var far = new GaussianMixture([0.5, 0.5], [[1e200, 0, 0], [0, 1e200, 0]], Start.Covariances);
        (Dataset data, _) = SlowMeanField.Image(200, 100, 2, 0.05, seed: 1);
        var e = Assert.Throws<ModelInputException>(() => MeanFieldEmFitter.Fit(data, 200, 100, far, MixturePrior.Create(3),
            new SmoothingOptions { Beta = 1, Threads = threads }));
        Assert.Equal("pixels", e.ParamName);
        Assert.Contains("pixel (x = 0, y = 0)", e.Message);
    }
}
