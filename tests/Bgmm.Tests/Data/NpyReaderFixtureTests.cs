using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Numerics;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Data;

/// <summary>
/// Files written by NumPy itself (Fixtures/make_npy_fixtures.py, an independent writer) read
/// back as the values NumPy stored, recomputed here from the script's formulas.
/// </summary>
public class NpyReaderFixtureTests
{
    private const int Rows = 7, Columns = 3;

    private static string Fixture(string name) => Path.Combine(SharedFiles.RepositoryRoot, "tests", "Bgmm.Tests", "Data", "Fixtures", name);

    /// <summary>The script's table, v[i, j] = (i + 1)/(j + 3) − i·j/4, computed in float64 (IEEE operations, as NumPy's).</summary>
    private static double Value(int i, int j) => (i + 1.0) / (j + 3.0) - i * (double)j / 4.0;

    private static double[][] ReadAll(string name, out NpyReader reader)
    {
        reader = NpyReader.Open(Fixture(name));
        return ChunkedTable.ReadAll(reader);
    }

    private static void AssertTable(string name, Func<double, double> stored)
    {
        double[][] columns = ReadAll(name, out NpyReader reader);
        using (reader)
        {
            Assert.Equal((Rows, Columns), (reader.RowCount, reader.ColumnCount));
            for (int i = 0; i < Rows; i++)
            {
                for (int j = 0; j < Columns; j++) Assert.Equal(stored(Value(i, j)), columns[j][i]);
            }
            // And in chunks that split the rows anywhere.
            double[][] again = NpyReaderTests.ReadInRandomChunks(reader, new RandomStream(61));
            for (int j = 0; j < Columns; j++) Assert.Equal(columns[j], again[j]);
        }
    }

    [Theory]
    [InlineData("c_f8.npy")]
    [InlineData("big_endian_f8.npy")]
    [InlineData("version2_f8.npy")]
    [InlineData("version3_f8.npy")]
    public void Float64Files_GiveTheStoredValues(string name) => AssertTable(name, v => v);

    [Fact]
    public void FortranOrderFloat32_IsWidenedExactly()
    {
        AssertTable("fortran_f4.npy", v => (float)v);
        using NpyReader reader = NpyReader.Open(Fixture("fortran_f4.npy"));
        Assert.True(reader.IsFortranOrder);
        Assert.Equal("<f4", reader.DataType);
    }

    [Fact]
    public void Float16_IsWidenedExactly() => AssertTable("float16.npy", v => (double)(Half)v);

    [Fact]
    public void FortranOrderBigEndianInt16_GivesTheIntegers() => AssertTable("fortran_big_endian_i2.npy", v => (short)(v * 1000));

    [Fact]
    public void OneDimensionalArray_IsOneColumn()
    {
        double[][] columns = ReadAll("one_dimensional_f8.npy", out NpyReader reader);
        reader.Dispose();

        Assert.Single(columns);
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => Value(i, 1)), columns[0]);
    }

    [Fact]
    public void Uint8_GivesTheIntegers()
    {
        double[][] columns = ReadAll("uint8.npy", out NpyReader reader);
        reader.Dispose();

        for (int k = 0; k < Rows * Columns; k++) Assert.Equal((byte)(k * 12), columns[k % Columns][k / Columns]);
    }

    [Fact]
    public void Int64AndUint64_BecomeTheNearestDouble_AsTheirDecimalTextWould()
    {
        // The nearest double to each integer, by correctly rounded parsing of its decimal digits.
        static double Nearest(string digits) => double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);

        double[][] signed = ReadAll("int64_extremes.npy", out NpyReader reader);
        reader.Dispose();
        double[][] unsigned = ReadAll("uint64_extremes.npy", out reader);
        reader.Dispose();

        Assert.Equal([Nearest("-9223372036854775808"), Nearest("9007199254740993"), Nearest("12345678901234567")], signed[0]);
        Assert.Equal([Nearest("9223372036854775807"), Nearest("-9007199254740995"), 0.0], signed[1]);
        Assert.Equal([Nearest("18446744073709551615"), Nearest("9223372036854776833"), Nearest("9007199254740993")], unsigned[0]);
    }

    [Fact]
    public void NaNWrittenByNumPy_IsRefusedNamingItsPlace()
    {
        using NpyReader reader = NpyReader.Open(Fixture("nan_at_4_1.npy"));

        DataFileException ex = Assert.Throws<DataFileException>(() => ChunkedTable.ReadAll(reader));

        Assert.Contains("row 5, column 2 (index [4, 1]): the value is NaN", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bool.npy", "booleans")]
    [InlineData("complex.npy", "complex numbers")]
    [InlineData("three_dimensional.npy", "3 dimensions")]
    [InlineData("structured.npy", "structured")]
    public void ArraysThatAreNotTables_AreRefused(string name, string expected)
    {
        DataFileException ex = Assert.Throws<DataFileException>(() => NpyReader.Open(Fixture(name)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
