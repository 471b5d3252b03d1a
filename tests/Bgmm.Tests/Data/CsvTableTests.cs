using System.Globalization;
using System.Text;
using Bgmm.Data;
using Bgmm.Numerics;
using Bgmm.Tests.Imaging.Streaming;
using Bgmm.Tests.Reliability;

namespace Bgmm.Tests.Data;

/// <summary>
/// <see cref="CsvTable"/>: the command line's CSV rules and messages (checked against the command line's
/// former reader, kept as <see cref="ReferenceCsvReader"/>, on hand-written and mutated files), held in memory or converted to a
/// temporary .npy that is never left behind.
/// </summary>
public class CsvTableTests
{
    public static TheoryData<string> Files => new()
    {
        "x,y,z\n1.5,2,3e-2\n-4,5.25,6\n\"7\",8,9\n1e3,-0.5,2\n",
        "1;2\n3;4\r\n\r\n  5 ; 6  \n",
        "\uFEFFa\tb\n1\t2\n",
        "\"a \"\"b\"\"\",c\n\" 1 \",2\n",
        "1,2\n3\n", "1,2\n3,\n", "1,2\n3,abc\n", "1,2\n3,\"4\n", "1,2\n3,NaN\n", "1,2\n-inf,2\n", "1,2\n1e999,2\n",
        "1,2\n3,4,5\n", "", "\n \n", "x,y\n", "1,2\n3,4 5\n", "1,2\n3,\"4\"5\n", "  \"1\" , 2\n",
        "1,2\n3,0x10\n", "1,2\n3,1,5\n", "1,2\n3,+Infinity\n", "1,2\n3,∞\n", "a;b,c\n1;2,3\n",
        "1,2\n" + new string('9', 50) + "x,1\n",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryFile_ReadsAsTheCommandLineReadsIt(string text) => AssertSameAsCommandLine(text);

    [Fact]
    public void MutatedFiles_ReadAsTheCommandLineReadsThem()
    {
        byte[] valid = Encoding.UTF8.GetBytes("x;y;z\n1.5;2;3e-2\n-4;\"5.25\";6\n7;8;9\n1e3;-0.5;2\n\n0;0;0\n");
        var rng = new RandomStream(2024);
        for (int i = 0; i < 400; i++) AssertSameAsCommandLine(Encoding.UTF8.GetString(FuzzTests.Mutate(valid, rng)));
    }

    [Fact]
    public void ALargeFile_IsConvertedToATemporaryNpy_ThatIsNeverLeftBehind()
    {
        double[][] columns = TableTestData.Columns(5000, seed: 1);
        string text = "a,b,c\n" + string.Concat(Enumerable.Range(0, 5000).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{columns[0][i]:R},{columns[1][i]:R},{columns[2][i]:R}\n")));
        string folder = Directory.CreateTempSubdirectory("bgmm-csv-").FullName;
        try
        {
            // The values of 100 rows fit (8 bytes per value and per row); 5000 do not.
            using (CsvTable table = CsvTable.Read(new StringReader(text), "big.csv", TableSource.LoadedBytes(100, 3), folder))
            {
                Assert.True(table.IsConverted);
                Assert.Equal((5000L, 3), (table.RowCount, table.ColumnCount));
                Assert.Equal(["a", "b", "c"], table.ColumnNames);
                double[][] read = ChunkedTable.ReadAll(table);
                for (int j = 0; j < 3; j++) Assert.Equal(columns[j], read[j]);
                if (!OperatingSystem.IsWindows()) Assert.Empty(Directory.GetFiles(folder));
            }
            Assert.Empty(Directory.GetFiles(folder));

            using CsvTable small = CsvTable.Read(new StringReader(text), "big.csv", TableSource.LoadedBytes(5000, 3), folder);
            Assert.False(small.IsConverted);
            double[][] held = ChunkedTable.ReadAll(small);
            for (int j = 0; j < 3; j++) Assert.Equal(columns[j], held[j]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AConvertedFile_IsFittedAsTheFileInMemory()
    {
        double[][] columns = TableTestData.Columns(3 * TableTestData.Chunk + 5, seed: 2);
        string text = string.Concat(Enumerable.Range(0, columns[0].Length).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{columns[0][i]:R},{columns[1][i]:R},{columns[2][i]:R}\n")));
        using var file = new TempFile(Encoding.UTF8.GetBytes(text), ".csv");
        using CsvTable converted = CsvTable.Open(file.Path, memoryBudget: 0);
        using CsvTable held = CsvTable.Open(file.Path, long.MaxValue);
        Assert.True(converted.IsConverted);
        FitOptions options = TableSourceTests.Options("kmeans++");
        FitResult expected = MapEmFitter.Fit(Dataset.FromColumns(columns), null, options);
        Support.FitAssert.BitIdentical(expected, TableFitter.Fit([converted], null, options, 0));
        Support.FitAssert.BitIdentical(expected, TableFitter.Fit([held], null, options, long.MaxValue));
    }

    [Fact]
    public void Cancellation_StopsTheReading_AndDeletesTheTemporaryFile()
    {
        string text = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"{i},{i % 7}\n"));
        string folder = Directory.CreateTempSubdirectory("bgmm-csv-").FullName;
        try
        {
            using var cancel = new CancellationTokenSource();
            var reader = new CancellingReader(new StringReader(text), afterLines: 30_000, cancel);
            Assert.ThrowsAny<OperationCanceledException>(() => CsvTable.Read(reader, "big.csv", 0, folder, cancel.Token));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Open_NamesTheFileAsTheCommandLineDoes()
    {
        using var empty = new TempFile([], ".csv");
        var e = Assert.Throws<DataFileException>(() => CsvTable.Open(empty.Path, 0));
        Assert.Equal($"{Path.GetFileName(empty.Path)}: the file is empty; give one point per row, numbers separated by commas.", e.Message);
        string missing = Path.Combine(Path.GetTempPath(), $"bgmm-missing-{Guid.NewGuid():N}.csv");
        e = Assert.Throws<DataFileException>(() => CsvTable.Open(missing, 0));
        Assert.Equal($"{missing}: cannot read the file (file not found); check the path and permissions.", e.Message);
    }

    /// <summary>Both readers accept the text with the same values and header, or refuse it with the same message.</summary>
    private static void AssertSameAsCommandLine(string text)
    {
        ReferenceCsvReader.Table? expected = null;
        string? expectedError = null;
        try
        {
            expected = ReferenceCsvReader.Read(new StringReader(text), "t.csv");
        }
        catch (ReferenceCsvError e)
        {
            expectedError = e.Message;
        }
        foreach (long budget in new[] { long.MaxValue, 0L })
        {
            if (expectedError is not null)
            {
                var e = Assert.Throws<DataFileException>(() => CsvTable.Read(new StringReader(text), "t.csv", budget));
                Assert.Equal(expectedError, e.Message);
                continue;
            }
            using CsvTable table = CsvTable.Read(new StringReader(text), "t.csv", budget);
            Assert.Equal(budget == 0, table.IsConverted);
            Assert.Equal(expected!.Header, table.Header);
            double[][] read = ChunkedTable.ReadAll(table);
            Assert.Equal(expected.Columns.Length, read.Length);
            for (int j = 0; j < read.Length; j++) Assert.Equal(expected.Columns[j].Select(BitConverter.DoubleToInt64Bits), read[j].Select(BitConverter.DoubleToInt64Bits));
        }
    }

    /// <summary>Cancels the token when the given line is read.</summary>
    private sealed class CancellingReader(TextReader inner, int afterLines, CancellationTokenSource cancel) : TextReader
    {
        private int _lines;

        public override string? ReadLine()
        {
            if (++_lines == afterLines) cancel.Cancel();
            return inner.ReadLine();
        }
    }
}
