using Bgmm.Imaging;
using Bgmm.Numerics;
using Bgmm.Tests.Kernels;

namespace Bgmm.Tests.Core;

/// <summary>
/// <see cref="Dataset.FromBytePlanes"/>: byte v stands for v / s, and every member reads exactly the
/// values a dataset of double columns holding those quotients reads.
/// </summary>
public class BytePlaneDatasetTests
{
    private static byte[][] RandomPlanes(int d, int n, int levels, ulong seed)
    {
        var rng = new RandomStream(seed);
        return [.. Enumerable.Range(0, d).Select(_ => Enumerable.Range(0, n).Select(_ => (byte)(rng.NextInt64(levels) * (255 / Math.Max(1, levels - 1)))).ToArray())];
    }

    [Fact]
    public void FromBytePlanes_EveryMember_ReadsTheIeeeQuotients()
    {
        byte[][] planes = RandomPlanes(3, 1000, 256, 1);
        planes[0][0] = 0;
        planes[1][0] = 255;
        Dataset data = Dataset.FromBytePlanes(planes);
        Dataset doubles = Dataset.WrapColumns([.. planes.Select(p => p.Select(v => v / 255.0).ToArray())]);

        Assert.Equal((1000, 3, 1000L, 1000.0, false, false), (data.Count, data.Dimension, data.PointCount, data.TotalWeight, data.IsWeighted, data.IsCompressed));
        var row = new double[3];
        var expected = new double[3];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyRow(i, row);
            doubles.CopyRow(i, expected);
            // Exact: SPEC §4 defines the value as the IEEE quotient v/255.0.
            Assert.Equal(expected, row);
            for (int j = 0; j < 3; j++) Assert.Equal(planes[j][i] / 255.0, data[i, j]);
            Assert.Equal(1.0, data.Weight(i));
        }
        for (int i = 0; i < 50; i++)
        {
            for (int m = 0; m < 50; m++) Assert.Equal(doubles.RowsEqual(i, m), data.RowsEqual(i, m));
        }
        Assert.Equal(doubles.CountDistinctRows(500), data.CountDistinctRows(500));
    }

    [Fact]
    public void Column_BytePlanes_IsMaterialisedOnceExactly_AndSharedAcrossThreads()
    {
        byte[][] planes = RandomPlanes(2, 5000, 256, 2);
        Dataset data = Dataset.FromBytePlanes(planes);
        double[][] seen = new double[16][];
        Parallel.For(0, seen.Length, i => seen[i] = data.Column(1).ToArray());
        Assert.All(seen, c => Assert.Equal(planes[1].Select(v => v / 255.0), c));
        // The same column every time (built once, then kept).
        Assert.True(data.Column(0) == data.Column(0));
        Assert.True(data.Column(1) == data.Column(1));
        Assert.Equal(planes[0].Select(v => v / 255.0), data.Column(0).ToArray());
    }

    [Fact]
    public void FromBytePlanes_OtherDivisorAndWeights_AreHonoured()
    {
        byte[][] planes = [[0, 1, 2, 200], [7, 7, 9, 255]];
        double[] weights = [1, 0, 2.5, 1];
        Dataset data = Dataset.FromBytePlanes(planes, weights, scaleDivisor: 100);
        weights[0] = 99; // copied
        Assert.Equal(2.0, data[3, 0]);
        Assert.Equal(255 / 100.0, data[3, 1]);
        Assert.Equal(0.07, data[0, 1]);
        Assert.Equal([1, 0, 2.5, 1], data.PointWeights.ToArray());
        Assert.Equal((3L, 4.5), (data.PointCount, data.TotalWeight));
    }

    [Fact]
    public void FromBytePlanes_BadInput_IsAClearError()
    {
        Assert.Throws<ArgumentNullException>(() => Dataset.FromBytePlanes(null!));
        Assert.Contains("D must be ≥ 1", Assert.Throws<ModelInputException>(() => Dataset.FromBytePlanes([])).Message);
        Assert.Contains("plane 1 is null", Assert.Throws<ModelInputException>(() => Dataset.FromBytePlanes([[1], null!])).Message);
        Assert.Contains("same length", Assert.Throws<ModelInputException>(() => Dataset.FromBytePlanes([[1, 2], [3]])).Message);
        Assert.Contains("no points", Assert.Throws<ModelInputException>(() => Dataset.FromBytePlanes([[], []])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromBytePlanes([[1]], scaleDivisor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromBytePlanes([[1]], scaleDivisor: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromBytePlanes([[1]], scaleDivisor: double.PositiveInfinity));
        Assert.Contains("weights", Assert.Throws<ModelInputException>(() => Dataset.FromBytePlanes([[1, 2]], [1.0])).Message);
        Assert.Contains("every weight is 0", Assert.Throws<ModelInputException>(() => Dataset.FromBytePlanes([[1, 2]], [0.0, 0.0])).Message);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(257, 3)]
    [InlineData(5000, 6)]
    [InlineData(5000, 256)]
    public void Compress_BytePlanes_EqualsTheCompressionOfTheDoubleColumns(int n, int levels)
    {
        Dataset bytes = Dataset.FromBytePlanes(RandomPlanes(3, n, levels, (ulong)n));
        Dataset doubles = BytePlaneKernelTests.DoubleColumns(bytes);
        Dataset a = bytes.Compress(), b = doubles.Compress();
        Assert.True(a.HasBytePlanes);
        Assert.Equal((b.Count, b.PointCount, b.TotalWeight), (a.Count, a.PointCount, a.TotalWeight));
        Assert.Equal(b.SourceRows.ToArray(), a.SourceRows.ToArray());
        Assert.Equal(b.PointWeights.ToArray(), a.PointWeights.ToArray());
        for (int j = 0; j < 3; j++) Assert.Equal(b.Column(j).ToArray(), a.Column(j).ToArray());
        // Compressing again (a compressed view of a compressed view) agrees too.
        Dataset aa = a.Compress(), bb = b.Compress();
        Assert.Equal(bb.SourceRows.ToArray(), aa.SourceRows.ToArray());
        Assert.Equal(bb.PointWeights.ToArray(), aa.PointWeights.ToArray());
    }

    [Fact]
    public void ToDataset_8Bit_SharesTheImagePlanes_16BitGivesDoubles()
    {
        byte[] r = [1, 2, 3, 4, 5, 6], g = [7, 8, 9, 10, 11, 12], b = [255, 0, 128, 64, 32, 16];
        Dataset data = RgbImage.FromRgb8(3, 2, r, g, b).ToDataset();
        Assert.True(data.HasBytePlanes);
        var planes = Assert.IsType<BytePlaneStorage>(data.Storage).Planes;
        Assert.Same(r, planes[0]);
        Assert.Same(g, planes[1]);
        Assert.Same(b, planes[2]);
        Assert.Equal(255.0, data.PlaneScale);

        Dataset wide = RgbImage.FromRgb16(1, 1, [65535], [0], [257]).ToDataset();
        Assert.False(wide.HasBytePlanes);
        Assert.Equal([1.0, 0.0, 257 / 65535.0], [wide[0, 0], wide[0, 1], wide[0, 2]]);
    }

    [Fact]
    public void Initialisation_BytePlanes_DrawsTheSameRowsAsDoubleColumns()
    {
        Dataset bytes = Dataset.FromBytePlanes(RandomPlanes(3, 3000, 5, 9));
        Dataset doubles = BytePlaneKernelTests.DoubleColumns(bytes);
        Assert.Equal(Initializers.RandomRows(doubles, 4, new RandomStream(3)), Initializers.RandomRows(bytes, 4, new RandomStream(3)));
        Assert.Equal(Initializers.KMeansPlusPlusRows(doubles, 4, new RandomStream(3)), Initializers.KMeansPlusPlusRows(bytes, 4, new RandomStream(3)));
    }
}
