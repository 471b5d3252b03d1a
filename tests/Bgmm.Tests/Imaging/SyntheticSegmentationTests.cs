using Bgmm.Cli.Synthetic;
using Bgmm.Imaging;

namespace Bgmm.Tests.Imaging;

/// <summary>The generator of images with known segments (for the smoothing study).</summary>
public class SyntheticSegmentationTests
{
    [Fact]
    public void SameArguments_SameImage_OtherSeed_OtherImage()
    {
        SyntheticSegmentation a = SyntheticSegmentation.Generate(40, 30, 3, 0.05, seed: 7);
        SyntheticSegmentation b = SyntheticSegmentation.Generate(40, 30, 3, 0.05, seed: 7);
        SyntheticSegmentation c = SyntheticSegmentation.Generate(40, 30, 3, 0.05, seed: 8);
        Assert.True(a.Truth.SequenceEqual(b.Truth));
        Assert.True(a.Image.Red8.SequenceEqual(b.Image.Red8) && a.Image.Blue8.SequenceEqual(b.Image.Blue8));
        Assert.False(a.Image.Red8.SequenceEqual(c.Image.Red8));
        Assert.Equal(40, a.Image.Width);
        Assert.Equal(30, a.Image.Height);
        Assert.Equal(1200, a.Truth.Length);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Regions_AreBlobsOfEveryClass(int classes)
    {
        int present = 0, samePairs = 0, pairs = 0;
        for (ulong seed = 1; seed <= 4; seed++)
        {
            SyntheticSegmentation s = SyntheticSegmentation.Generate(120, 90, classes, 0.05, seed);
            byte[] truth = s.Truth.ToArray();
            present += Enumerable.Range(0, classes).Count(c => truth.Contains((byte)c));
            for (int y = 0; y < 90; y++)
            {
                for (int x = 0; x + 1 < 120; x++)
                {
                    pairs++;
                    if (truth[y * 120 + x] == truth[y * 120 + x + 1]) samePairs++;
                }
            }
            Assert.All(truth, t => Assert.True(t < classes));
        }
        // Nearly every class shows up in every image, and neighbours mostly share a class (blobs of
        // ~a quarter of the shorter side: ≥ 90 % of horizontal pairs agree).
        Assert.True(present >= 4 * classes - 1);
        Assert.True(samePairs > 0.9 * pairs, $"{samePairs} of {pairs} neighbouring pairs share a class");
    }

    [Fact]
    public void ClassMeans_AreSeparationApart_AndColoursScatterAroundThem()
    {
        SyntheticSegmentation s = SyntheticSegmentation.Generate(200, 200, 3, 0.04, seed: 3);
        for (int a = 0; a < 3; a++)
        {
            for (int b = a + 1; b < 3; b++)
            {
                double d = Math.Sqrt(Enumerable.Range(0, 3).Sum(j => Math.Pow(s.ClassMeans[a][j] - s.ClassMeans[b][j], 2)));
                Assert.True(Math.Abs(d - SyntheticSegmentation.Separation) < 1e-12);
            }
        }
        // The red channel's mean and spread per class: near the class mean, with the class spread and
        // the noise combined (σ² ≈ spread² + noise², within sampling and quantisation error).
        for (int c = 0; c < 3; c++)
        {
            double[] red = [.. Enumerable.Range(0, 40_000).Where(i => s.Truth[i] == c).Select(i => s.Image.Red8[i] / 255.0)];
            double mean = red.Average();
            double sd = Math.Sqrt(red.Sum(v => (v - mean) * (v - mean)) / red.Length);
            Assert.True(Math.Abs(mean - s.ClassMeans[c][0]) < 0.005, $"class {c}: mean {mean}");
            Assert.InRange(sd, 0.04, Math.Sqrt(0.04 * 0.04 + Math.Pow(1.4 * SyntheticSegmentation.ClassSpread, 2)) + 0.005);
        }
    }

    [Fact]
    public void InvalidArguments_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticSegmentation.Generate(0, 10, 2, 0.05, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticSegmentation.Generate(10, 10, 1, 0.05, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticSegmentation.Generate(10, 10, 9, 0.05, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticSegmentation.Generate(10, 10, 2, -0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticSegmentation.Generate(10, 10, 2, double.NaN, 1));
    }
}
