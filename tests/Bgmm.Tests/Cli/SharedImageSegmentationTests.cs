using Bgmm.Cli.Commands;
using Bgmm.Imaging;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Cli;

/// <summary>The study's four photos through the segmentation pipeline (skipped when ../shared is absent).</summary>
public class SharedImageSegmentationTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "fox.png", 2 }, { "fox.png", 3 }, { "cow.png", 2 }, { "cow.png", 3 },
        { "owl.png", 2 }, { "owl.png", 3 }, { "zebra.png", 2 }, { "zebra.png", 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Segment_StudyImage_TraceRisesWeightsSumToOneAndRerunIsBitIdentical(string name, int k)
    {
        RgbImage image = ImageLoader.Load(SharedFiles.RequireShared("images", name));
        (Dataset data, bool compressed) = ImageSegmenter.Prepare(image, ColourCompression.Auto);
        MixturePrior prior = MixturePrior.Create(3, alpha: 100, nu0: 4);
        var options = new FitOptions(k) { Seed = 0 };

        FitResult first = MapEmFitter.Fit(data, prior, options);
        FitResult second = MapEmFitter.Fit(data, prior, options);

        Assert.True(compressed);
        Norms.AssertNonDecreasing(first.LogJointTrace, image.PixelCount);
        Assert.Equal(1.0, first.Mixture.Weights.Sum(), 12);
        Assert.Equal(first.LogJointTrace, second.LogJointTrace);
        Assert.Equal(first.Mixture.Weights, second.Mixture.Weights);
        for (int c = 0; c < k; c++)
        {
            Assert.Equal(first.Mixture.GetMean(c), second.Mixture.GetMean(c));
            Assert.Equal(Norms.Flat(first.Mixture.GetCovariance(c)), Norms.Flat(second.Mixture.GetCovariance(c)));
        }
        Assert.Equal(image.PixelCount, first.Points);
    }

    [Fact]
    public void Segment_Fox_WeightsMatchTheSpec()
    {
        RgbImage image = ImageLoader.Load(SharedFiles.RequireShared("images", "fox.png"));
        FitResult fit = MapEmFitter.Fit(image.ToCompressedDataset(), MixturePrior.Create(3, alpha: 100, nu0: 4), new FitOptions(2));
        // SPEC §4: the optimum's weights are 0.878 / 0.122 (the float32 study ended at 0.866 / 0.134).
        Assert.Equal(0.878, fit.Mixture.Weights[0], 0.0005);
        Assert.Equal(0.122, fit.Mixture.Weights[1], 0.0005);
    }
}
