using System.Buffers.Binary;
using System.Text;
using Bgmm.Data;
using Bgmm.Data.Npy;
using Bgmm.Tests.Imaging.Streaming;

namespace Bgmm.Tests.Data;

/// <summary><see cref="NpyWriter"/>: a header by the format's specification, with the final N, and the values as written.</summary>
public class NpyWriterTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5000, 3)]
    [InlineData(70, 9000)]
    public void Rows_AreReadBackBitForBit_UnderAHeaderGivingTheFinalShape(int rows, int columns)
    {
        double[][] values = [.. Enumerable.Range(0, columns).Select(j => Enumerable.Range(0, rows).Select(i => Math.Sin(i * 0.37 + j) * Math.Pow(10, j % 7 - 3)).ToArray())];
        using var file = new TempFile(".npy");
        using (var writer = new NpyWriter(new FileStream(file.Path, FileMode.CreateNew, FileAccess.ReadWrite), columns))
        {
            var row = new double[columns];
            for (int i = 0; i < rows; i++)
            {
                if (i % 2 == 0)
                {
                    for (int j = 0; j < columns; j++) row[j] = values[j][i];
                    writer.WriteRow(row);
                }
                else
                {
                    writer.WriteRows([.. values.Select(c => c[i..])], 1);
                }
            }
            writer.Complete();
        }

        byte[] bytes = File.ReadAllBytes(file.Path);
        Assert.Equal([0x93, .. "NUMPY"u8, 1, 0], bytes[..8]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        int dataStart = 10 + headerLength;
        Assert.Equal(0, dataStart % 64);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header);
        Assert.Equal($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}", header.TrimEnd('\n', ' '));
        Assert.Equal(dataStart + 8L * rows * columns, bytes.Length);

        using NpyReader reader = NpyReader.Open(file.Path);
        double[][] read = ChunkedTable.ReadAll(reader);
        for (int j = 0; j < columns; j++) Assert.Equal(values[j], read[j]);
    }

    [Fact]
    public void ARowOfAnotherLength_IsRefused()
    {
        using var writer = new NpyWriter(new MemoryStream(), 3);
        Assert.Throws<ArgumentException>(() => writer.WriteRow([1.0, 2.0]));
    }
}
