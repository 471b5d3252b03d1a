using System.Text.Json.Nodes;
using Bgmm.Imaging;
using Bgmm.Tests.Imaging;
using Bgmm.Tests.Support;
using SkiaSharp;

namespace Bgmm.Tests.Cli;

/// <summary>
/// <c>segment --stream on</c> (the image read row by row, <see cref="Bgmm.Imaging.Streaming.StreamedSegmenter"/>) against
/// <c>--stream off</c> (decoded whole, <see cref="ImageSegmenter"/>): the same result.json but for the timings, and
/// the same pixels in every output image.
/// </summary>
public class StreamedSegmentTests
{
    private static readonly string[] Images = ["labels.png", "mask.png", "cutout.png", "uncertainty.png", "segments.png"];

    public static TheoryData<string, string> StudyCases => new()
    {
        { "fox.png", "2" }, { "cow.png", "2" }, { "owl.png", "3" }, { "zebra.png", "2..3" },
    };

    [Theory]
    [MemberData(nameof(StudyCases))]
    public void Segment_StudyImage_StreamedGivesTheInMemoryResultAndPixels(string name, string k)
    {
        string path = SharedFiles.RequireShared("images", name);
        AssertSameOutputs(path, "-k", k);
    }

    public static TheoryData<string, string[]> GeneratedCases => new()
    {
        // Few colours (the colour table is fitted), sizes odd, one row, one column.
        { "scene-61x47", ["-k", "2"] },
        { "regions-1x200", ["-k", "2"] },
        { "regions-300x1", ["-k", "3"] },
        { "regions-4099x3", ["-k", "2"] },
        // k-means++ draws its first centre from the pixels, read back from the file, the others from the table.
        { "scene-61x47", ["-k", "3", "--init", "kmeans++", "--restarts", "3", "--seed", "7"] },
        // A choice of K by ICL: the classification entropy over the table.
        { "scene-61x47", ["-k", "2..4", "--criterion", "bic"] },
        { "scene-61x47", ["-k", "2", "--background", "1"] },
        // Every pixel fitted (--compress off): the file is read again at every E-step.
        { "scene-61x47", ["-k", "2", "--compress", "off"] },
        { "scene-61x47", ["-k", "2..3", "--compress", "off", "--init", "kmeans++"] },
        // Random noise: more distinct colours than 70 % of the pixels, so auto fits every pixel too.
        { "noise-53x41", ["-k", "2"] },
        { "noise-53x41", ["-k", "2..3"] },
        { "noise16-37x29", ["-k", "2"] },
        { "gradient16-45x33", ["-k", "3"] },
        { "scene-jpeg-63x49", ["-k", "2"] },
        { "scene-jpeg-63x49", ["-k", "3", "--precision", "single", "--tol", "1e-6"] },
    };

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void Segment_GeneratedImage_StreamedGivesTheInMemoryResultAndPixels(string image, string[] options)
    {
        using var tmp = new TempFolder();
        AssertSameOutputs(Generate(tmp, image), options);
    }

    [Fact]
    public void Segment_AutoWithAnImageAboveMaxPixels_StreamsIt()
    {
        using var tmp = new TempFolder();
        string path = Generate(tmp, "scene-61x47");
        CliRun run = CliRunner.Run("segment", path, "-o", tmp["out"], "--max-pixels", "1000", "--verbose");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("streamed", run.Stdout);
        CliRun whole = CliRunner.Run("segment", path, "-o", tmp["whole"], "--verbose");
        Assert.DoesNotContain("streamed", whole.Stdout);
    }

    [Fact]
    public void Segment_StreamOnWithSmoothing_IsRefusedWithNothingWritten()
    {
        using var tmp = new TempFolder();
        string path = Generate(tmp, "scene-61x47");
        CliRun run = CliRunner.Run("segment", path, "-o", tmp["out"], "--stream", "on", "--smooth", "2");
        CliRunner.AssertCleanError(run, 2, "--smooth", "--stream on");
        Assert.False(Directory.Exists(tmp["out"]));
    }

    [Fact]
    public void Segment_SmoothingBeyondTheAvailableMemory_IsRefusedBeforeDecoding()
    {
        using var tmp = new TempFolder();
        // A header of 200 000 × 200 000 pixels and a few rows of data: q alone would take 4·K bytes per
        // pixel, 3.2·10¹¹ bytes at K = 2, more than any machine running the tests has.
        string path = tmp["huge.png"];
        File.WriteAllBytes(path, HugeHeaderPng(200_000, 200_000));
        CliRun run = CliRunner.Run("segment", path, "-o", tmp["out"], "--smooth", "2", "--max-pixels", "100000000000");
        CliRunner.AssertCleanError(run, 2, "--smooth", "200000×200000", "needs about", "available", "drop --smooth");
        Assert.False(Directory.Exists(tmp["out"]));
    }

    [Fact]
    public void Segment_Streamed16BitImageWithMoreColoursThanMaxPixels_IsRefusedWithNothingWritten()
    {
        using var tmp = new TempFolder();
        string path = Generate(tmp, "noise16-37x29");
        CliRun run = CliRunner.Run("segment", path, "-o", tmp["out"], "--stream", "on", "--max-pixels", "100");
        CliRunner.AssertCleanError(run, 2, "16-bit", "more than 100 distinct colours", "--max-pixels");
        Assert.False(Directory.Exists(tmp["out"]) && Directory.EnumerateFiles(tmp["out"]).Any());
    }

