using Bgmm.Cli.Synthetic;
using System.Text;
using Bgmm.Cli;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;
using Bgmm.Cli.Input;
using Bgmm.Imaging;
using Bgmm.Numerics;
using Bgmm.Serialization;
using Bgmm.Tests.Imaging;
using SkiaSharp;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Mutation fuzzing of every loader with a fixed seed: each mutated input either loads (and then is
/// a valid object) or fails with the tool's own input error — never another exception. And the
/// file system around them: random path names (dots, spaces, dashes, Unicode, very long) naming
/// every kind of file-system object (pipes, sockets, folders, links, loops), which bgmm either
/// segments or refuses with exit code 2 — never exit 1, never a hang, never a changed input, never
/// an output outside the output folder.
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
                using Bgmm.Data.CsvTable t = Bgmm.Data.CsvTable.Read(new StringReader(Encoding.UTF8.GetString(mutated)), "fuzz.csv", long.MaxValue);
                Assert.True(t.RowCount > 0);
                Assert.All(Bgmm.Data.ChunkedTable.ReadAll(t), c => Assert.All(c, v => Assert.True(double.IsFinite(v))));
            }
            catch (Bgmm.Data.DataFileException e)
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

    private static readonly string[] NamePrefixes = ["", ".", "..", "...", "-", "--", " ", "#", "ü", "日本語", "🎨 ", "a..b"];
    private static readonly string[] NameStems = ["a", "", ".", "x y", "-k", "--help", "résumé", "Ω", "tab\there", "quote'\"", "%s%n", "*?["];
    private static readonly string[] NameEndings = [".png", ".PNG", ".jpg", ".png.png", ".", " .png", ".png ", ".gif", ""];

    private enum Kind
    {
        Image,
        Garbage,
        Empty,
        Pipe,
        Socket,
        FolderWithImage,
        LinkToImage,
        DanglingLink,
        LinkLoop,
        LinkToFolder,
    }

    [Fact]
    public async Task PathNamesAndFileKinds_AreSegmentedOrRefusedCleanly()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string input = tmp["in"];
        Directory.CreateDirectory(input);
        string image = CliRunner.ScenePng(tmp.Path, "source.png", 16, 16);
        var sockets = new List<System.Net.Sockets.Socket>();
        var rng = new RandomStream(4242);
        var names = new List<string>();
        try
        {
            for (int i = 0; i < 60; i++)
            {
                string name = NamePrefixes[rng.NextInt64(NamePrefixes.Length)] + NameStems[rng.NextInt64(NameStems.Length)] + NameEndings[rng.NextInt64(NameEndings.Length)];
                if (rng.NextInt64(10) == 0) name = new string('n', 200 + (int)rng.NextInt64(60)) + ".png"; // near and over NAME_MAX with "-bgmm"
                if (name.Trim('.').Length == 0 || names.Contains(name, StringComparer.Ordinal)) continue;
                if (Make(Path.Combine(input, name), (Kind)rng.NextInt64(10), image, sockets)) names.Add(name);
            }
            Assert.True(names.Count > 30, $"only {names.Count} entries could be made");
            Dictionary<string, string> before = RegularFileHashes(tmp.Path);
            string[] rootBefore = Directory.GetFileSystemEntries(tmp.Path);

            // A folder scan, every entry named directly, and names relative to the current folder with no -o.
            await AssertCleanRun(tmp.Path, ["segment", input, "-o", tmp["out1"], "-q", "--max-iter", "5"]);
            await AssertCleanRun(tmp.Path, ["segment", .. names.Select(n => Path.Combine(input, n)), "-o", tmp["out2"], "-q", "--max-iter", "5"]);
            await AssertCleanRun(input, ["segment", "-q", "--max-iter", "5", "--", .. names]);

            Assert.Equal(before, RegularFileHashes(tmp.Path, skip: ["out1", "out2"], skipNamesEnding: "-bgmm"));
            Assert.All(Directory.GetFileSystemEntries(tmp.Path), e => Assert.True(rootBefore.Contains(e) || e == tmp["out1"] || e == tmp["out2"], $"{e}: written outside the output folders"));
            foreach (string output in new[] { tmp["out1"], tmp["out2"] })
            {
                if (!Directory.Exists(output)) continue;
                // Every result is one level below the output folder: no name escaped it or landed in it.
                Assert.All(Directory.GetFiles(output, "result.json", SearchOption.AllDirectories),
                    r => Assert.Equal(output, Path.GetDirectoryName(Path.GetDirectoryName(r))));
            }
        }
        finally
        {
            foreach (System.Net.Sockets.Socket s in sockets) s.Dispose();
        }
    }

    private static async Task AssertCleanRun(string workingDirectory, string[] args)
    {
        CliRun run = await SpecialFiles.RunProcess(workingDirectory, TimeSpan.FromMinutes(3), args);
        Assert.True(run.ExitCode is 0 or 2, $"exit code {run.ExitCode}: {run.Stderr}");
        Assert.DoesNotContain("unexpected failure", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
    }

    /// <summary>Makes a file-system object of the given kind; false when the system refuses the name (too long).</summary>
    private static bool Make(string path, Kind kind, string image, List<System.Net.Sockets.Socket> sockets)
    {
        try
        {
            switch (kind)
            {
                case Kind.Image: File.Copy(image, path); break;
                case Kind.Garbage: File.WriteAllText(path, "not an image"); break;
                case Kind.Empty: File.WriteAllBytes(path, []); break;
                case Kind.Pipe: SpecialFiles.Fifo(path); break;
                case Kind.Socket:
                    if (Encoding.UTF8.GetByteCount(path) > 100) return false; // sockaddr_un holds 108 bytes
                    sockets.Add(SpecialFiles.Socket(path));
                    break;
                case Kind.FolderWithImage:
                    Directory.CreateDirectory(path);
                    File.Copy(image, Path.Combine(path, "inside.png"));
                    break;
                case Kind.LinkToImage: File.CreateSymbolicLink(path, image); break;
                case Kind.DanglingLink: File.CreateSymbolicLink(path, path + ".missing"); break;
                case Kind.LinkLoop: File.CreateSymbolicLink(path, path); break;
                default: Directory.CreateSymbolicLink(path, Path.GetDirectoryName(image)!); break;
            }
            return Path.Exists(path) || File.ResolveLinkTarget(path, false) is not null || new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> RegularFileHashes(string root, string[]? skip = null, string? skipNamesEnding = null)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            string relative = Path.GetRelativePath(root, entry);
            string top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (skip?.Contains(top) == true || (skipNamesEnding is not null && relative.Split(Path.DirectorySeparatorChar).Any(p => p.EndsWith(skipNamesEnding, StringComparison.Ordinal)))) continue;
            if (Bgmm.Imaging.Files.FileNode.Of(entry, followLinks: false) is { Kind: Bgmm.Imaging.Files.FileKind.Regular }) hashes[relative] = SpecialFiles.Hash(entry);
        }
        return hashes;
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
