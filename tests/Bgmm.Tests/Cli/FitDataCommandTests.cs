using System.Globalization;
using System.Text.Json;
using Bgmm.Cli;
using Bgmm.Tests.Data;
using Bgmm.Tests.Support;
using Parquet.Schema;

namespace Bgmm.Tests.Cli;

/// <summary>
/// <c>bgmm fit</c> on data files: CSV, .npy (float32/float64, C and Fortran order) and Parquet give the same fit;
/// several files are one data set; a small <c>--memory</c> streams every pass (a CSV converted to a temporary
/// binary file) with the in-memory result bit for bit; bad files exit 2 naming the file; an interrupted run
/// writes nothing.
/// </summary>
public class FitDataCommandTests
{
    /// <summary>
    /// 20 000 rows (five streamed blocks of at least 4096 rows, so that the statistics, the ICL entropy and the
    /// labels are folded across blocks), D = 3, values representable in float32 so that every format holds them exactly.
    /// </summary>
    private static double[][] Data(int n = 20_000) =>
        [.. TableTestData.Columns(n, seed: 11).Select(c => c.Select(v => (double)(float)v).ToArray())];

    private static string WriteCsv(string path, double[][] columns, bool header = true)
    {
        using var w = new StreamWriter(path);
        if (header) w.WriteLine("a,b,c");
        for (int i = 0; i < columns[0].Length; i++) w.WriteLine(string.Join(",", columns.Select(c => c[i].ToString("R", CultureInfo.InvariantCulture))));
        return path;
    }

    private static string WriteNpy(string path, double[][] columns, string descr = "<f8", bool fortran = false)
    {
        File.WriteAllBytes(path, NpyTestFile.Write(columns[0].Length, columns.Length, (i, j) => columns[j][i], descr, fortran));
        return path;
    }

    private static string WriteParquet(string path, double[][] columns, int groupRows = 7000)
    {
        int n = columns[0].Length;
        int[] groups = [.. Enumerable.Range(0, (n + groupRows - 1) / groupRows).Select(g => Math.Min(groupRows, n - g * groupRows))];
        // An extra text column that --columns leaves out, and the data columns under their names.
        var cols = new List<ParquetColumnReaderTests.Column> { new(new DataField<string>("label"), ParquetColumnReaderTests.Sequence(_ => "x")) };
        string[] names = ["a", "b", "c"];
        for (int j = 0; j < columns.Length; j++)
        {
            double[] c = columns[j];
            cols.Add(new(new DataField<double>(names[j]), ParquetColumnReaderTests.Sequence(i => c[i])));
        }
        File.WriteAllBytes(path, ParquetColumnReaderTests.WriteParquet(groups, [.. cols]));
        return path;
    }

    /// <summary>The fitted parameters, trace and selection of a result.json, as exact bit patterns.</summary>
    private static string Fingerprint(JsonElement r)
    {
        var parts = new List<string>();
        foreach (string key in new[] { "weights", "means", "covariances", "log_joint_trace", "selection", "hyperparameters", "components", "model" })
        {
            if (r.TryGetProperty(key, out JsonElement e)) parts.Add(key + "=" + e.GetRawText());
        }
        return string.Join("\n", parts);
    }

