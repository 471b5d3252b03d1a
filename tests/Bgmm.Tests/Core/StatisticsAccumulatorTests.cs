using Bgmm.Numerics;

namespace Bgmm.Tests.Core;

/// <summary>
/// The accumulator every source of independent points folds its blocks with: the statistics depend on
/// the rows alone, not on how they are cut into blocks (of whole chunks) nor on the thread count.
/// </summary>
public class StatisticsAccumulatorTests
{
    private const int Chunk = StatisticsAccumulator.ChunkRows;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Blocks_OfWholeChunks_GiveTheOneBlockStatisticsBitForBit(int threads)
    {
        (Dataset data, GaussianMixture mixture) = Data(5 * Chunk + 123, seed: 1);
        MixtureStatistics whole = MixtureStatistics.Compute(data, mixture, threads: 1);
        using var accumulator = new StatisticsAccumulator(3, 2, threads);
        foreach (int[] cuts in new[] { new[] { Chunk, 4 * Chunk }, new[] { 2 * Chunk, Chunk, Chunk, Chunk }, new[] { 5 * Chunk } })
        {
            accumulator.Begin(mixture);
            int start = 0;
            foreach (int cut in cuts.Append(data.Count - cuts.Sum()))
            {
                accumulator.Add(Slice(data, start, cut));
                start += cut;
            }
            Assert.Equal(whole.Raw.ToArray(), accumulator.Statistics.Raw.ToArray());
        }
    }

    [Fact]
    public void ABlockEndingInsideAChunk_MustBeTheLast()
    {
        (Dataset data, GaussianMixture mixture) = Data(3 * Chunk, seed: 2);
        using var accumulator = new StatisticsAccumulator(3, 2, threads: 1);
        accumulator.Begin(mixture);
        accumulator.Add(Slice(data, 0, Chunk + 5));
        Assert.Throws<InvalidOperationException>(() => accumulator.Add(Slice(data, Chunk + 5, 10)));
        accumulator.Begin(mixture);
        accumulator.Add(Slice(data, 0, Chunk));
    }

    [Fact]
    public void ARowOutOfRange_IsNamedByItsRowInThePass_NotInItsBlock()
    {
        (Dataset data, GaussianMixture mixture) = Data(2 * Chunk, seed: 3);
        double[][] columns = [.. Enumerable.Range(0, 2).Select(j => data.Column(j).ToArray())];
        columns[0][Chunk + 7] = 1e200;
        var far = Dataset.WrapColumns(columns);
        using var accumulator = new StatisticsAccumulator(3, 2, threads: 2);
        accumulator.Begin(mixture);
        accumulator.Add(Slice(far, 0, Chunk));
        var e = Assert.Throws<ModelInputException>(() => accumulator.Add(Slice(far, Chunk, Chunk)));
        Assert.Contains($"row {Chunk + 8} ", e.Message);
    }

    private static Dataset Slice(Dataset data, int start, int count) =>
        Dataset.WrapColumns([.. Enumerable.Range(0, data.Dimension).Select(j => data.Column(j).Slice(start, count).ToArray())]);

    private static (Dataset, GaussianMixture) Data(int n, ulong seed)
    {
        var rng = new RandomStream(seed);
        double[][] rows = [.. Enumerable.Range(0, n).Select(i => new[] { (i % 3) + 0.5 * rng.NextGaussian(), -(i % 3) + 0.5 * rng.NextGaussian() })];
        Dataset data = Dataset.FromRows(rows);
        return (data, MapEmFitter.Fit(data, null, new FitOptions(3) { MaxIterations = 3, Tolerance = 0, Seed = seed }).Mixture);
    }
}
