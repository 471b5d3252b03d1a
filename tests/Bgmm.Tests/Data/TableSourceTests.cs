using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Tests.Imaging.Streaming;
using Bgmm.Tests.Support;
using static Bgmm.Tests.Data.TableTestData;

namespace Bgmm.Tests.Data;

/// <summary>
/// <see cref="TableSource"/> and <see cref="TableFitter"/>: one part is fitted bit for bit as
/// <see cref="MapEmFitter.Fit"/> fits a dataset of its rows; several parts follow the fixed reduction
/// tree (each part folded in order, the parts merged in order); loading and streaming (any block size,
/// any thread count) give the same fit; the initial mixtures are those of the concatenated rows.
/// </summary>
public class TableSourceTests
{
    /// <summary>Three blocks of a chunk and a ragged last block when streamed with the smallest blocks.</summary>
    private const int N = 3 * Chunk + 123;

    public static TheoryData<string, long, int> OnePartCases => new()
    {
        { "random", long.MaxValue, 2 }, { "random", 0, 2 }, { "random", 0, 1 },
        { "kmeans++", long.MaxValue, 1 }, { "kmeans++", 0, 2 },
    };

    [Theory]
    [MemberData(nameof(OnePartCases))]
    public void OnePart_GivesTheInMemoryFitBitForBit(string initialization, long budget, int threads)
    {
        double[][] columns = Columns(N, seed: 1);
        using var file = new TempFile(Npy(columns), ".npy");
        using NpyReader table = NpyReader.Open(file.Path);
        FitOptions options = Options(initialization) with { Threads = threads };

        FitResult expected = MapEmFitter.Fit(Dataset.FromColumns(columns), null, options);
        FitResult actual = TableFitter.Fit([table], null, options, budget);
        FitAssert.BitIdentical(expected, actual);
    }

    [Fact]
    public void Budget_DecidesBetweenLoadingAndStreaming()
    {
        double[][] columns = Columns(N, seed: 2);
        using var table = new InMemoryTable(columns);
        long loaded = TableSource.LoadedBytes(N, 3);
        Assert.Equal(N * 8L * 4, loaded);
        using (TableSource fits = TableSource.Open([table], loaded)) Assert.False(fits.IsStreamed);
        using TableSource tooSmall = TableSource.Open([table], loaded - 1);
        Assert.True(tooSmall.IsStreamed);
        Assert.Equal(Chunk, tooSmall.BlockRows);
        // Two blocks of 3 columns in a quarter of the budget, rounded down to whole chunks.
        Assert.Equal(5 * Chunk, TableSource.StreamedBlockRows(4L * 2 * 24 * (5 * Chunk + 100), 3));
        Assert.Equal(TableSource.MaxBlockRows, TableSource.StreamedBlockRows(long.MaxValue, 3));
    }

