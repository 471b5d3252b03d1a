using System.Globalization;
using Bgmm.Data;
using Bgmm.Data.Parquet;
using Bgmm.Numerics;
using Bgmm.Tests.Imaging.Streaming;
using Parquet;
using Parquet.Schema;

namespace Bgmm.Tests.Data;

/// <summary>
/// ParquetColumnReader reads files written here with Parquet.Net: every numeric type converted as
/// documented, columns chosen by name, chunks that split row groups anywhere, one decoded row
/// group held at a time, and clear refusals of nulls, NaN, unknown or non-numeric columns and
/// files that are not Parquet.
/// </summary>
public class ParquetColumnReaderTests
{
    /// <summary>A column to write: its field and the values of each row group.</summary>
    internal sealed record Column(DataField Field, Func<int, Array> Values);

    /// <summary>Writes row groups of the given sizes; <c>Values(rows)</c> gives a column's values for a group, in order.</summary>
    internal static byte[] WriteParquet(int[] groupSizes, params Column[] columns)
    {
        var output = new MemoryStream();
        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field));
        ParquetWriter writer = ParquetWriter.CreateAsync(schema, output).GetAwaiter().GetResult();
        foreach (int rows in groupSizes)
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            foreach (Column column in columns) WriteColumn(group, column.Field, column.Values(rows));
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static void WriteColumn(ParquetRowGroupWriter group, DataField field, Array values)
    {
        // By the array's exact type: the runtime lets a ulong[] pass for a long[] and back.
        Type type = values.GetType();
        Task task = type == typeof(double[]) ? group.WriteAsync(field, (ReadOnlyMemory<double>)(double[])values)
            : type == typeof(double?[]) ? group.WriteAsync(field, (ReadOnlyMemory<double?>)(double?[])values)
            : type == typeof(float[]) ? group.WriteAsync(field, (ReadOnlyMemory<float>)(float[])values)
            : type == typeof(int[]) ? group.WriteAsync(field, (ReadOnlyMemory<int>)(int[])values)
            : type == typeof(long[]) ? group.WriteAsync(field, (ReadOnlyMemory<long>)(long[])values)
            : type == typeof(ulong[]) ? group.WriteAsync(field, (ReadOnlyMemory<ulong>)(ulong[])values)
            : type == typeof(short[]) ? group.WriteAsync(field, (ReadOnlyMemory<short>)(short[])values)
            : type == typeof(byte[]) ? group.WriteAsync(field, (ReadOnlyMemory<byte>)(byte[])values)
            : type == typeof(decimal[]) ? group.WriteAsync(field, (ReadOnlyMemory<decimal>)(decimal[])values)
            : type == typeof(bool[]) ? group.WriteAsync(field, (ReadOnlyMemory<bool>)(bool[])values)
            : type == typeof(string[]) ? group.WriteAsync(field, (string[])values)
            : throw new ArgumentException($"no writer for {type}");
        task.GetAwaiter().GetResult();
    }

    /// <summary>A counter shared by a column's groups, so that values run on across row groups.</summary>
    internal static Func<int, Array> Sequence<T>(Func<int, T> value)
    {
        int next = 0;
        return rows =>
        {
            var values = new T[rows];
            for (int i = 0; i < rows; i++) values[i] = value(next++);
            return values;
        };
    }

    private static double X(int row) => row * 0.75 - 3.0 / (row + 1);

    private static byte[] MixedFile(int[] groups) => WriteParquet(groups,
        new Column(new DataField<double>("x"), Sequence(X)),
        new Column(new DataField<string>("label"), Sequence(r => $"row {r}")),
        new Column(new DataField<float>("y"), Sequence(r => (float)(r / 7.0))),
        new Column(new DataField<int>("count"), Sequence(r => r * 1000 - 5)),
        new Column(new DataField<bool>("flag"), Sequence(r => r % 2 == 0)));

    [Fact]
    public void ListColumns_GivesEveryColumnWithItsTypeAndWhetherItIsNumeric()
    {
        using var file = new TempFile(MixedFile([3]), ".parquet");

        IReadOnlyList<ParquetColumn> columns = ParquetColumnReader.ListColumns(file.Path);

        Assert.Equal(
            [new("x", "double", true, false), new("label", "string", false, true), new("y", "float", true, false), new("count", "int32", true, false), new("flag", "boolean", false, false)],
            columns);
    }

    [Fact]
    public void ChunksSplittingRowGroupsAnywhere_GiveTheRowsInFileOrder()
    {
        int[] groups = [7, 1, 13, 40, 5];
        using var file = new TempFile(MixedFile(groups), ".parquet");
        int n = groups.Sum();
        var random = new RandomStream(71);

        using ParquetColumnReader reader = ParquetColumnReader.Open(file.Path, ["count", "x", "y"]);

        Assert.Equal((n, 3, 5), (reader.RowCount, reader.ColumnCount, reader.RowGroupCount));
        Assert.Equal(["count", "x", "y"], reader.ColumnNames);
        Assert.Equal(40, reader.PreferredChunkRows);
        for (int pass = 0; pass < 5; pass++)
        {
            double[][] read = NpyReaderTests.ReadInRandomChunks(reader, random);
            for (int r = 0; r < n; r++)
            {
                Assert.Equal(r * 1000 - 5, read[0][r]);
                Assert.Equal(X(r), read[1][r]);
                Assert.Equal((double)(float)(r / 7.0), read[2][r]); // float widened exactly
            }
        }
    }

    [Fact]
    public void NoColumnsNamed_SelectsEveryNumericColumnInFileOrder()
    {
        using var file = new TempFile(MixedFile([4, 4]), ".parquet");

        using ParquetColumnReader reader = ParquetColumnReader.Open(file.Path);

        Assert.Equal(["x", "y", "count"], reader.ColumnNames);
        double[][] all = ChunkedTable.ReadAll(reader);
        Assert.Equal(Enumerable.Range(0, 8).Select(X), all[0]);
    }

    [Fact]
    public void IntegersAndDecimals_BecomeTheNearestDouble_AsTheirDecimalTextWould()
    {
        decimal[] decimals = [0.1m, 1.00000000000000000001m, -123456789012345678.12345678901234567891m, 3.14159265358979323846m];
        long[] longs = [long.MinValue, long.MaxValue, (1L << 53) + 1, -(1L << 53) - 3];
        ulong[] ulongs = [ulong.MaxValue, (1UL << 63) + 1025, (1UL << 53) + 1, 0];
        using var file = new TempFile(WriteParquet([4],
            new Column(new DecimalDataField("m", 38, 20), _ => decimals),
            new Column(new DataField<long>("l"), _ => longs),
            new Column(new DataField<ulong>("u"), _ => ulongs),
            new Column(new DataField<short>("s"), _ => new short[] { short.MinValue, -1, 0, short.MaxValue }),
            new Column(new DataField<byte>("b"), _ => new byte[] { 0, 1, 128, 255 })), ".parquet");

        using ParquetColumnReader reader = ParquetColumnReader.Open(file.Path);
        double[][] all = ChunkedTable.ReadAll(reader);

        static double Parse(object v) => double.Parse(Convert.ToString(v, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture);
        Assert.Equal(decimals.Select(v => Parse(v)), all[0]);
        Assert.Equal(longs.Select(v => Parse(v)), all[1]);
        Assert.Equal(ulongs.Select(v => Parse(v)), all[2]);
        Assert.Equal([-32768.0, -1, 0, 32767], all[3]);
        Assert.Equal([0.0, 1, 128, 255], all[4]);
    }

    [Fact]
    public void NullsAndNaN_AreRefusedByTheReadThatMeetsThem_NamingRowAndColumn()
    {
        using var file = new TempFile(WriteParquet([5, 5],
            new Column(new DataField<double?>("a"), Sequence<double?>(r => r == 7 ? null : r)),
            new Column(new DataField<double>("b"), Sequence(r => r == 3 ? double.NaN : r))), ".parquet");
        double[][] columns = [new double[10], new double[10]];

        using ParquetColumnReader onlyA = ParquetColumnReader.Open(file.Path, ["a"]);
        onlyA.ReadChunk(0, 5, columns); // the first row group has no null
        DataFileException missing = Assert.Throws<DataFileException>(() => onlyA.ReadChunk(5, 5, columns));
        using ParquetColumnReader both = ParquetColumnReader.Open(file.Path);
        DataFileException nan = Assert.Throws<DataFileException>(() => both.ReadChunk(0, 2, columns));

        Assert.Equal($"{file.Path}, row 8, column 'a': the value is missing (null), not a finite number; remove or impute missing values.", missing.Message);
        Assert.Equal($"{file.Path}, row 4, column 'b': the value is NaN, not a finite number; remove or impute missing and infinite values.", nan.Message);
    }

    [Fact]
    public void BadColumnChoices_AreRefusedListingTheNumericColumns()
    {
        using var file = new TempFile(MixedFile([2]), ".parquet");

        string Fails(params string[] names) => Assert.Throws<DataFileException>(() => ParquetColumnReader.Open(file.Path, names)).Message;

        Assert.Equal($"{file.Path}: there is no column 'z'; the numeric columns are 'x', 'y', 'count'.", Fails("x", "z"));
        Assert.Contains("did you mean 'count'?", Fails("Count"), StringComparison.Ordinal);
        Assert.Contains("column 'label' holds string values, not numbers", Fails("label"), StringComparison.Ordinal);
        Assert.Contains("column 'x' is asked for twice", Fails("x", "y", "x"), StringComparison.Ordinal);
        using var textOnly = new TempFile(WriteParquet([2], new Column(new DataField<string>("name"), Sequence(r => "a"))), ".parquet");
        Assert.Contains("no numeric column (its columns: name (string))", Assert.Throws<DataFileException>(() => ParquetColumnReader.Open(textOnly.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesThatAreNotParquet_AreRefused()
    {
        byte[] parquet = MixedFile([3]);
        using var csv = new TempFile("x,y\n1,2\n"u8.ToArray(), ".parquet");
        using var cut = new TempFile(parquet[..^10], ".parquet");
        using var empty = new TempFile([], ".parquet");

        foreach (string path in new[] { csv.Path, cut.Path, empty.Path })
        {
            DataFileException ex = Assert.Throws<DataFileException>(() => ParquetColumnReader.Open(path));
            Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    [Fact]
    public void ReadingInOrder_DecodesEachRowGroupOnce_AndHoldsOneAtATime()
    {
        // 12 row groups of 20 000 rows × 3 doubles: 480 kB decoded per group, 5.8 MB in all.
        int[] groups = [.. Enumerable.Repeat(20_000, 12)];
        using var file = new TempFile(WriteParquet(groups,
            new Column(new DataField<double>("a"), Sequence(r => r * 0.5)),
            new Column(new DataField<double>("b"), Sequence(r => -r * 0.25)),
            new Column(new DataField<double>("c"), Sequence(r => (double)(r % 97)))), ".parquet");
        using ParquetColumnReader reader = ParquetColumnReader.Open(file.Path);
        double[][] chunk = [new double[7000], new double[7000], new double[7000]];

        long peak = 0;
        for (long first = 0; first < reader.RowCount; first += 7000)
        {
            int count = (int)Math.Min(7000, reader.RowCount - first);
            reader.ReadChunk(first, count, chunk);
            Assert.Equal((first + count - 1) * 0.5, chunk[0][count - 1]);
            peak = Math.Max(peak, reader.ValuesHeld);
        }

        Assert.Equal(12, reader.GroupsDecoded); // chunks crossing a boundary did not decode a group twice
        // Held: one decoded group (3 × 20 000 values), never the file's 12 groups. (Counted by the reader
        // itself: process-wide memory would count the other tests running in parallel.)
        Assert.True(peak <= 3 * 20_000, $"{peak:N0} values held after a read");
    }
}
