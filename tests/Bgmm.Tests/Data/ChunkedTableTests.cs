using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Data.Parquet;
using Bgmm.Numerics;
using Bgmm.Tests.Imaging.Streaming;
using Parquet;
using Parquet.Schema;

namespace Bgmm.Tests.Data;

/// <summary>
/// The IChunkedTable contract, held by every implementation over the same numbers: the same N, D
/// and values bit for bit, in file order, for any chunking, read again and again; and the
/// in-memory table's own checks.
/// </summary>
public class ChunkedTableTests
{
    private const int N = 1003, D = 4;

    /// <summary>Values with full 53-bit mantissas and a wide range of exponents.</summary>
    private static double[][] Columns()
    {
        var random = new RandomStream(81);
        var columns = new double[D][];
        for (int j = 0; j < D; j++)
        {
            columns[j] = new double[N];
            for (int i = 0; i < N; i++) columns[j][i] = (random.NextDouble() - 0.5) * Math.Pow(10, j * 3 - 4);
        }
        return columns;
    }

    private static byte[] ParquetFile(double[][] columns, int rowsPerGroup)
    {
        DataField[] fields = [.. Enumerable.Range(0, D).Select(j => new DataField<double>($"c{j}"))];
        var output = new MemoryStream();
        ParquetWriter writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), output).GetAwaiter().GetResult();
        for (int first = 0; first < N; first += rowsPerGroup)
        {
            int rows = Math.Min(rowsPerGroup, N - first);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            for (int j = 0; j < D; j++) group.WriteAsync(fields[j], (ReadOnlyMemory<double>)columns[j].AsMemory(first, rows)).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return output.ToArray();
    }

    [Fact]
    public void EveryImplementation_GivesTheSameValuesForAnyChunking()
    {
        double[][] columns = Columns();
        using var cOrder = new TempFile(NpyTestFile.Write(N, D, (i, j) => columns[j][i]), ".npy");
        using var fortran = new TempFile(NpyTestFile.Write(N, D, (i, j) => columns[j][i], fortranOrder: true), ".npy");
        using var parquet = new TempFile(ParquetFile(columns, rowsPerGroup: 97), ".parquet");
        IChunkedTable[] tables = [new InMemoryTable(columns), NpyReader.Open(cOrder.Path), NpyReader.Open(fortran.Path), ParquetColumnReader.Open(parquet.Path)];
        var random = new RandomStream(82);
        try
        {
            foreach (IChunkedTable table in tables)
            {
                Assert.Equal((N, D), (table.RowCount, table.ColumnCount));
                Assert.Equal(D, table.ColumnNames.Count);
                Assert.InRange(table.PreferredChunkRows, 1, N);
                for (int pass = 0; pass < 3; pass++)
                {
                    double[][] read = NpyReaderTests.ReadInRandomChunks(table, random);
                    for (int j = 0; j < D; j++) Assert.Equal(columns[j], read[j]);
                }
                double[][] all = ChunkedTable.ReadAll(table);
                for (int j = 0; j < D; j++) Assert.Equal(columns[j], all[j]);
            }
        }
        finally
        {
            foreach (IChunkedTable table in tables) table.Dispose();
        }
    }

    [Fact]
    public void ReadChunk_WritesOnlyTheRowsAskedFor()
    {
        double[][] columns = Columns();
        using var table = new InMemoryTable(columns);
        double[][] target = [.. Enumerable.Range(0, D).Select(_ => Enumerable.Repeat(-7.0, 20).ToArray())];

        table.ReadChunk(500, 12, target);

        for (int j = 0; j < D; j++)
        {
            Assert.Equal(columns[j].AsSpan(500, 12).ToArray(), target[j][..12]);
            Assert.All(target[j][12..], v => Assert.Equal(-7.0, v));
        }
    }

    [Fact]
    public void InMemoryTable_RefusesRaggedEmptyOrNonFiniteColumns()
    {
        Assert.Throws<ArgumentException>(() => new InMemoryTable([]));
        Assert.Throws<ArgumentException>(() => new InMemoryTable([[]]));
        Assert.Throws<ArgumentException>(() => new InMemoryTable([[1, 2], [3]]));
        Assert.Throws<ArgumentException>(() => new InMemoryTable([[1, 2]], ["a", "b"]));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new InMemoryTable([[1, 2], [3, double.NaN]]));
        Assert.Contains("row 2, column 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["column 1", "column 2"], new InMemoryTable([[1], [2]]).ColumnNames);
    }
}
