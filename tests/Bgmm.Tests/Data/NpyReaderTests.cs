using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Numerics;
using Bgmm.Tests.Imaging.Streaming;

namespace Bgmm.Tests.Data;

/// <summary>
/// NpyReader reads files written by the specification (NpyTestFile) in any element type, order,
/// version and chunking, with memory bounded by its read buffer, and refuses bad files clearly.
/// </summary>
public class NpyReaderTests
{
    /// <summary>The value a file of element type <paramref name="descr"/> holds for <paramref name="v"/> (as the test writer stores it).</summary>
    private static double Stored(string descr, double v) => descr[1..] switch
    {
        "f8" => v,
        "f4" => (float)v,
        "i4" => (int)v,
        "u2" => (ushort)v,
        _ => (sbyte)v,
    };

    /// <summary>Reads the whole table in chunks whose lengths are drawn at random (1 row to all of them).</summary>
    internal static double[][] ReadInRandomChunks(IChunkedTable table, RandomStream random)
    {
        int n = (int)table.RowCount, d = table.ColumnCount;
        var result = new double[d][];
        for (int j = 0; j < d; j++) result[j] = new double[n];
        var buffer = new double[d][];
        for (int j = 0; j < d; j++) buffer[j] = new double[n];
        for (int first = 0; first < n;)
        {
            int count = 1 + (int)random.NextInt64(Math.Min(n - first, 1 + random.NextInt64(n)));
            table.ReadChunk(first, count, buffer);
            for (int j = 0; j < d; j++) buffer[j].AsSpan(0, count).CopyTo(result[j].AsSpan(first));
            first += count;
        }
        return result;
    }

    [Fact]
    public void AnyTypeOrderVersionAndChunking_GivesTheStoredValuesInFileOrder()
    {
        string[] types = ["<f8", ">f8", "<f4", ">f4", "<i4", ">u2", "|i1"];
        var random = new RandomStream(51);
        for (int trial = 0; trial < 60; trial++)
        {
            string descr = types[trial % types.Length];
            bool fortran = trial % 2 == 1;
            int version = 1 + trial % 3;
            int n = 1 + (int)random.NextInt64(200), d = 1 + (int)random.NextInt64(5);
            bool oneDimensional = d == 1 && trial % 4 == 0;
            double[,] values = new double[n, d];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++) values[i, j] = descr[1] == 'f' ? (random.NextDouble() - 0.5) * 1e6 : random.NextInt64(120);
            }
            using var file = new TempFile(NpyTestFile.Write(n, d, (i, j) => values[i, j], descr, fortran, version, oneDimensional), ".npy");