    private static (JsonElement Result, string Labels) Fit(TempFolder tmp, string outName, params string[] args)
    {
        CliRun run = CliRunner.Run([.. args, "-o", tmp[outName], "--json", "--seed", "3"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (run.Json(), File.ReadAllText(tmp[outName + "/labels.csv"]));
    }

    [Fact]
    public void Fit_StreamedWithASmallMemoryBudget_IsBitIdenticalToInMemory()
    {
        using var tmp = new TempFolder();
        string csv = WriteCsv(tmp["d.csv"], Data());
        string[] select = ["-k", "1..3", "--model", "EII,VVV", "--criterion", "icl", "--max-iter", "30"];
        (JsonElement memory, string memoryLabels) = Fit(tmp, "memory", ["fit", csv, .. select]);
        // 0 bytes: every pass reads the rows from disk, the CSV converted to a temporary .npy.
        (JsonElement streamed, string streamedLabels) = Fit(tmp, "streamed", ["fit", csv, "--memory", "0", .. select]);

        Assert.False(memory.GetProperty("streamed").GetBoolean());
        Assert.True(streamed.GetProperty("streamed").GetBoolean());
        Assert.Equal(Fingerprint(memory), Fingerprint(streamed));
        Assert.Equal(memoryLabels, streamedLabels);
        Assert.Equal(20_000, memoryLabels.Count(c => c == '\n'));
        Assert.Equal(6, memory.GetProperty("selection").GetArrayLength());
    }

    [Fact]
    public void Fit_NpyParquetAndCsv_GiveTheSameFit()
    {
        using var tmp = new TempFolder();
        double[][] data = Data();
        (JsonElement csv, string csvLabels) = Fit(tmp, "csv", "fit", WriteCsv(tmp["d.csv"], data), "-k", "3");
        string[][] others =
        [
            ["fit", WriteNpy(tmp["f8.npy"], data), "-k", "3"],
            ["fit", WriteNpy(tmp["f4.npy"], data, "<f4"), "-k", "3"],
            ["fit", WriteNpy(tmp["fortran.npy"], data, "<f8", fortran: true), "-k", "3", "--memory", "0"],
            ["fit", WriteParquet(tmp["d.parquet"], data), "--columns", "a,b,c", "-k", "3"],
            ["fit", tmp["d.parquet"], "--columns", "a,b,c", "-k", "3", "--memory", "0"],
        ];
        for (int i = 0; i < others.Length; i++)
        {
            (JsonElement r, string labels) = Fit(tmp, $"other{i}", others[i]);
            Assert.Equal(Fingerprint(csv), Fingerprint(r));
            Assert.Equal(csvLabels, labels);
        }
        // Parquet without --columns takes every numeric column (the text column is left out).
        Assert.Equal(3, Fit(tmp, "all-numeric", "fit", tmp["d.parquet"], "-k", "3").Result.GetProperty("dimension").GetInt32());
    }

    [Fact]
    public void Fit_SeveralFiles_AreOneDataSetInTheOrderGiven()
    {
        using var tmp = new TempFolder();
        double[][] data = Data(12_000);
        string a = WriteCsv(tmp["a.csv"], TableTestData.Slice(data, 0, 5000));
        string b = WriteNpy(tmp["b.npy"], TableTestData.Slice(data, 5000, 4000));
        string c = WriteParquet(tmp["c.parquet"], TableTestData.Slice(data, 9000, 3000));
        (JsonElement parts, string partLabels) = Fit(tmp, "parts", "fit", a, b, c, "-k", "3");
        (JsonElement streamed, string streamedLabels) = Fit(tmp, "streamed", "fit", a, b, c, "-k", "3", "--memory", "0");
        (JsonElement whole, string wholeLabels) = Fit(tmp, "whole", "fit", WriteCsv(tmp["whole.csv"], data), "-k", "3");

        Assert.Equal(12_000, parts.GetProperty("points").GetInt32());
        Assert.Equal(3, parts.GetProperty("inputs").GetArrayLength());
        // The parts' statistics merge in the same tree whether loaded or streamed: bit for bit.
        Assert.Equal(Fingerprint(parts), Fingerprint(streamed));
        Assert.Equal(partLabels, streamedLabels);
        // Against one file of the same rows only the order of the merges differs (docs/data-files.md): rounding,
        // ~1e-15 per iteration; 1e-9 leaves room for its growth over the iterations, and the labels agree.
        Assert.Equal(wholeLabels, partLabels);
        double[] p = [.. parts.GetProperty("means").EnumerateArray().SelectMany(m => m.EnumerateArray()).Select(v => v.GetDouble())];
        double[] w = [.. whole.GetProperty("means").EnumerateArray().SelectMany(m => m.EnumerateArray()).Select(v => v.GetDouble())];
        Assert.True(Norms.Relative(p, w) < 1e-9);
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        // name, content (Latin-1 bytes), a fragment of the message besides the file name
        { "trunc.npy", "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f8', 'fortran_order': False, 'shape': (100, 2), }", "" },
        { "text.npy", "1,2\n3,4\n", "" },
        { "bad.parquet", "not a parquet file at all", "" },
        { "bad.csv", "1,2\n3,x\n", "line 2, column 2" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Fit_BadFile_ExitsTwoNamingTheFile(string name, string content, string fragment)
    {
        using var tmp = new TempFolder();
        File.WriteAllBytes(tmp[name], System.Text.Encoding.Latin1.GetBytes(content));
        CliRunner.AssertCleanError(CliRunner.Run("fit", tmp[name], "-o", tmp["out"], "-k", "1"), 2, name, fragment);
        Assert.False(Directory.Exists(tmp["out"]));
    }

    [Fact]
    public void Fit_PartsOfDifferentWidthOrAMissingColumn_AreRefused()
    {
        using var tmp = new TempFolder();
        double[][] data = Data(100);
        string wide = WriteCsv(tmp["wide.csv"], data);
        string narrow = WriteCsv(tmp["narrow.csv"], [.. data.Take(2)], header: false);
        CliRunner.AssertCleanError(CliRunner.Run("fit", wide, narrow, "-o", tmp["out"]), 2, "narrow.csv", "2 columns", "same columns");
        string parquet = WriteParquet(tmp["d.parquet"], data);
        CliRunner.AssertCleanError(CliRunner.Run("fit", parquet, "--columns", "a,zz", "-o", tmp["out"]), 2, "d.parquet", "zz");
        CliRunner.AssertCleanError(CliRunner.Run("fit", wide, "--columns", "a", "-o", tmp["out"]), 2, "wide.csv", "--columns");
        CliRunner.AssertCleanError(CliRunner.Run("fit", wide, "--memory", "lots", "-o", tmp["out"]), 2, "--memory");
        Assert.False(Directory.Exists(tmp["out"]));
    }

    [Fact]
    public void Fit_FifoGivenAsNpy_IsRefusedWithoutBlocking()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string fifo = SpecialFiles.Fifo(tmp["pipe.npy"]);
        CliRunner.AssertCleanError(CliRunner.Run("fit", fifo, "-o", tmp["out"]), 2, "pipe.npy", "named pipe");
    }

    [Fact]
    public void Fit_InterruptedAfterTheDataIsOpened_WritesNothing()
    {
        using var tmp = new TempFolder();
        string csv = WriteCsv(tmp["d.csv"], Data());
        using var cancel = new CancellationTokenSource();
        // --verbose describes the data once it is open (CSV converted, streamed): Ctrl-C arrives then, before the fit.
        using var stdout = new CancellingWriter("rows in 1 file", cancel);
        using var stderr = new StringWriter();
        int code = BgmmApp.Run(["fit", csv, "--memory", "0", "--verbose", "-k", "1..3", "-o", tmp["out"]], stdout, stderr, false, cancel.Token);
        Assert.Equal(130, code);
        Assert.True(cancel.IsCancellationRequested);
        Assert.False(Directory.Exists(tmp["out"]) && Directory.EnumerateFileSystemEntries(tmp["out"]).Any());
    }

    /// <summary>Cancels when a line containing <paramref name="trigger"/> is written.</summary>
    private sealed class CancellingWriter(string trigger, CancellationTokenSource cancel) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(char value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(char[] buffer, int index, int count)
        {
            base.Write(buffer, index, count);
            Check();
        }

        private void Check()
        {
            if (!cancel.IsCancellationRequested && ToString().Contains(trigger, StringComparison.Ordinal)) cancel.Cancel();
        }
    }
}
