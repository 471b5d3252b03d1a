using Bgmm.Data;
using Bgmm.Numerics;

namespace Bgmm.Tests.Data;

/// <summary>Clustered rows for the table tests, and tables that count, cancel or fail their reads.</summary>
internal static class TableTestData
{
    public const int Chunk = StatisticsAccumulator.ChunkRows;

    /// <summary>
    /// <paramref name="n"/> rows of D = 3 around three centres, with full-precision values (so that a
    /// change in summation order shows in the last bits).
    /// </summary>
    public static double[][] Columns(int n, ulong seed)
    {
        var rng = new RandomStream(seed);
        double[][] columns = [new double[n], new double[n], new double[n]];
        for (int i = 0; i < n; i++)
        {
            int c = (int)rng.NextInt64(3);
            for (int j = 0; j < 3; j++) columns[j][i] = 3.0 * c * (j == c ? -1 : 1) + rng.NextGaussian() * (0.5 + 0.25 * j);
        }
        return columns;
    }

    /// <summary>Rows [start, start + count) of the columns.</summary>
    public static double[][] Slice(double[][] columns, int start, int count) =>
        [.. columns.Select(c => c.AsSpan(start, count).ToArray())];

    /// <summary>The columns one after another.</summary>
    public static double[][] Concatenate(IEnumerable<double[][]> parts)
    {
        double[][][] list = [.. parts];
        return [.. Enumerable.Range(0, list[0].Length).Select(j => list.SelectMany(p => p[j]).ToArray())];
    }

    /// <summary>A C-order float64 .npy file of the columns.</summary>
    public static byte[] Npy(double[][] columns) => NpyTestFile.Write(columns[0].Length, columns.Length, (i, j) => columns[j][i]);
}

/// <summary>A table over another that counts its reads and can act before any of them.</summary>
internal sealed class WatchedTable(IChunkedTable inner) : IChunkedTable
{
    public int Reads { get; private set; }

    /// <summary>Called with the number of the read about to happen (1, 2, …).</summary>
    public Action<int>? BeforeRead { get; set; }

    public string Name => inner.Name;

    public long RowCount => inner.RowCount;

    public int ColumnCount => inner.ColumnCount;

    public IReadOnlyList<string> ColumnNames => inner.ColumnNames;

    public int PreferredChunkRows => inner.PreferredChunkRows;

    public void ReadChunk(long firstRow, int rowCount, double[][] columns)
    {
        Reads++;
        BeforeRead?.Invoke(Reads);
        inner.ReadChunk(firstRow, rowCount, columns);
    }

    public void Dispose() => inner.Dispose();
}
