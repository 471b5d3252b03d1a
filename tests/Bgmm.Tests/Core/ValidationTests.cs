using Bgmm.Cli.Synthetic;
namespace Bgmm.Tests.Core;

/// <summary>Bad input: a clear exception naming the parameter and its valid range, never NaN or a crash.</summary>
public class ValidationTests
{
    private static readonly double[,] I2 = { { 1, 0 }, { 0, 1 } };
    private static readonly Dataset Data = Dataset.FromRows(ToyData.Generate(seed: 2, perCluster: 10));

    public static TheoryData<string, Func<object>, string[]> InvalidHyperparameters => new()
    {
        { "alpha", () => new Dirichlet(0.5), ["alpha", "≥ 1"] },
        { "alpha", () => new Dirichlet(double.NaN), ["alpha", "≥ 1"] },
        { "kappa0", () => MixturePrior.Create(2, kappa0: 0), ["kappa0", "> 0"] },
        { "kappa0", () => MixturePrior.Create(2, kappa0: double.PositiveInfinity), ["kappa0", "> 0"] },
        { "nu0", () => MixturePrior.Create(2, nu0: 1.0), ["nu0", "> D − 1 = 1"] },
        { "mu0", () => MixturePrior.Create(2, mu0: [0, double.NaN]), ["mu0", "finite"] },
        { "mu0", () => MixturePrior.Create(2, mu0: [0, 0, 0]), ["mu0", "D = 2"] },
        { "sigma0", () => MixturePrior.Create(2, sigma0: new double[,] { { 1, 2 }, { 2, 1 } }), ["sigma0", "positive definite"] },
        { "sigma0", () => MixturePrior.Create(2, sigma0: new double[,] { { 1, 0.5 }, { 0, 1 } }), ["sigma0", "symmetric"] },
        { "sigma0", () => MixturePrior.Create(2, sigma0: new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }), ["sigma0", "2×2"] },
    };

    [Theory]
    [MemberData(nameof(InvalidHyperparameters))]
    public void Prior_InvalidHyperparameter_NamesItAndItsRange(string parameter, Func<object> create, string[] fragments)
    {
        var e = Assert.Throws<ModelInputException>(() => create());
        Assert.Equal(parameter, e.ParamName);
        foreach (string f in fragments) Assert.Contains(f, e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    [Theory]
    [InlineData(0, "componentCount", "≥ 1")]
    [InlineData(-2, "componentCount", "≥ 1")]
    [InlineData(21, "componentCount", "only 20 points")]
    public void Fit_InvalidComponentCount_IsRejected(int k, string parameter, string fragment)
    {
        var e = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, null, new FitOptions(k)));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Fit_FewerDistinctValuesThanComponents_SaysSo()
    {
        var data = Dataset.FromRows([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]);
        var e = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(data, null, new FitOptions(2)));
        Assert.Contains("K = 2 but the data has 1 distinct value", e.Message);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Dataset_NonFiniteValue_NamesRowAndColumn(double bad, string shown)
    {
        var e = Assert.Throws<ModelInputException>(() => Dataset.FromRows([[1.0, 2.0], [3.0, bad]]));
        Assert.Contains("row 2, column 2", e.Message);
        Assert.Contains(shown, e.Message);
    }

    [Fact]
    public void Dataset_EmptyOrRaggedOrBadWeights_AreRejected()
    {
        Assert.Contains("no points", Assert.Throws<ModelInputException>(() => Dataset.FromRows([])).Message);
        Assert.Contains("row 1 has 3 values", Assert.Throws<ModelInputException>(() => Dataset.FromRows([[1.0, 2.0], [1.0, 2.0, 3.0]])).Message);
        Assert.Contains("every weight is 0", Assert.Throws<ModelInputException>(() => Dataset.FromRows([[1.0], [2.0]], [0, 0])).Message);
        Assert.Contains("≥ 0", Assert.Throws<ModelInputException>(() => Dataset.FromRows([[1.0], [2.0]], [1, -1])).Message);
        Assert.Contains("2 weights for 1 points", Assert.Throws<ModelInputException>(() => Dataset.FromRows([[1.0]], [1, 1])).Message);
    }

    [Fact]
    public void Fit_MismatchedDimensions_AreRejected()
    {
        var e = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, MixturePrior.Default(3), new FitOptions(2)));
        Assert.Contains("D = 3", e.Message);
        Assert.Contains("D = 2", e.Message);
        var init = new GaussianMixture([1.0], [[0, 0, 0]], [new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }]);
        Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, null, new FitOptions(1) { Initialization = Initialization.FromMixture(init) }));
    }

    [Fact]
    public void InitialMixture_NotPositiveDefinite_IsRejected()
    {
        var e = Assert.Throws<ModelInputException>(() => new GaussianMixture([0.5, 0.5], [[0, 0], [1, 1]], [I2, new double[,] { { 1, 3 }, { 3, 1 } }]));
        Assert.Equal("covariances", e.ParamName);
        Assert.Contains("covariance 1 is not positive definite", e.Message);
    }

    [Fact]
    public void InitialMixture_BadWeights_AreRejected()
    {
        Assert.Contains("sum to", Assert.Throws<ModelInputException>(() => new GaussianMixture([0.5, 0.6], [[0, 0], [1, 1]], [I2, I2])).Message);
        Assert.Contains("≥ 0", Assert.Throws<ModelInputException>(() => new GaussianMixture([1.5, -0.5], [[0, 0], [1, 1]], [I2, I2])).Message);
        var zero = new GaussianMixture([1.0, 0.0], [[0, 0], [1, 1]], [I2, I2]);
        var e = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, MixturePrior.Create(2, alpha: 2), new FitOptions(2) { Initialization = Initialization.FromMixture(zero) }));
        Assert.Contains("initial weight 1 is 0", e.Message);
    }

    [Fact]
    public void Fit_InvalidOptions_AreRejected()
    {
        Assert.Equal("maxIterations", Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, null, new FitOptions(2) { MaxIterations = -1 })).ParamName);
        Assert.Equal("tolerance", Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, null, new FitOptions(2) { Tolerance = double.NaN })).ParamName);
        Assert.Equal("restarts", Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, null, new FitOptions(2) { Restarts = 0 })).ParamName);
        Assert.Equal("threads", Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Data, null, new FitOptions(2) { Threads = -1 })).ParamName);
    }

    [Fact]
    public void Fit_IsCancellable()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Iteration == 3) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => MapEmFitter.Fit(Data, null, new FitOptions(2) { Tolerance = 0 }, progress, cts.Token));
    }

    private sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => report(value);
    }
}
