using Bgmm.Numerics;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Core;

/// <summary>
/// <see cref="MapEmFitter.FitSource"/>: a statistics source with a reader of its rows is fitted as
/// <see cref="MapEmFitter.Fit"/> fits a dataset — same checks, same initial mixtures, same result bit for
/// bit — whether the reader holds the rows in memory or not.
/// </summary>
public class FitSourceTests
{
    public static TheoryData<string, bool> Initializations => new()
    {
        { "random", true }, { "random", false }, { "kmeans++", true }, { "kmeans++", false },
    };

    [Theory]
    [MemberData(nameof(Initializations))]
    public void FitSource_OverADatasetsStatisticsAndRows_GivesTheDatasetsFitBitForBit(string initialization, bool inMemory)
    {
        (double[][] columns, double[] weights) = Data(3000, seed: 1);
        Dataset data = Dataset.FromColumns(columns, weights);
        var options = new FitOptions(4)
        {
            MaxIterations = 12, Tolerance = 0, Restarts = 3, Seed = 9,
            Initialization = initialization == "random" ? Initialization.Random : Initialization.KMeansPlusPlus,
        };
        FitResult expected = MapEmFitter.Fit(data, null, options);
        using var source = new DatasetSource(data, 4, threads: 2);
        FitResult actual = MapEmFitter.FitSource(source, new ColumnRows(columns, weights, inMemory), null, options);
        FitAssert.BitIdentical(expected, actual);
    }

    [Fact]
    public void KMeansPlusPlus_WithoutKeptDistances_ReadsTheRowsAgainForTheSameCentres()
    {
        (double[][] columns, double[] weights) = Data(5000, seed: 2);
        Dataset data = Dataset.FromColumns(columns, weights);
        var options = new FitOptions(5) { MaxIterations = 0, Initialization = Initialization.KMeansPlusPlus };
        var kept = new ColumnRows(columns, weights, inMemory: true);
        var streamed = new ColumnRows(columns, weights, inMemory: false);
        using var source = new DatasetSource(data, 5, threads: 1);
        FitAssert.Mixtures(MapEmFitter.FitSource(source, kept, null, options).Mixture, MapEmFitter.FitSource(source, streamed, null, options).Mixture);
        // The distinct-row check stops after the first block (5 distinct rows are found at once); then
        // 4 centres follow the first: one scan each with kept distances; without, a scan for the
        // distances and a second one up to the drawn row (at least its first block).
        int scan = (5000 + 4095) / 4096;
        Assert.Equal(scan * 4, kept.BlockReads - 1);
        Assert.InRange(streamed.BlockReads - 1, scan * 4 + 4, scan * 8);
    }

    [Fact]
    public void FitSource_RefusesWhatFitRefuses_WithTheSameMessages()
    {
        double[][] columns = [[1, 1, 2, 2, 1], [0, 0, 3, 3, 0]];
        Dataset data = Dataset.FromColumns(columns);
        using var source = new DatasetSource(data, 1, threads: 1);
        foreach (FitOptions options in new[] { new FitOptions(3), new FitOptions(6), new FitOptions(0), new FitOptions(2) { Threads = -1 } })
        {
            var expected = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(data, null, options));
            var actual = Assert.Throws<ModelInputException>(() => MapEmFitter.FitSource(source, new ColumnRows(columns, null, false), null, options));
            Assert.Equal(expected.Message, actual.Message);
        }
        Assert.Throws<ArgumentException>(() => MapEmFitter.FitSource(source, new ColumnRows([columns[0]], null, false), null, new FitOptions(1)));
    }

    [Fact]
    public void Cancellation_StopsTheInitialisationBetweenBlocks()
    {
        (double[][] columns, double[] weights) = Data(20_000, seed: 3);
        using var cancel = new CancellationTokenSource();
        var rows = new ColumnRows(columns, weights, inMemory: false) { OnBlockRead = n => { if (n == 6) cancel.Cancel(); } };
        using var source = new DatasetSource(Dataset.FromColumns(columns, weights), 3, threads: 1);
        var options = new FitOptions(3) { Initialization = Initialization.KMeansPlusPlus };
        Assert.ThrowsAny<OperationCanceledException>(() => MapEmFitter.FitSource(source, rows, null, options, cancellationToken: cancel.Token));
        Assert.Equal(6, rows.BlockReads);
    }

    private static (double[][] Columns, double[] Weights) Data(int n, ulong seed)
    {
        var rng = new RandomStream(seed);
        double[][] columns = [new double[n], new double[n], new double[n]];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) columns[j][i] = (i % 4) * (j + 1) + rng.NextGaussian();
            weights[i] = i % 7 == 0 ? 0 : 0.5 + rng.NextDouble();
        }
        return (columns, weights);
    }

    /// <summary>Rows held in arrays, read as a file would be (a block at a time), counting the reads of more than one row.</summary>
    private sealed class ColumnRows(double[][] columns, double[]? weights, bool inMemory) : IRowReader
    {
        public int BlockReads { get; private set; }

        public Action<int>? OnBlockRead { get; init; }

        public long RowCount => columns[0].Length;

        public int Dimension => columns.Length;

        public bool InMemory => inMemory;

        public double Weight(long row) => weights?[row] ?? 1.0;

        public void ReadRows(long firstRow, int rowCount, double[][] destination)
        {
            if (rowCount > 1)
            {
                BlockReads++;
                OnBlockRead?.Invoke(BlockReads);
            }
            for (int j = 0; j < columns.Length; j++) columns[j].AsSpan((int)firstRow, rowCount).CopyTo(destination[j]);
        }
    }
}
