using System.Text.Json;
using Bgmm.Serialization;
using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Models;

/// <summary>The covariance models' public surface: names, counts, dimensions, starts, result.json, determinism.</summary>
public class CovarianceModelTests
{
    public static TheoryData<string> Names() => [.. CovarianceModel.All.Select(m => m.Name)];

    public static TheoryData<string> Multivariate() => [.. CovarianceModel.For(3).Select(m => m.Name)];

    [Fact]
    public void Parse_AcceptsMclustNamesInAnyCaseAndScikitLearnNames()
    {
        foreach (CovarianceModel m in CovarianceModel.All)
        {
            Assert.Same(m, CovarianceModel.Parse(m.Name));
            Assert.Same(m, CovarianceModel.Parse(" " + m.Name.ToLowerInvariant() + " "));
        }
        Assert.Same(CovarianceModel.VII, CovarianceModel.Parse("spherical"));
        Assert.Same(CovarianceModel.VVI, CovarianceModel.Parse("diag"));
        Assert.Same(CovarianceModel.EEE, CovarianceModel.Parse("Tied"));
        Assert.Same(CovarianceModel.VVV, CovarianceModel.Parse("full"));
        Assert.Same(CovarianceModel.VVV, CovarianceModel.Full);
    }

    [Fact]
    public void Parse_UnknownName_ListsTheNames()
    {
        var e = Assert.Throws<ModelInputException>(() => CovarianceModel.Parse("VVE"));
        Assert.Contains("\"VVE\" is not a covariance model", e.Message);
        foreach (string name in new[] { "EII", "VEV", "VVV", "E or V", "spherical, diag, tied or full" }) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void ParseList_AllIsTheModelsOfTheDimension_AndListsAreDeduplicatedInMclustOrder()
    {
        Assert.Equal(["E", "V"], CovarianceModel.ParseList("all", 1).Select(m => m.Name));
        Assert.Equal(["EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "EEV", "VEV", "VVV"], CovarianceModel.ParseList("ALL", 3).Select(m => m.Name));
        Assert.Equal(["EII", "VVI", "VVV"], CovarianceModel.ParseList("vvv, EII,diag,full", 2).Select(m => m.Name));
        Assert.Contains("needs D ≥ 2", Assert.Throws<ModelInputException>(() => CovarianceModel.ParseList("EII,VVV", 1)).Message);
        Assert.Contains("one-dimensional", Assert.Throws<ModelInputException>(() => CovarianceModel.ParseList("V", 2)).Message);
        Assert.Throws<ModelInputException>(() => CovarianceModel.ParseList(" , ", 2));
    }

    [Fact]
    public void ParameterCount_IsMclustsNMclustParams()
    {
        foreach (CovarianceModel m in CovarianceModel.All)
        {
            for (int d = 1; d <= 6; d++)
            {
                if (!m.Supports(d)) continue;
                for (int k = 1; k <= 6; k++) Assert.Equal(SlowModels.ParameterCount(Enum.Parse<MclustModel>(m.Name), d, k), m.ParameterCount(k, d));
            }
        }
        Assert.Equal(new GaussianMixture([1.0], [[0.0, 0.0]], [new double[,] { { 1, 0 }, { 0, 1 } }]).ParameterCount, CovarianceModel.VVV.ParameterCount(1, 2));
    }

    [Fact]
    public void Fit_ModelOfTheWrongDimension_FailsNamingTheModelsThatApply()
    {
        var line = Dataset.FromRows([[1.0], [2.0], [4.0], [7.0]]);
        var plane = Dataset.FromRows([[1.0, 0.0], [2.0, 1.0], [4.0, 3.0], [7.0, 2.0]]);
        var e = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(line, null, new FitOptions(2) { Model = CovarianceModel.EII }));
        Assert.Contains("use E (equal variance) or V (variable variance)", e.Message);
        e = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(plane, null, new FitOptions(2) { Model = CovarianceModel.E }));
        Assert.Contains("use one of EII, VII", e.Message);
        Assert.Throws<ModelInputException>(() => MixturePrior.Empirical(plane, 2, CovarianceModel.V));
    }

    /// <summary>V is VVV at D = 1 (docs/models.md §3.2, §3.12): the same prior and M-step, bit for bit; E is EEE's step there.</summary>
    [Fact]
    public void OneDimension_VEqualsVvvBitForBit()
    {
        MclustFixture f = MclustFixture.Load("faithful_waiting_G3.json");
        FitResult v = EngineMclustTests.Fit(f, CovarianceModel.V, 40);
        FitResult vvv = EngineMclustTests.Fit(f, CovarianceModel.VVV, 40);
        Assert.Equal(v.LogJointTrace, vvv.LogJointTrace);
        Assert.Equal(v.Mixture.Weights, vvv.Mixture.Weights);
        Assert.Equal(v.Mixture.Covariances.Select(Norms.Flat).SelectMany(c => c), vvv.Mixture.Covariances.Select(Norms.Flat).SelectMany(c => c));
        Assert.Equal(v.Bic, vvv.Bic);
    }

    /// <summary>
    /// mclust's me() for EEI keeps x̄_k and divides by n + ν0 + 2 (docs/models.md §3.5); the library's EEI is the
    /// MAP step. From the same partition, one iteration of each is the other up to exactly those two changes:
    /// undoing them on the library's result gives mclust's fixture.
    /// </summary>
    [Theory]
    [InlineData("iris_G3.json")]
    [InlineData("faithful_G2.json")]
    [InlineData("diabetes_G3.json")]
    public void Eei_DiffersFromMclustsMeOnlyByTheMeansShrinkageAndTheDivisor(string file)
    {
        MclustFixture f = MclustFixture.Load(file);
        MclustFit mclust = f.Models[MclustModel.EEI].Fits.Single(x => x.MaxIterations == 1);
        var data = Dataset.FromRows(f.Data);
        MixturePrior prior = MixturePrior.Empirical(data, f.G, CovarianceModel.EEI);
        MixtureStatistics s = MixtureStatistics.FromPartition(data, f.Labels, f.G);
        GaussianMixture ours = CovarianceModel.EEI.PosteriorMode(s, prior);
        double n = f.Data.Length, nu0 = prior.ComponentPrior.Nu0;
        double rescale = (n + f.G + nu0 + 2) / (n + nu0 + 2);

        // Rounding only (a handful of operations on the same statistics).
        const double tolerance = 1e-12;
        for (int k = 0; k < f.G; k++)
        {
            Assert.True(Norms.Relative(s.Mean(k), mclust.Means![k]) < tolerance, "mclust's EEI mean is the unshrunk x̄_k");
            double[] flat = [.. Norms.Flat(ours.GetCovariance(k)).Select(v => v * rescale)];
            Assert.True(Norms.Relative(flat, Norms.Flat(mclust.Covariances![k])) < tolerance, "mclust's EEI covariance is ours times (n + G + ν0 + 2)/(n + ν0 + 2)");
            Assert.True(Norms.Relative(ours.GetMean(k), s.Mean(k).ToArray()) > 1e-6, "the library shrinks the means");
        }
    }

    [Fact]
    public void Partition_BadLabels_FailWithClearMessages()
    {
        var data = Dataset.FromRows([[0.0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6]], [1, 1, 1, 1, 1, 0]);
        FitResult Fit(int[] labels, int k = 2, int iterations = 10) =>
            MapEmFitter.Fit(data, null, new FitOptions(k) { Initialization = Initialization.FromPartition(labels), MaxIterations = iterations });

        Assert.Contains("5 labels for 6 rows", Assert.Throws<ModelInputException>(() => Fit([0, 0, 0, 1, 1])).Message);
        Assert.Contains("row 2 has label 2", Assert.Throws<ModelInputException>(() => Fit([0, 0, 2, 1, 1, 1])).Message);
        Assert.Contains("row 0 has label -1", Assert.Throws<ModelInputException>(() => Fit([-1, 0, 0, 1, 1, 1])).Message);
        // Label 2's only row has weight 0: the class is empty, as mclust's me() refuses too.
        Assert.Contains("no row of positive weight has label 2", Assert.Throws<ModelInputException>(() => Fit([0, 0, 0, 1, 1, 2], k: 3)).Message);
        Assert.Contains("needs at least 1", Assert.Throws<ModelInputException>(() => Fit([0, 0, 0, 1, 1, 1], iterations: 0)).Message);
        FitResult fit = Fit([0, 0, 0, 1, 1, 0]);
        Assert.Equal("partition", fit.Options.Initialization.Name);
        Assert.Single(fit.RestartLogJoints);
    }

    /// <summary>The partition's statistics are the two-pass weighted sums of the reference, and one iteration is the M-step from them.</summary>
    [Theory]
    [MemberData(nameof(Multivariate))]
    public void Partition_OneIteration_IsTheMStepFromTheLabelsStatistics(string name)
    {
        CovarianceModel model = CovarianceModel.Parse(name);
        MclustFixture f = MclustFixture.Load("iris_G3.json");
        var data = Dataset.FromRows(f.Data);
        MixtureStatistics s = MixtureStatistics.FromPartition(data, f.Labels, 3);
        ComponentStatistics[] slow = SlowModels.Statistics(f.Data, SlowModels.Unmap(f.Labels, 3));
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(slow[k].Count, s.Count(k));
            // The same two-pass sums in the same order, but (x − x̄) formed once per row here: a few ulps.
            Assert.True(Norms.Relative(s.Mean(k), slow[k].Mean) < 1e-14);
            Assert.True(Norms.Relative(s.Scatter(k), Norms.Flat(slow[k].Scatter)) < 1e-14);
        }
        MixturePrior prior = MixturePrior.Empirical(data, 3, model);
        FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(3) { Model = model, Initialization = Initialization.FromPartition(f.Labels), MaxIterations = 1 });
        GaussianMixture step = model.PosteriorMode(s, prior);
        int[] order = EmDriver.CanonicalOrder(step);
        Assert.Equal(order.Select(i => step.Weights[i]), fit.Mixture.Weights);
        for (int k = 0; k < 3; k++) Assert.Equal(Norms.Flat(step.GetCovariance(order[k])), Norms.Flat(fit.Mixture.GetCovariance(k)));
    }

    [Theory]
    [MemberData(nameof(Multivariate))]
    public void ExplicitStart_MustBelongToTheModel(string name)
    {
        CovarianceModel model = CovarianceModel.Parse(name);
        (double[][] x, int[] labels) = EngineSlowModelsTests.Data(3, 3, 120, seed: 3);
        var data = Dataset.FromRows(x);
        MixturePrior prior = MixturePrior.Empirical(data, 3, model);
        FitResult own = MapEmFitter.Fit(data, prior, new FitOptions(3) { Model = model, Initialization = Initialization.FromPartition(labels), MaxIterations = 5 });

        // A mixture of the model, through result.json and back, is accepted and continues the run.
        GaussianMixture back = FitResultJson.ReadMixture(FitResultJson.Serialize(own));
        FitResult resumed = MapEmFitter.Fit(data, prior, new FitOptions(3) { Model = model, Initialization = Initialization.FromMixture(back), MaxIterations = 5 });
        Norms.AssertNonDecreasing([own.LogJoint, .. resumed.LogJointTrace], data.TotalWeight);

        // A full-covariance mixture is VVV's only.
        GaussianMixture full = Core.EmStepTests.RandomMixture(3, 3, seed: 9);
        if (model.Name == "VVV")
        {
            MapEmFitter.Fit(data, prior, new FitOptions(3) { Model = model, Initialization = Initialization.FromMixture(full), MaxIterations = 1 });
            return;
        }
        var e = Assert.Throws<ModelInputException>(() =>
            MapEmFitter.Fit(data, prior, new FitOptions(3) { Model = model, Initialization = Initialization.FromMixture(full), MaxIterations = 1 }));
        Assert.Contains($"not of model {model.Name}", e.Message);
        Assert.Contains("from a partition", e.Message);
    }

    /// <summary>result.json keeps K full D×D covariances and adds "model": the name and the model's own parameters, which give them back.</summary>
    [Theory]
    [MemberData(nameof(Multivariate))]
    public void ResultJson_HasTheModelAndItsOwnParameters(string name)
    {
        CovarianceModel model = CovarianceModel.Parse(name);
        (double[][] x, int[] labels) = EngineSlowModelsTests.Data(3, 2, 100, seed: 4);
        var data = Dataset.FromRows(x);
        FitResult fit = MapEmFitter.Fit(data, MixturePrior.Empirical(data, 2, model), new FitOptions(2) { Model = model, Initialization = Initialization.FromPartition(labels) });
        using JsonDocument doc = JsonDocument.Parse(FitResultJson.Serialize(fit));
        JsonElement r = doc.RootElement;
        Assert.Equal(2, r.GetProperty("covariances").GetArrayLength());
        Assert.All(r.GetProperty("covariances").EnumerateArray(), c => Assert.Equal(3, c.GetArrayLength()));
        JsonElement m = r.GetProperty("model");
        Assert.Equal(name, m.GetProperty("name").GetString());
        int volumes = m.TryGetProperty("volume", out JsonElement v) ? v.GetArrayLength() : 0;
        int shapes = m.TryGetProperty("shape", out JsonElement s) ? s.GetArrayLength() : 0;
        int orientations = m.TryGetProperty("orientation", out JsonElement o) ? o.GetArrayLength() : 0;
        (int, int, int) expected = name switch
        {
            "EII" => (1, 0, 0), "VII" => (2, 0, 0), "EEI" => (1, 1, 0), "VEI" => (2, 1, 0), "EVI" => (1, 2, 0), "VVI" => (2, 2, 0),
            "EEV" => (1, 1, 2), "VEV" => (2, 1, 2), _ => (0, 0, 0),
        };
        Assert.Equal(expected, (volumes, shapes, orientations));
        for (int k = 0; k < 2; k++)
        {
            if (volumes == 0) break;
            double lambda = v[volumes == 1 ? 0 : k].GetDouble();
            double[] a = shapes == 0 ? [1, 1, 1] : [.. s[shapes == 1 ? 0 : k].EnumerateArray().Select(e => e.GetDouble())];
            double[,] rebuilt = new double[3, 3];
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    for (int l = 0; l < 3; l++)
                    {
                        double oil = orientations == 0 ? (i == l ? 1 : 0) : o[k][i][l].GetDouble();
                        double ojl = orientations == 0 ? (j == l ? 1 : 0) : o[k][j][l].GetDouble();
                        rebuilt[i, j] += lambda * oil * a[l] * ojl;
                    }
                }
            }
            // λ D diag(A) Dᵀ from the written parameters (eigenvectors to rounding): 1e-12.
            Assert.True(Norms.Relative(rebuilt, fit.Mixture.GetCovariance(k)) < 1e-12, $"{name}: component {k} from its own parameters");
        }
    }

    /// <summary>SPEC: the same input gives bit-identical results on any thread count — for every model.</summary>
    [Fact]
    public void Fit_EveryModel_IsBitIdenticalOnOneAndThreeThreads()
    {
        // Enough rows for many chunks, so that several threads really split the work.
        (double[][] x, double[] w) = Core.EmStepTests.RandomData(3, 30_000, seed: 8, weighted: true);
        var data = Dataset.FromRows(x, w);
        var line = Dataset.FromRows([.. x.Select(r => new[] { r[0] })], w);
        foreach (CovarianceModel model in CovarianceModel.All)
        {
            Dataset d = model.Supports(3) ? data : line;
            var options = new FitOptions(3) { Model = model, MaxIterations = 8, Tolerance = 0, Restarts = 2, Seed = 4 };
            MixturePrior prior = MixturePrior.Empirical(d, 3, model);
            FitResult a = MapEmFitter.Fit(d, prior, options with { Threads = 1 });
            FitResult b = MapEmFitter.Fit(d, prior, options with { Threads = 3 });
            Norms.AssertBitIdentical(a, b);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Contains_TheModelsOwnMixtures_ButNotFullCovarianceOnes(string name)
    {
        CovarianceModel model = CovarianceModel.Parse(name);
        int d = model.Supports(3) ? 3 : 1;
        (double[][] x, int[] labels) = EngineSlowModelsTests.Data(d, 3, 90, seed: 2);
        var data = Dataset.FromRows(x);
        GaussianMixture own = model.PosteriorMode(MixtureStatistics.FromPartition(data, labels, 3), MixturePrior.Empirical(data, 3, model));
        Assert.True(model.Contains(own));
        GaussianMixture full = CovarianceModel.VVV.PosteriorMode(MixtureStatistics.FromPartition(data, labels, 3), MixturePrior.Empirical(data, 3));
        Assert.Equal(model.Name is "VVV" or "V", model.Contains(full));
    }
}
