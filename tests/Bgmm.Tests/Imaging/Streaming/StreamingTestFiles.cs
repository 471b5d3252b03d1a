using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>A file in the temporary folder, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string extension = ".bin") =>
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bgmm-streaming-{Guid.NewGuid():N}{extension}");

    public TempFile(byte[] contents, string extension = ".bin")
        : this(extension) => File.WriteAllBytes(Path, contents);

    public string Path { get; }

    public void Dispose()
    {
        if (File.Exists(Path)) File.Delete(Path);
    }
}

/// <summary>Reads an image whole through <see cref="ImageRowReader"/>, a band of rows at a time.</summary>
internal static class RowReading
{
    /// <summary><paramref name="count"/> bytes drawn from the seeded generator.</summary>
    public static byte[] RandomBytes(int count, ulong seed)
    {
        var random = new Bgmm.Numerics.RandomStream(seed);
        var bytes = new byte[count];
        for (int i = 0; i < count; i++) bytes[i] = (byte)random.NextInt64(256);
        return bytes;
    }

    /// <summary>The image as ImageRowReader gives it, read in bands of <paramref name="bandRows"/> rows.</summary>
    public static RgbImage ReadAll(string path, int bandRows, long maxWholeImagePixels = ImageRowReader.DefaultMaxWholeImagePixels)
    {
        using ImageRowReader reader = ImageRowReader.Open(path, maxWholeImagePixels: maxWholeImagePixels);
        return ReadAll(reader, bandRows);
    }

    public static RgbImage ReadAll(ImageRowReader reader, int bandRows)
    {
        int w = reader.Header.Width, h = reader.Header.Height, n = w * h;
        int band = bandRows * w;
        if (reader.Header.BitsPerChannel == 16)
        {
            ushort[] r = new ushort[n], g = new ushort[n], b = new ushort[n];
            ushort[] br = new ushort[band], bg = new ushort[band], bb = new ushort[band];
            int row = 0, got;
            while ((got = reader.ReadRows(br, bg, bb)) > 0)
            {
                Assert.Equal(Math.Min(bandRows, h - row), got);
                br.AsSpan(0, got * w).CopyTo(r.AsSpan(row * w));
                bg.AsSpan(0, got * w).CopyTo(g.AsSpan(row * w));
                bb.AsSpan(0, got * w).CopyTo(b.AsSpan(row * w));
                row += got;
            }
            Assert.Equal(h, row);
            return RgbImage.FromRgb16(w, h, r, g, b);
        }
        else
        {
            byte[] r = new byte[n], g = new byte[n], b = new byte[n];
            byte[] br = new byte[band], bg = new byte[band], bb = new byte[band];
            int row = 0, got;
            while ((got = reader.ReadRows(br, bg, bb)) > 0)
            {
                Assert.Equal(Math.Min(bandRows, h - row), got);
                br.AsSpan(0, got * w).CopyTo(r.AsSpan(row * w));
                bg.AsSpan(0, got * w).CopyTo(g.AsSpan(row * w));
                bb.AsSpan(0, got * w).CopyTo(b.AsSpan(row * w));
                row += got;
            }
            Assert.Equal(h, row);
            return RgbImage.FromRgb8(w, h, r, g, b);
        }
    }

    /// <summary>Asserts that two images have the same size, depth and values.</summary>
    public static void AssertSame(RgbImage expected, RgbImage actual)
    {
        Assert.Equal((expected.Width, expected.Height, expected.BitsPerChannel), (actual.Width, actual.Height, actual.BitsPerChannel));
        if (expected.BitsPerChannel == 16)
        {
            Assert.True(expected.Red16.SequenceEqual(actual.Red16), "red planes differ");
            Assert.True(expected.Green16.SequenceEqual(actual.Green16), "green planes differ");
            Assert.True(expected.Blue16.SequenceEqual(actual.Blue16), "blue planes differ");
        }
        else
        {
            Assert.True(expected.Red8.SequenceEqual(actual.Red8), "red planes differ");
            Assert.True(expected.Green8.SequenceEqual(actual.Green8), "green planes differ");
            Assert.True(expected.Blue8.SequenceEqual(actual.Blue8), "blue planes differ");
        }
    }
}
