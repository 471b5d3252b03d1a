using Bgmm.Cli.Synthetic;
using Bgmm.Imaging;

namespace Bgmm.Tests.Imaging;

/// <summary>The demo's generated scene: deterministic, photo-like, and separable by a two-component fit.</summary>
public class SyntheticSceneTests
{
    [Fact]
    public void Generate_SameSeed_GivesTheSameImage_OtherSeedsDiffer()
    {
        SyntheticScene a = SyntheticScene.Generate(96, 64, seed: 7);
        SyntheticScene b = SyntheticScene.Generate(96, 64, seed: 7);
        SyntheticScene c = SyntheticScene.Generate(96, 64, seed: 8);

        Assert.Equal(TestImages.InterleavedRgb(a.Image), TestImages.InterleavedRgb(b.Image));
        Assert.Equal(a.ObjectMask.ToArray(), b.ObjectMask.ToArray());
        Assert.NotEqual(TestImages.InterleavedRgb(a.Image), TestImages.InterleavedRgb(c.Image));
    }

    [Fact]
    public void Generate_Image_HasAnObjectOfSensibleSizeAndManyColours()
    {
        SyntheticScene scene = SyntheticScene.Generate(160, 120, seed: 1);

        Assert.Equal((160, 120, 8), (scene.Image.Width, scene.Image.Height, scene.Image.BitsPerChannel));
        Assert.Equal(160 * 120, scene.ObjectMask.Length);
        double fraction = (double)scene.ObjectPixelCount / (160 * 120);
        Assert.InRange(fraction, 0.10, 0.50);
        // The object does not touch the border: the four corners are background.
        Assert.False(scene.ObjectMask[0]);
        Assert.False(scene.ObjectMask[^1]);
        // Texture and noise: a photo has thousands of colours, a flat drawing a handful.
        Assert.True(scene.Image.ToCompressedDataset().Count > 5000);
    }

    [Fact]
    public void Generate_ObjectIsWarmAndBackgroundCool()
    {
        SyntheticScene scene = SyntheticScene.Generate(120, 90, seed: 2);
        ReadOnlySpan<byte> r = scene.Image.Red8, b = scene.Image.Blue8;
        double objectWarmth = 0, backgroundWarmth = 0;
        for (int i = 0; i < r.Length; i++)
        {
            if (scene.ObjectMask[i]) objectWarmth += r[i] - b[i];
            else backgroundWarmth += r[i] - b[i];
        }
        Assert.True(objectWarmth / scene.ObjectPixelCount > 80);
        Assert.True(backgroundWarmth / (r.Length - scene.ObjectPixelCount) < -40);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void TwoComponentFit_SeparatesTheObjectFromTheBackground(ulong seed)
    {
        SyntheticScene scene = SyntheticScene.Generate(128, 96, seed);
        Dataset data = scene.Image.ToCompressedDataset();
        // The study's image prior (SPEC §1): α = 100, ν0 = 4, κ0 = 1, μ0 = 0, Σ0 = I.
        MixturePrior prior = MixturePrior.Create(3, alpha: 100, nu0: 4);

        FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(2) { MaxIterations = 100, Seed = seed, Restarts = 2 });

        int[] rowLabels = fit.Mixture.Predict(data);
        ReadOnlySpan<int> source = data.SourceRows;
        int agree = 0;
        for (int i = 0; i < source.Length; i++)
        {
            if ((rowLabels[source[i]] == 1) == scene.ObjectMask[i]) agree++;
        }
        // Labels may come out either way round.
        double accuracy = Math.Max(agree, source.Length - agree) / (double)source.Length;
        // 98 %: object and background colours are far apart; only a few rim and highlight pixels,
        // darkened or brightened towards the other class, may go astray.
        Assert.True(accuracy > 0.98, $"seed {seed}: {accuracy:P2} of pixels labelled as the ground truth");
    }

    [Fact]
    public void Generate_RejectsSizesOutsideTheRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticScene.Generate(8, 100, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticScene.Generate(100, SyntheticScene.MaxSide + 1, 0));
    }
}
