using System.Diagnostics;
using Bgmm.Imaging;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Imaging;

/// <summary>The study's four images (SPEC §4, §5): sizes, exact pixel values, distinct colours.</summary>
public class SharedImageTests
{
    public static TheoryData<string, int, int, int> Images => new()
    {
        // name, width, height, distinct colours (SPEC §5; PERFORMANCE.md "Beyond the pass")
        { "fox.png", 800, 534, 51_174 },
        { "cow.png", 300, 196, 10_515 },
        { "owl.png", 240, 160, 4_073 },
        { "zebra.png", 586, 391, 116_804 },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Load_SharedImage_HasTheStudySizeAndTheStoredValues(string file, int width, int height, int distinct)
    {
        _ = distinct;
        string path = SharedFiles.RequireShared("images", file);

        RgbImage image = ImageLoader.Load(path);

        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(8, image.BitsPerChannel);
        Assert.Equal((long)width * height, image.PixelCount);
        // The reference reader applies the PNG specification alone: no premultiplication, no
        // colour management (the files carry sRGB and eXIf chunks), so values must match exactly.
        (int w, int h, byte[] rgb) = TestImages.ReadPngRgb8(File.ReadAllBytes(path));
        Assert.Equal((width, height), (w, h));
        Assert.Equal(rgb, TestImages.InterleavedRgb(image));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void ToDataset_SharedImage_IsExactlyTheStoredValueOver255(string file, int width, int height, int distinct)
    {
        _ = (width, height, distinct);
        RgbImage image = ImageLoader.Load(SharedFiles.RequireShared("images", file));

        Dataset data = image.ToDataset();

        Assert.Equal(image.PixelCount, data.Count);
        Assert.Equal(3, data.Dimension);
        Assert.False(data.IsWeighted);
        ReadOnlySpan<byte> r = image.Red8, g = image.Green8, b = image.Blue8;
        ReadOnlySpan<double> dr = data.Column(0), dg = data.Column(1), db = data.Column(2);
        for (int i = 0; i < r.Length; i++)
        {
            // Exact equality: SPEC §4 defines the value as the IEEE quotient v/255.0.
            Assert.Equal(r[i] / 255.0, dr[i]);
            Assert.Equal(g[i] / 255.0, dg[i]);
            Assert.Equal(b[i] / 255.0, db[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void ToCompressedDataset_SharedImage_HasTheKnownDistinctColoursAndExpandsBack(string file, int width, int height, int distinct)
    {
        RgbImage image = ImageLoader.Load(SharedFiles.RequireShared("images", file));
        int n = width * height;

        Dataset compressed = image.ToCompressedDataset();

        Assert.Equal(distinct, compressed.Count);
        Assert.Equal(n, compressed.PointCount);
        Assert.Equal(n, compressed.TotalWeight);
        Assert.True(compressed.IsCompressed);
        ReadOnlySpan<int> source = compressed.SourceRows;
        Assert.Equal(n, source.Length);
        Dataset full = image.ToDataset();
        var counts = new double[distinct];
        for (int i = 0; i < n; i++)
        {
            int row = source[i];
            counts[row]++;
            for (int j = 0; j < 3; j++) Assert.Equal(full[i, j], compressed[row, j]);
        }
        for (int row = 0; row < distinct; row++) Assert.Equal(counts[row], compressed.Weight(row));
        // First-occurrence order: row m is first used by a later pixel than row m − 1.
        var firstPixel = Enumerable.Repeat(-1, distinct).ToArray();
        for (int i = 0; i < n; i++)
        {
            if (firstPixel[source[i]] < 0) firstPixel[source[i]] = i;
        }
        for (int row = 1; row < distinct; row++) Assert.True(firstPixel[row] > firstPixel[row - 1]);
    }
}
