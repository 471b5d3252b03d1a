using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Tests.Imaging;

/// <summary>Planes, the exact [0, 1] scaling of SPEC §4, and the distinct-colour compression.</summary>
public class RgbImageTests
{
    private static byte[] Plane(int n, ulong seed, int levels = 256)
    {
        var random = new RandomStream(seed);
        var plane = new byte[n];
        for (int i = 0; i < n; i++) plane[i] = (byte)random.NextInt64(levels);
        return plane;
    }

    [Fact]
    public void FromRgb8_RejectsBadSizesAndPlanes()
    {
        byte[] six = new byte[6];
        Assert.Throws<ArgumentException>(() => RgbImage.FromRgb8(0, 6, six, six, six));
        Assert.Throws<ArgumentException>(() => RgbImage.FromRgb8(3, -2, six, six, six));
        Assert.Throws<ArgumentException>(() => RgbImage.FromRgb8(3, 2, six, six, new byte[5]));
        Assert.Throws<ArgumentNullException>(() => RgbImage.FromRgb8(3, 2, six, null!, six));
        Assert.Throws<ArgumentException>(() => RgbImage.FromRgb8(int.MaxValue, 2, six, six, six));
        Assert.Throws<ArgumentException>(() => RgbImage.FromRgb16(3, 2, new ushort[6], new ushort[6], new ushort[7]));
    }

    [Fact]
    public void Planes_AreRowMajor()
    {
        byte[] r = [0, 1, 2, 3, 4, 5], g = [10, 11, 12, 13, 14, 15], b = [20, 21, 22, 23, 24, 25];

        RgbImage image = RgbImage.FromRgb8(3, 2, r, g, b);

        Assert.Equal((5, 15, 25), image.GetPixel(2, 1));
        Assert.Equal((3, 13, 23), image.GetPixel(0, 1));
        Assert.Equal(6, image.PixelCount);
        Assert.Throws<InvalidOperationException>(() => image.Red16.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetPixel(3, 0));
    }

    [Fact]
    public void ToDataset_EveryByteValue_IsTheIeeeQuotientByThe255()
    {
        var all = new byte[256];
        for (int v = 0; v < 256; v++) all[v] = (byte)v;
        byte[] reversed = [.. all.Reverse()];

        Dataset data = RgbImage.FromRgb8(16, 16, all, reversed, all).ToDataset();

        int differsFromMultiplication = 0;
        for (int v = 0; v < 256; v++)
        {
            // Exact: SPEC §4 defines v/255.0 by IEEE division.
            Assert.Equal(v / 255.0, data[v, 0]);
            Assert.Equal((255 - v) / 255.0, data[v, 1]);
            if (data[v, 0] != v * (1 / 255.0)) differsFromMultiplication++;
        }
        // The table is not the reciprocal multiplication SPEC §4 warns about (it differs for 24 values).
        Assert.Equal(24, differsFromMultiplication);
    }

    [Fact]
    public void ToDataset_16Bit_IsTheIeeeQuotientBy65535()
    {
        ushort[] r = [0, 1, 257, 0x1234, 65534, 65535];
        ushort[] g = [65535, 2, 3, 4, 5, 6];

        Dataset data = RgbImage.FromRgb16(3, 2, r, g, r).ToDataset();

        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(r[i] / 65535.0, data[i, 0]);
            Assert.Equal(g[i] / 65535.0, data[i, 1]);
            Assert.Equal(r[i] / 65535.0, data[i, 2]);
        }
    }

    [Fact]
    public void To8Bit_RoundsToTheNearestLevel()
    {
        ushort[] values = [0, 128, 129, 257, 385, 386, 65535, 65407, 65406, 32896];

        RgbImage narrow = RgbImage.FromRgb16(values.Length, 1, values, values, values).To8Bit();

        for (int i = 0; i < values.Length; i++)
        {
            int expected = (int)Math.Round(values[i] * 255.0 / 65535.0, MidpointRounding.AwayFromZero);
            Assert.Equal(expected, narrow.Red8[i]);
        }
        Assert.Equal(8, narrow.BitsPerChannel);
    }

    public static TheoryData<int, int> CompressionCases => new()
    {
        { 1, 256 },   // one pixel
        { 5000, 3 },  // few colours, many repeats
        { 5000, 256 }, // nearly all distinct
    };

    [Theory]
    [MemberData(nameof(CompressionCases))]
    public void ToCompressedDataset_8Bit_MatchesTheCoreCompressionOfTheFullDataset(int n, int levels)
    {
        RgbImage image = RgbImage.FromRgb8(n, 1, Plane(n, 1, levels), Plane(n, 2, levels), Plane(n, 3, levels));

        Dataset compressed = image.ToCompressedDataset();
        Dataset reference = image.ToDataset().Compress(); // the core's own, independent compression

        AssertSameCompression(reference, compressed);
    }

    [Fact]
    public void ToCompressedDataset_16Bit_MatchesTheCoreCompressionOfTheFullDataset()
    {
        var random = new RandomStream(4);
        int n = 20_000;
        // Values that share their high byte, so that an 8-bit key would merge them.
        ushort[] Plane16() => [.. Enumerable.Range(0, n).Select(_ => (ushort)(0x4000 + random.NextInt64(40)))];
        RgbImage image = RgbImage.FromRgb16(200, 100, Plane16(), Plane16(), Plane16());

        Dataset compressed = image.ToCompressedDataset();

        AssertSameCompression(image.ToDataset().Compress(), compressed);
        Assert.True(compressed.Count > 10_000);
    }

    [Fact]
    public void FindDistinct_DirectTableAndHashTable_Agree()
    {
        int n = 30_000;
        byte[] r = Plane(n, 5, 64), g = Plane(n, 6, 64), b = Plane(n, 7);

        DistinctColours.Result hashed = DistinctColours.Find8Hashed(r, g, b);
        DistinctColours.Result direct = DistinctColours.Find8Direct(r, g, b);

        Assert.Equal(direct.SourceRows, hashed.SourceRows);
        Assert.Equal(direct.Rows.PointWeights.ToArray(), hashed.Rows.PointWeights.ToArray());
        for (int j = 0; j < 3; j++) Assert.Equal(direct.Rows.Column(j).ToArray(), hashed.Rows.Column(j).ToArray());
    }

    private static void AssertSameCompression(Dataset reference, Dataset compressed)
    {
        // Both order the distinct colours by first occurrence, so they must agree row for row.
        Assert.Equal(reference.Count, compressed.Count);
        Assert.Equal(reference.PointCount, compressed.PointCount);
        Assert.Equal(reference.TotalWeight, compressed.TotalWeight);
        Assert.Equal(reference.SourceRows.ToArray(), compressed.SourceRows.ToArray());
        for (int row = 0; row < reference.Count; row++)
        {
            Assert.Equal(reference.Weight(row), compressed.Weight(row));
            for (int j = 0; j < 3; j++) Assert.Equal(reference[row, j], compressed[row, j]);
        }
    }
}
