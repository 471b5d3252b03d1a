using Bgmm.Cli.Synthetic;
using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>The benchmark image generator: deterministic, a valid PNG of three colour regions with many distinct colours, written without holding the image.</summary>
public class SyntheticLargePngTests
{
    private static byte[] Generate(int width, int height, ulong seed)
    {
        var output = new MemoryStream();
        SyntheticLargePng.Write(output, width, height, seed);
        return output.ToArray();
    }

    [Fact]
    public void TheSameSizeAndSeed_GiveTheSameBytes()
    {
        Assert.Equal(Generate(120, 80, 5), Generate(120, 80, 5));
        Assert.NotEqual(Generate(120, 80, 5), Generate(120, 80, 6));
    }

    [Fact]
    public void TheImage_HasThreeColourRegionsAndManyDistinctColours()
    {
        using var file = new TempFile(Generate(300, 200, 7), ".png");

        RgbImage image = RowReading.ReadAll(file.Path, bandRows: 32);

        RowReading.AssertSame(ImageLoader.Load(file.Path), image);
        var distinct = new HashSet<int>();
        int[] near = new int[3];
        (int R, int G, int B)[] bases = [(40, 90, 45), (190, 150, 100), (120, 170, 225)];
        for (int i = 0; i < image.PixelCount; i++)
        {
            (int r, int g, int b) = (image.Red8[i], image.Green8[i], image.Blue8[i]);
            distinct.Add(r << 16 | g << 8 | b);
            for (int k = 0; k < 3; k++)
            {
                // Most of a region lies within 40 levels per channel of its base colour (shading reaches 50 only at the corners), and the bases are further apart.
                if (Math.Abs(r - bases[k].R) + Math.Abs(g - bases[k].G) + Math.Abs(b - bases[k].B) < 3 * 40) near[k]++;
            }
        }
        Assert.True(distinct.Count > 5000, $"{distinct.Count} distinct colours");
        Assert.All(near, count => Assert.True(count > image.PixelCount / 20, $"region sizes {string.Join(", ", near)}"));
    }

    [Fact]
    public void WritingATallImage_AllocatesRowsNotTheImage()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        SyntheticLargePng.Write(Stream.Null, 100, 40_000, seed: 8);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 12 MB of pixels; a row, the writer's buffers and the noise grids are far less.
        Assert.True(allocated < 400_000, $"{allocated:N0} bytes allocated");
    }
}
