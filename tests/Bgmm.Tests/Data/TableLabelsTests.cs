using System.Text;
using Bgmm.Data;
using static Bgmm.Tests.Data.TableTestData;

namespace Bgmm.Tests.Data;

/// <summary>
/// <see cref="TableLabels"/>: the labels written block by block are those <see cref="GaussianMixture.Predict(Dataset, int)"/>
/// gives for all the rows at once, one per line, in row order, whether the rows are loaded or streamed.
/// </summary>
public class TableLabelsTests
{
    [Theory]
    [InlineData(0L, 1)]
    [InlineData(0L, 2)]
    [InlineData(long.MaxValue, 2)]
    public void Labels_AreThoseOfAllTheRowsAtOnce_OnePerLine(long budget, int threads)
    {
        double[][][] parts = [Columns(2 * Chunk + 11, seed: 1), Columns(300, seed: 2), Columns(Chunk, seed: 3)];
        Dataset all = Dataset.FromColumns(Concatenate(parts));
        GaussianMixture mixture = MapEmFitter.Fit(all, null, new FitOptions(3) { MaxIterations = 5, Seed = 1 }).Mixture;
        IChunkedTable[] tables = [.. parts.Select(p => new InMemoryTable(p))];
        using TableSource source = TableSource.Open(tables, budget, threads);
        var output = new MemoryStream();
        TableLabels.Write(source, mixture, output);

        int[] expected = mixture.Predict(all, threads: 1);
        Assert.Equal(string.Concat(expected.Select(l => $"{l}\n")), Encoding.ASCII.GetString(output.ToArray()));
        Assert.Equal(3, expected.Distinct().Count());
    }

    [Fact]
    public void Labels_OfTables_AreReadInBlocksOfTheBudget()
    {
        double[][] columns = Columns(5 * Chunk + 1, seed: 4);
        GaussianMixture mixture = MapEmFitter.Fit(Dataset.FromColumns(columns), null, new FitOptions(3) { MaxIterations = 5 }).Mixture;
        var table = new WatchedTable(new InMemoryTable(columns));
        var output = new MemoryStream();
        // Two blocks of two chunks of 3 columns in a quarter of the budget: 5 chunks and a row make three blocks.
        long budget = 4L * 2 * (2 * Chunk) * 3 * sizeof(double);
        Assert.Equal(2 * Chunk, TableSource.StreamedBlockRows(budget, 3));
        TableLabels.Write([table], mixture, output, budget);
        Assert.Equal(3, table.Reads);
        Assert.Equal(string.Concat(mixture.Predict(Dataset.FromColumns(columns)).Select(l => $"{l}\n")), Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public void Labels_RefuseAMixtureOfAnotherDimension()
    {
        using TableSource source = TableSource.Open([new InMemoryTable(Columns(10, seed: 5))], 0);
        var mixture = new GaussianMixture([1.0], [[0.0, 0.0]], [new double[,] { { 1, 0 }, { 0, 1 } }]);
        var e = Assert.Throws<ModelInputException>(() => TableLabels.Write(source, mixture, new MemoryStream()));
        Assert.Equal("the mixture has D = 2 but the data has D = 3.", e.Message);
    }
}
