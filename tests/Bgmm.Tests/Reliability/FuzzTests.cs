using Bgmm.Cli.Synthetic;
using System.Text;
using Bgmm.Cli;
using Bgmm.Cli.Input;
using Bgmm.Imaging;
using Bgmm.Numerics;
using Bgmm.Serialization;
using Bgmm.Tests.Imaging;
using SkiaSharp;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Mutation fuzzing of every loader with a fixed seed: each mutated input either loads (and then is
/// a valid object) or fails with the tool's own input error — never another exception.
/// </summary>
public class FuzzTests
{
    private const int MutationsPerSeed = 500;

    public static TheoryData<string> ImageKinds => new() { "png", "png16", "png-palette", "jpeg", "webp", "bmp", "gif" };

    [Theory]
    [MemberData(nameof(ImageKinds))]
    public void ImageLoader_MutatedFiles_LoadOrFailCleanly(string kind)
    {
        byte[] valid = ValidImage(kind);
        var rng = new RandomStream(1234, (ulong)kind.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        int loaded = 0, rejected = 0;
        for (int i = 0; i < MutationsPerSeed; i++)
        {
            byte[] mutated = Mutate(valid, rng);
            try
            {
                RgbImage image = ImageLoader.Decode(mutated, maxPixels: 1 << 20, nameForMessages: $"fuzz.{kind}");
                Assert.True(image.Width > 0 && image.Height > 0 && image.PixelCount <= 1 << 20);
                loaded++;
            }
            catch (ImageLoadException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                Assert.DoesNotContain('\n', e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > 0, "no mutation was rejected: the mutations are too gentle to test anything");
        _ = loaded;
    }

    [Fact]
    public void CsvReader_MutatedFiles_LoadOrFailCleanly()
    {
        string valid = "x,y,z\n1.5,2,3e-2\n-4,5.25,6\n\"7\",8,9\n1e3,-0.5,2\n";
        var rng = new RandomStream(99);
        byte[] bytes = Encoding.UTF8.GetBytes(valid);
        int rejected = 0;
        for (int i = 0; i < 1000; i++)
        {
            byte[] mutated = Mutate(bytes, rng);
            try
            {
                CsvData.Table t = CsvData.Read(new StringReader(Encoding.UTF8.GetString(mutated)), "fuzz.csv");
                Assert.True(t.Rows > 0);
                Assert.All(t.Columns, c => Assert.All(c, v => Assert.True(double.IsFinite(v))));
            }
            catch (UserError e)
            {
                Assert.Contains("fuzz.csv", e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > 0);
    }

    [Fact]
    public void JsonReaders_MutatedFiles_LoadOrFailCleanly()
    {
        string valid = FitResultJson.Serialize(MapEmFitter.Fit(Dataset.FromRows(ToyData.Generate(perCluster: 20)), ToyData.Prior(), new FitOptions(2) { MaxIterations = 5 }));
        byte[] bytes = Encoding.UTF8.GetBytes(valid);
        var rng = new RandomStream(77);
        int rejected = 0;
        for (int i = 0; i < 1000; i++)
        {
            string mutated = Encoding.UTF8.GetString(Mutate(bytes, rng));
            try
            {
                GaussianMixture m = FitResultJson.ReadMixture(mutated);
                Assert.True(m.ComponentCount >= 1);
            }
            catch (ModelInputException)
            {
                rejected++;
            }
            try
            {
                MixturePrior p = FitResultJson.ReadPrior(mutated, 2);
                Assert.Equal(2, p.Dimension);
            }
            catch (ModelInputException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 0);
    }

    /// <summary>One to four random edits: flip bits, overwrite bytes, insert, delete, truncate, duplicate a span.</summary>
    internal static byte[] Mutate(byte[] source, RandomStream rng)
    {
        var data = new List<byte>(source);
        int edits = 1 + (int)rng.NextInt64(4);
        for (int e = 0; e < edits && data.Count > 0; e++)
        {
            int at = (int)rng.NextInt64(data.Count);
            switch (rng.NextInt64(7))
            {
                case 0: data[at] ^= (byte)(1 << (int)rng.NextInt64(8)); break;
                case 1: data[at] = (byte)rng.NextInt64(256); break;
                case 2: data.Insert(at, (byte)rng.NextInt64(256)); break;
                case 3: data.RemoveAt(at); break;
                case 4: data.RemoveRange(at, data.Count - at); break;
                case 5:
                    int length = (int)Math.Min(data.Count - at, 1 + rng.NextInt64(16));
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                default: data[at] = rng.NextInt64(2) == 0 ? (byte)0 : (byte)0xFF; break;
            }
        }
        return [.. data];
    }

    private static byte[] ValidImage(string kind)
    {
        const int w = 9, h = 7;
        var rgba = new byte[w * h * 4];
        var rng = new RandomStream(5);
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)rng.NextInt64(256);
        return kind switch
        {
            "png" => TestImages.Encode(w, h, rgba, SKEncodedImageFormat.Png),
            "jpeg" => TestImages.WithExifOrientation(TestImages.Encode(w, h, rgba, SKEncodedImageFormat.Jpeg, 90), 6),
            "webp" => TestImages.Encode(w, h, rgba, SKEncodedImageFormat.Webp),
            "png16" => TestImages.Png(w, h, 16, 2, [.. Enumerable.Range(0, w * h * 6).Select(i => (byte)(i * 37))]),
            "png-palette" => TestImages.Png(w, h, 8, 3, [.. Enumerable.Range(0, w * h).Select(i => (byte)(i % 4))], chunksBeforeImage: [("PLTE", [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])]),
            "bmp" => TestImages.Bmp(w, h, [.. Enumerable.Range(0, w * h * 3).Select(i => (byte)(i * 11))]),
            _ => TestImages.Gif(w, h, [.. Enumerable.Range(0, 768).Select(i => (byte)i)], [.. Enumerable.Range(0, w * h).Select(i => (byte)(i % 2))]),
        };
    }
}
