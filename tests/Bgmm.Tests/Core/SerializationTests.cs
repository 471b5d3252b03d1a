using Bgmm.Cli.Synthetic;
using System.Text.Json;
using Bgmm.Serialization;

namespace Bgmm.Tests.Core;

public class SerializationTests
{
    private static readonly FitResult Fit = MapEmFitter.Fit(Dataset.FromRows(ToyData.Generate()), ToyData.Prior(),
        new FitOptions(2) { MaxIterations = 20, Seed = 3 });

    [Fact]
    public void Serialize_HasTheContractKeys()
    {
        using JsonDocument doc = JsonDocument.Parse(FitResultJson.Serialize(Fit));
        JsonElement r = doc.RootElement;
        Assert.Equal(2, r.GetProperty("components").GetInt32());
        Assert.Equal(2, r.GetProperty("dimension").GetInt32());
        Assert.Equal(400, r.GetProperty("points").GetInt64());
        Assert.Equal(400.0, r.GetProperty("total_weight").GetDouble());
        Assert.Equal(2, r.GetProperty("weights").GetArrayLength());
        Assert.Equal(2, r.GetProperty("means")[1].GetArrayLength());
        Assert.Equal(2, r.GetProperty("covariances")[1][1].GetArrayLength());
        Assert.Equal(Fit.LogJoint, r.GetProperty("log_joint").GetDouble());
        Assert.Equal(Fit.LogJointTrace.Count, r.GetProperty("log_joint_trace").GetArrayLength());
        Assert.Equal(Fit.Iterations, r.GetProperty("iterations").GetInt32());
        Assert.Equal(Fit.Converged, r.GetProperty("converged").GetBoolean());
        Assert.Equal(0, r.GetProperty("restart").GetInt32());
        Assert.Equal(3UL, r.GetProperty("seed").GetUInt64());
        Assert.Equal(JsonValueKind.Array, r.GetProperty("empty_components").ValueKind);
        JsonElement h = r.GetProperty("hyperparameters");
        Assert.Equal(1.0, h.GetProperty("alpha").GetDouble());
        Assert.Equal(3.0, h.GetProperty("nu0").GetDouble());
        Assert.Equal(1.0, h.GetProperty("kappa0").GetDouble());
        Assert.Equal(2, h.GetProperty("mu0").GetArrayLength());
        Assert.Equal(2, h.GetProperty("sigma0").GetArrayLength());
    }

    [Fact]
    public void ResultFile_IsAValidInitialMixtureAndPrior_RoundTripExactly()
    {
        string json = FitResultJson.Serialize(Fit);
        GaussianMixture m = FitResultJson.ReadMixture(json);
        MixturePrior p = FitResultJson.ReadPrior(json, 2);

        Assert.Equal(Fit.Mixture.Weights, m.Weights);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(Fit.Mixture.GetMean(k), m.GetMean(k));
            Assert.Equal(Fit.Mixture.GetCovariance(k), m.GetCovariance(k));
        }
        Assert.Equal(3.0, p.ComponentPrior.Nu0);
        Assert.Equal(1.0, p.WeightPrior.Alpha);
    }

    [Fact]
    public void ReadPrior_MissingKeysTakeDefaults()
    {
        MixturePrior p = FitResultJson.ReadPrior("""{"alpha": 100, "nu0": 4}""", 3);
        Assert.Equal(100, p.WeightPrior.Alpha);
        Assert.Equal(4, p.ComponentPrior.Nu0);
        Assert.Equal(1, p.ComponentPrior.Kappa0);
        Assert.Equal(3, p.Dimension);
    }

    [Theory]
    [InlineData("{", "malformed")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("""{"weights":[1],"means":[[0]]}""", "\"covariances\"")]
    [InlineData("""{"weights":["a"],"means":[[0]],"covariances":[[[1]]]}""", "must be a finite number")]
    [InlineData("""{"weights":[1],"means":[[0]],"covariances":[[[-1]]]}""", "not positive definite")]
    [InlineData("""{"weights":[1],"means":[[0]],"covariances":[[[1, 2]]]}""", "square")]
    public void ReadMixture_BadJson_IsAClearInputError(string json, string fragment)
    {
        var e = Assert.Throws<ModelInputException>(() => FitResultJson.ReadMixture(json));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void ReadPrior_BadValues_AreRejectedWithTheirRange()
    {
        Assert.Contains("≥ 1", Assert.Throws<ModelInputException>(() => FitResultJson.ReadPrior("""{"alpha": 0.5, "mu0":[0]}""")).Message);
        Assert.Contains("D = 2", Assert.Throws<ModelInputException>(() => FitResultJson.ReadPrior("""{"mu0":[0,0]}""", 3)).Message);
    }
}