    [Fact]
    public void SeveralParts_FoldEachPartInOrderThenMergeThePartsInOrder()
    {
        int[] sizes = [2 * Chunk + 5, 777, Chunk, 3 * Chunk + 1];
        double[][][] parts = Parts(sizes, seed: 3);
        GaussianMixture mixture = MapEmFitter.Fit(Dataset.FromColumns(Concatenate(parts)), null, Options("random") with { MaxIterations = 3 }).Mixture;

        // The tree computed independently: each part as one block, merged left to right.
        using var accumulator = new StatisticsAccumulator(3, 3, threads: 1);
        MixtureStatistics? tree = null;
        foreach (double[][] part in parts)
        {
            accumulator.Begin(mixture);
            accumulator.Add(Dataset.FromColumns(part));
            tree = tree is null ? accumulator.Statistics : MixtureStatistics.Merge(tree, accumulator.Statistics);
        }

        IChunkedTable[] tables = [.. parts.Select(p => new InMemoryTable(p))];
        foreach ((long budget, int threads) in new[] { (long.MaxValue, 1), (0L, 2), (TableSource.LoadedBytes(sizes.Sum(), 3) - 1, 1) })
        {
            using TableSource source = TableSource.Open(tables, budget, threads);
            source.Start(mixture, default);
            EStepResult e = source.EStep(mixture, default);
            Assert.Equal(Bits(tree!), Bits(e.Statistics));
            Assert.Equal(BitConverter.DoubleToInt64Bits(tree!.LogLikelihood), BitConverter.DoubleToInt64Bits(e.DataTerm));
        }

        // The concatenated rows as one part fold every chunk into one running total instead: the same
        // statistics up to the rounding of the merge order (a few ulps of sums of 16 000 terms).
        using TableSource whole = TableSource.Open([new InMemoryTable(Concatenate(parts))], 0);
        whole.Start(mixture, default);
        double[] one = Values(whole.EStep(mixture, default).Statistics);
        Assert.NotEqual(Bits(tree!), Bits(whole.EStep(mixture, default).Statistics));
        Assert.True(Norms.Relative(Values(tree!), one) < 1e-12);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("kmeans++")]
    public void SeveralParts_LoadedAndStreamed_GiveTheSameFitBitForBit(string initialization)
    {
        double[][][] parts = Parts([Chunk + 17, 2 * Chunk, 905], seed: 4);
        using var a = new TempFile(Npy(parts[0]), ".npy");
        using var b = new TempFile(Npy(parts[1]), ".npy");
        using var c = new TempFile(Npy(parts[2]), ".npy");
        using NpyReader pa = NpyReader.Open(a.Path), pb = NpyReader.Open(b.Path), pc = NpyReader.Open(c.Path);
        FitOptions options = Options(initialization);
        FitResult loaded = TableFitter.Fit([pa, pb, pc], null, options with { Threads = 1 }, long.MaxValue);
        FitResult streamed = TableFitter.Fit([pa, pb, pc], null, options with { Threads = 2 }, 0);
        FitResult larger = TableFitter.Fit([pa, pb, pc], null, options, TableSource.LoadedBytes(Chunk * 4, 3) - 1);
        FitAssert.BitIdentical(loaded, streamed);
        FitAssert.BitIdentical(loaded, larger);
        Assert.Equal(Chunk * 3 + 922, streamed.Points);
    }

    [Theory]
    [InlineData("random", 0L)]
    [InlineData("random", long.MaxValue)]
    [InlineData("kmeans++", 0L)]
    [InlineData("kmeans++", long.MaxValue)]
    public void SeveralParts_StartFromTheInitialMixturesOfTheConcatenatedRows(string initialization, long budget)
    {
        double[][][] parts = Parts([Chunk + 3, 10, 2 * Chunk + 999], seed: 5);
        IChunkedTable[] tables = [.. parts.Select(p => new InMemoryTable(p))];
        Dataset concatenated = Dataset.FromColumns(Concatenate(parts));
        for (int restart = 0; restart < 3; restart++)
        {
            // With no iteration the fit's mixture is θ_0 (in canonical order), whatever the E-step's tree.
            FitOptions options = Options(initialization) with { MaxIterations = 0, Seed = 20 + (ulong)restart };
            FitAssert.Mixtures(MapEmFitter.Fit(concatenated, null, options).Mixture, TableFitter.Fit(tables, null, options, budget).Mixture);
        }
    }