    [Theory]
    [InlineData("scene-61x47", "scene-jpeg-63x49", "3")]
    [InlineData("scene-61x47", "noise-53x41", "2")]
    [InlineData("gradient16-45x33", "noise16-37x29", "2")]
    public void Apply_StreamedGivesTheInMemoryResultAndPixels(string fitted, string labelled, string k)
    {
        using var tmp = new TempFolder();
        CliRun fit = CliRunner.Run("segment", Generate(tmp, fitted), "-o", tmp["model"], "-k", k);
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        AssertSameOutputs(["apply", tmp["model/result.json"], Generate(tmp, labelled)], []);
    }

    /// <summary>Runs segment with --stream off and on; asserts equal result.json without timings and equal pixels in every image.</summary>
    internal static void AssertSameOutputs(string path, params string[] options) => AssertSameOutputs(["segment", path], options);

    private static void AssertSameOutputs(string[] command, string[] options)
    {
        using var tmp = new TempFolder();
        CliRun whole = CliRunner.Run([.. command, "-o", tmp["whole"], "--stream", "off", .. options]);
        CliRun streamed = CliRunner.Run([.. command, "-o", tmp["streamed"], "--stream", "on", .. options]);
        Assert.True(whole.ExitCode == 0, whole.Stderr);
        Assert.True(streamed.ExitCode == 0, streamed.Stderr);
        Assert.Equal(WithoutTimings(tmp["whole/result.json"]), WithoutTimings(tmp["streamed/result.json"]));
        foreach (string image in Images)
        {
            (int w1, int h1, byte[] p1) = TestImages.DecodeRgba(File.ReadAllBytes(tmp[$"whole/{image}"]));
            (int w2, int h2, byte[] p2) = TestImages.DecodeRgba(File.ReadAllBytes(tmp[$"streamed/{image}"]));
            Assert.Equal((w1, h1), (w2, h2));
            Assert.True(p1.AsSpan().SequenceEqual(p2), $"{image}: the pixels differ");
        }
    }

    private static string WithoutTimings(string path)
    {
        JsonObject json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(json.Remove("timings_ms"));
        return json.ToJsonString();
    }

    /// <summary>Writes a generated test image: "kind-WxH" (scene, noise, noise16, gradient16, scene-jpeg).</summary>
    internal static string Generate(TempFolder tmp, string spec)
    {
        string[] parts = spec.Split('-');
        string[] size = parts[^1].Split('x');
        int width = int.Parse(size[0]), height = int.Parse(size[1]);
        string kind = string.Join('-', parts[..^1]);
        string path = tmp[spec + (kind == "scene-jpeg" ? ".jpg" : ".png")];
        byte[] bytes = kind switch
        {
            "scene" => ImagePng.Encode(Bgmm.Cli.Synthetic.SyntheticScene.Generate(width, height, 3).Image),
            "scene-jpeg" => TestImages.Encode(width, height, Rgba(Bgmm.Cli.Synthetic.SyntheticScene.Generate(width, height, 4).Image), SKEncodedImageFormat.Jpeg, 90),
            "regions" => TestImages.Png(width, height, 8, 2, Regions(width, height)),
            "noise" => TestImages.Png(width, height, 8, 2, Bgmm.Tests.Imaging.Streaming.RowReading.RandomBytes(width * height * 3, 11)),
            "noise16" => TestImages.Png(width, height, 16, 2, Bgmm.Tests.Imaging.Streaming.RowReading.RandomBytes(width * height * 6, 12)),
            "gradient16" => TestImages.Png(width, height, 16, 2, Gradient16(width, height)),
            _ => throw new ArgumentException(spec),
        };
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Rgba(RgbImage image)
    {
        var rgba = new byte[image.PixelCount * 4];
        for (int i = 0; i < image.PixelCount; i++)
        {
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (image.Red8[i], image.Green8[i], image.Blue8[i], 255);
        }
        return rgba;
    }

    /// <summary>Three regions of nearly flat colour (a few levels of noise): few distinct colours, any size.</summary>
    private static byte[] Regions(int width, int height)
    {
        byte[][] colours = [[30, 90, 40], [200, 150, 90], [110, 170, 230]];
        var raw = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte[] c = colours[(x / 5 + y / 7) % 3];
                int o = (y * width + x) * 3, noise = (x * 7 + y * 13) % 3;
                (raw[o], raw[o + 1], raw[o + 2]) = ((byte)(c[0] + noise), (byte)(c[1] - noise), (byte)(c[2] + noise));
            }
        }
        return raw;
    }

    /// <summary>Three flat 16-bit regions, each with a fine ramp: few colours per row, fitted through the table.</summary>
    private static byte[] Gradient16(int width, int height)
    {
        var raw = new byte[width * height * 6];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int region = (x * 3 / width + y * 2 / height) % 3;
                int o = (y * width + x) * 6;
                ushort r = (ushort)(region * 20000 + (x % 4) * 3), g = (ushort)(60000 - region * 25000), b = (ushort)(30000 + region * 9000 + (y % 3));
                (raw[o], raw[o + 1], raw[o + 2], raw[o + 3], raw[o + 4], raw[o + 5]) = ((byte)(r >> 8), (byte)r, (byte)(g >> 8), (byte)g, (byte)(b >> 8), (byte)b);
            }
        }
        return raw;
    }

    /// <summary>A PNG whose header declares <paramref name="width"/>×<paramref name="height"/> pixels, followed by a few rows only.</summary>
    private static byte[] HugeHeaderPng(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        TestImages.Chunk(ms, "IHDR", ihdr);
        var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) zs.Write(new byte[2 * (1 + width * 3)]);
        TestImages.Chunk(ms, "IDAT", z.ToArray());
        TestImages.Chunk(ms, "IEND", []);
        return ms.ToArray();
    }
}