            using NpyReader reader = NpyReader.Open(file.Path);
            Assert.Equal((n, d, fortran, descr), (reader.RowCount, reader.ColumnCount, reader.IsFortranOrder, reader.DataType));
            for (int pass = 0; pass < 2; pass++)
            {
                double[][] read = ReadInRandomChunks(reader, random);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        if (read[j][i] != Stored(descr, values[i, j]))
                            Assert.Fail($"{descr}, {(fortran ? "Fortran" : "C")} order, v{version}: [{i}, {j}] is {read[j][i]}, stored {Stored(descr, values[i, j])}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChunksLargerThanTheReadBuffer_AreReadInPieces_WithBoundedAllocation(bool fortran)
    {
        // 150 000 × 3 float64 = 3.6 MB, more than the 1 MiB buffer: one chunk takes several reads.
        const int n = 150_000, d = 3;
        static double Value(int i, int j) => i * 3.25 - j * 1e-3;
        using var file = new TempFile(NpyTestFile.Write(n, d, Value, "<f8", fortran), ".npy");
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = new double[n];

        using NpyReader reader = NpyReader.Open(file.Path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        reader.ReadChunk(0, n, columns);
        reader.ReadChunk(0, n, columns);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (columns[j][i] != Value(i, j)) Assert.Fail($"[{i}, {j}] is {columns[j][i]}");
            }
        }
        // The buffer (1 MiB) once, not the chunk (3.6 MB) nor once per read.
        Assert.InRange(allocated, 0, NpyReader.ReadBufferBytes + 64 * 1024);
    }

    [Fact]
    public void NaNAndInfinity_AreRefusedByTheReadThatMeetsThem_NamingRowAndColumn()
    {
        using var file = new TempFile(NpyTestFile.Write(10, 3, (i, j) => i == 6 && j == 2 ? double.NegativeInfinity : i == 8 && j == 0 ? double.NaN : i + j), ".npy");
        using NpyReader reader = NpyReader.Open(file.Path);
        double[][] columns = [new double[10], new double[10], new double[10]];

        reader.ReadChunk(0, 6, columns); // rows 1..6 are fine
        DataFileException ex = Assert.Throws<DataFileException>(() => reader.ReadChunk(4, 5, columns));

        Assert.Equal($"{file.Path}, row 7, column 3 (index [6, 2]): the value is -inf, not a finite number; remove or impute missing and infinite values.", ex.Message);
        Assert.Contains("row 9, column 1 (index [8, 0]): the value is NaN", Assert.Throws<DataFileException>(() => reader.ReadChunk(7, 3, columns)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFiles_AreRefusedWhenOpened()
    {
        byte[] npy = NpyTestFile.Write(20, 2, (i, j) => i, "<f4");

        for (int length = 1; length < npy.Length; length++)
        {
            using var file = new TempFile(npy[..length], ".npy");
            DataFileException ex = Assert.Throws<DataFileException>(() => NpyReader.Open(file.Path));
            Assert.StartsWith(file.Path + ": ", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
            if (length >= 128) Assert.Contains("(20, 2) float32 values (160 bytes)", ex.Message, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string> BadHeaders => new()
    {
        { "{'descr': '<f8', 'fortran_order': False}", "lacks one of" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), ", "cannot be parsed" },
        { "{'descr': '<f8', 'fortran_order': 'no', 'shape': (3, 2), }", "'fortran_order'" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2.5), }", "cannot be parsed" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2), }", "negative" },
        { "[1, 2]", "cannot be parsed" },
        { "{'descr': '<c16', 'fortran_order': False, 'shape': (3, 2), }", "complex numbers" },
        { "{'descr': '|b1', 'fortran_order': False, 'shape': (3, 2), }", "booleans" },
        { "{'descr': '<U5', 'fortran_order': False, 'shape': (3, 2), }", "text" },
        { "{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }", "Python objects" },
        { "{'descr': 'f8', 'fortran_order': False, 'shape': (3, 2), }", "not one this reader knows" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", "reshape it to (N, D)" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", "single number" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", "no values" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void BadHeaders_AreRefusedSayingWhatIsWrong(string dictionary, string expected)
    {
        // A real header's framing around the dictionary under test, followed by enough data.
        string header = dictionary.PadRight(117) + "\n";
        byte[] bytes = [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.Latin1.GetBytes(header), .. new byte[256]];
        using var file = new TempFile(bytes, ".npy");

        DataFileException ex = Assert.Throws<DataFileException>(() => NpyReader.Open(file.Path));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(file.Path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void NotNpyFiles_AreRefused()
    {
        using var csv = new TempFile("x,y\n1,2\n"u8.ToArray(), ".npy");
        using var version9 = new TempFile([0x93, .. "NUMPY"u8, 9, 0, 0, 0], ".npy");
        using var empty = new TempFile([], ".npy");
        using var missing = new TempFile(".npy");

        Assert.Contains("not a NumPy .npy file", Assert.Throws<DataFileException>(() => NpyReader.Open(csv.Path)).Message, StringComparison.Ordinal);
        Assert.Contains("version 9.0", Assert.Throws<DataFileException>(() => NpyReader.Open(version9.Path)).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<DataFileException>(() => NpyReader.Open(empty.Path)).Message, StringComparison.Ordinal);
        Assert.Contains("file not found", Assert.Throws<DataFileException>(() => NpyReader.Open(missing.Path)).Message, StringComparison.Ordinal);
        Assert.Contains("directory", Assert.Throws<DataFileException>(() => NpyReader.Open(Path.GetTempPath())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadChunk_OutsideTheTableOrIntoTooFewArrays_IsRefused()
    {
        using var file = new TempFile(NpyTestFile.Write(5, 2, (i, j) => i), ".npy");
        using NpyReader reader = NpyReader.Open(file.Path);
        double[][] columns = [new double[5], new double[5]];

        Assert.Throws<ArgumentException>(() => reader.ReadChunk(3, 3, columns));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadChunk(-1, 1, columns));
        Assert.Throws<ArgumentException>(() => reader.ReadChunk(0, 2, [new double[5]]));
        Assert.Throws<ArgumentException>(() => reader.ReadChunk(0, 5, [new double[5], new double[4]]));
        reader.ReadChunk(5, 0, columns); // an empty chunk at the end is fine
    }
}