    [Fact]
    public void Checks_AreThoseOfTheInMemoryFit()
    {
        double[][] columns = [[1, 1, 2, 2, 1, 2], [0, 0, 3, 3, 0, 3]];
        using var table = new InMemoryTable(columns);
        foreach (FitOptions options in new[] { new FitOptions(3), new FitOptions(7), new FitOptions(0), new FitOptions(2) { Threads = -1 } })
        {
            var expected = Assert.Throws<ModelInputException>(() => MapEmFitter.Fit(Dataset.FromColumns(columns), null, options));
            var actual = Assert.Throws<ModelInputException>(() => TableFitter.Fit([table], null, options, 0));
            Assert.Equal(expected.Message, actual.Message);
        }
        var parts = Assert.Throws<ModelInputException>(() => TableFitter.Fit([table, table], null, new FitOptions(13), long.MaxValue));
        Assert.Equal("K = 13 but the data has only 12 points: choose K ≤ 12.", parts.Message);
        using var wide = new InMemoryTable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], name: "wide.npy");
        var e = Assert.Throws<DataFileException>(() => TableSource.Open([table, wide], 0));
        Assert.Equal("wide.npy: 3 columns where (data in memory) has 2; every part of a data set must have the same columns.", e.Message);
    }

    [Fact]
    public void Cancellation_StopsAPassBetweenBlocks_AndLeavesTheSourceUsable()
    {
        double[][] columns = Columns(6 * Chunk, seed: 6);
        using var cancel = new CancellationTokenSource();
        var table = new WatchedTable(new InMemoryTable(columns));
        using TableSource source = TableSource.Open([table], 0, threads: 1);
        GaussianMixture mixture = MapEmFitter.Fit(Dataset.FromColumns(columns), null, Options("random") with { MaxIterations = 1 }).Mixture;
        source.Start(mixture, default);
        table.BeforeRead = n => { if (n == 3) cancel.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() => source.EStep(mixture, cancel.Token));
        // The reading thread stopped within a block or two of the cancellation.
        Assert.InRange(table.Reads, 3, 4);
        table.BeforeRead = null;
        Assert.Equal(Bits(MixtureStatistics.Compute(Dataset.FromColumns(columns), mixture)), Bits(source.EStep(mixture, default).Statistics));
    }

    [Fact]
    public void AFileTruncatedBetweenPasses_IsAClearDataFileError()
    {
        double[][] columns = Columns(3 * Chunk, seed: 7);
        using var file = new TempFile(Npy(columns), ".npy");
        using NpyReader table = NpyReader.Open(file.Path);
        var progress = new SyncProgress(p =>
        {
            if (p.Iteration != 2) return;
            using var stream = new FileStream(file.Path, FileMode.Open);
            stream.SetLength(stream.Length - 1000);
        });
        var e = Assert.Throws<DataFileException>(() => TableFitter.Fit([table], null, Options("random"), 0, progress));
        Assert.StartsWith($"{file.Path}: the file was changed while it was being read (its size changed)", e.Message);
    }

    [Fact]
    public void AFileRewrittenBetweenPasses_IsAClearDataFileError()
    {
        double[][] columns = Columns(3 * Chunk, seed: 8);
        using var file = new TempFile(Npy(columns), ".npy");
        using NpyReader table = NpyReader.Open(file.Path);
        DateTime written = File.GetLastWriteTimeUtc(file.Path);
        var progress = new SyncProgress(p =>
        {
            if (p.Iteration != 1) return;
            // Same size, other values: as an editor saving the file would, with a later modification time.
            File.WriteAllBytes(file.Path, Npy(Columns(3 * Chunk, seed: 9)));
            File.SetLastWriteTimeUtc(file.Path, written.AddSeconds(2));
        });
        var e = Assert.Throws<DataFileException>(() => TableFitter.Fit([table], null, Options("random"), 0, progress));
        Assert.Equal($"{file.Path}: the file was changed while it was being read (its modification time changed); do not modify a data file during a fit, and run the fit again.", e.Message);
    }

    [Fact]
    public void ADensityUnderflow_InALaterPart_IsNamedByThePartAndItsRow()
    {
        double[][] near = Columns(100, seed: 10), far = Columns(100, seed: 11);
        far[1][41] = 1e200;
        GaussianMixture mixture = MapEmFitter.Fit(Dataset.FromColumns(near), null, Options("random")).Mixture;
        using TableSource source = TableSource.Open([new InMemoryTable(near), new InMemoryTable(far, name: "far.npy")], 0);
        source.Start(mixture, default);
        var e = Assert.Throws<ModelInputException>(() => source.EStep(mixture, default));
        Assert.StartsWith("far.npy: The density of row 42 underflows to 0 under every component", e.Message);
    }

    internal static FitOptions Options(string initialization) => new(3)
    {
        MaxIterations = 8, Tolerance = 0, Restarts = 2, Seed = 3,
        Initialization = initialization == "random" ? Initialization.Random : Initialization.KMeansPlusPlus,
    };

    private static double[][][] Parts(int[] sizes, ulong seed)
    {
        double[][] all = Columns(sizes.Sum(), seed);
        int start = 0;
        var parts = new double[sizes.Length][][];
        for (int p = 0; p < sizes.Length; p++)
        {
            parts[p] = Slice(all, start, sizes[p]);
            start += sizes[p];
        }
        return parts;
    }

    private static long[] Bits(MixtureStatistics s) => [.. Values(s).Select(BitConverter.DoubleToInt64Bits)];

    private static double[] Values(MixtureStatistics s)
    {
        var values = new List<double>();
        for (int k = 0; k < s.ComponentCount; k++)
        {
            values.Add(s.Count(k));
            values.AddRange(s.Mean(k).ToArray());
            values.AddRange(s.Scatter(k).ToArray());
        }
        values.Add(s.LogLikelihood);
        return [.. values];
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
{
    public void Report(FitProgress value) => report(value);
}
