using Bgmm.Data;
using Bgmm.Data.Parquet;
using Bgmm.Tests.Imaging.Streaming;
using Parquet;
using Parquet.Schema;

namespace Bgmm.Tests.Data;

/// <summary>
/// A table promises the same values on every read: a Parquet file changed after it was opened is a
/// clear <see cref="DataFileException"/> at the next row group read, never values from two versions.
/// (The .npy reader's check is exercised through whole fits in <see cref="TableSourceTests"/>.)
/// </summary>
public class FileChangeTests
{
    [Fact]
    public void AParquetFileChangedAfterOpening_IsRefusedAtTheNextRowGroup()
    {
        using var file = new TempFile(Parquet(scale: 1), ".parquet");
        using ParquetColumnReader table = ParquetColumnReader.Open(file.Path);
        var columns = new[] { new double[100] };
        table.ReadChunk(0, 100, columns);
        Assert.Equal(99.0, columns[0][99]);

        DateTime written = File.GetLastWriteTimeUtc(file.Path);
        File.WriteAllBytes(file.Path, Parquet(scale: 2));
        File.SetLastWriteTimeUtc(file.Path, written.AddSeconds(2));
        table.ReadChunk(50, 10, columns);
        var e = Assert.Throws<DataFileException>(() => table.ReadChunk(100, 100, columns));
        Assert.StartsWith($"{file.Path}: the file was changed while it was being read", e.Message);
    }

    /// <summary>Two row groups of 100 rows: value i·scale in row i.</summary>
    private static byte[] Parquet(double scale)
    {
        var field = new DataField<double>("x");
        var output = new MemoryStream();
        ParquetWriter writer = ParquetWriter.CreateAsync(new ParquetSchema(field), output).GetAwaiter().GetResult();
        for (int g = 0; g < 2; g++)
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            double[] values = [.. Enumerable.Range(g * 100, 100).Select(i => i * scale)];
            group.WriteAsync(field, (ReadOnlyMemory<double>)values).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return output.ToArray();
    }
}
