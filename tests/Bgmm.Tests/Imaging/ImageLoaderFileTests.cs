using Bgmm.Cli.Synthetic;
using System.Text;
using Bgmm.Imaging;
using Bgmm.Imaging.Files;
using Bgmm.Imaging.Png;
using Bgmm.Numerics;
using Bgmm.Tests.Cli;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Imaging;

/// <summary>
/// What the loader opens and how long it takes: only regular files, never blocking; reads and
/// decodes that stop at a cancellation; and PNG text chunks that cost nothing.
/// </summary>
public class ImageLoaderFileTests
{
    /// <summary>
    /// Far above the milliseconds these take: the guard turns a blocking open into a failed test
    /// instead of a hung test run.
    /// </summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Load_NamedPipe_IsRefusedWithoutOpeningIt()
    {
        using var tmp = new TempFolder();
        string fifo = SpecialFiles.Fifo(tmp["pipe.png"]);
        ImageLoadException ex = await Assert.ThrowsAsync<ImageLoadException>(() => Task.Run(() => ImageLoader.Load(fifo)).WaitAsync(HangGuard));
        Assert.Equal(ImageLoadFailure.NotARegularFile, ex.Failure);
        Assert.Contains("named pipe (FIFO)", ex.Message);
        Assert.StartsWith(fifo + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public async Task Load_CharacterDevice_IsRefusedWithoutReadingIt(string device)
    {
        SpecialFiles.RequirePosix();
        if (!File.Exists(device)) Assert.Skip($"{device} is absent.");
        ImageLoadException ex = await Assert.ThrowsAsync<ImageLoadException>(() => Task.Run(() => ImageLoader.Load(device)).WaitAsync(HangGuard));
        Assert.Equal(ImageLoadFailure.NotARegularFile, ex.Failure);
        Assert.Contains("character device", ex.Message);
    }

    [Fact]
    public void Load_Socket_IsRefused()
    {
        using var tmp = new TempFolder();
        string socket = tmp["socket.png"];
        using System.Net.Sockets.Socket listening = SpecialFiles.Socket(socket);
        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(socket));
        Assert.Equal(ImageLoadFailure.NotARegularFile, ex.Failure);
        Assert.Contains("a socket", ex.Message);
    }

    [Fact]
    public void Load_SymbolicLinks_AreFollowedToARegularFile_AndLoopsOrDanglingLinksFailCleanly()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path, "real.png", 16, 16);
        File.CreateSymbolicLink(tmp["link.png"], image);
        Assert.Equal(ImageLoader.Load(image).PixelCount, ImageLoader.Load(tmp["link.png"]).PixelCount);

        File.CreateSymbolicLink(tmp["loop.png"], tmp["loop.png"]);
        ImageLoadException loop = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(tmp["loop.png"]));
        Assert.Equal(ImageLoadFailure.Unreadable, loop.Failure);
        Assert.DoesNotContain('\n', loop.Message);

        File.CreateSymbolicLink(tmp["dangling.png"], tmp["nowhere.png"]);
        Assert.Equal(ImageLoadFailure.NotFound, Assert.Throws<ImageLoadException>(() => ImageLoader.Load(tmp["dangling.png"])).Failure);
    }

    [Fact]
    public void Load_FileWhoseContentIsNotItsSize_IsRefusedAsChanging()
    {
        // Files under /proc report size 0 and yield bytes: a snapshot read must notice the difference.
        if (!OperatingSystem.IsLinux()) Assert.Skip("/proc is Linux's.");
        ImageLoadException ex = Assert.Throws<ImageLoadException>(() => ImageLoader.Load("/proc/self/status"));
        Assert.Equal(ImageLoadFailure.Unreadable, ex.Failure);
        Assert.Contains("while it was being read", ex.Message);
    }

    [Fact]
    public void FileNode_SeesThroughSymbolicLinksAndHardLinks_ButNotCopies()
    {
        SpecialFiles.RequirePosix();
        using var tmp = new TempFolder();
        string image = CliRunner.ScenePng(tmp.Path, "a.png", 16, 16);
        Directory.CreateSymbolicLink(tmp["folder-link"], tmp.Path);
        File.Copy(image, tmp["copy.png"]);
        FileNode original = FileNode.Of(image, followLinks: true)!.Value;
        Assert.True(original.IsSameFile(FileNode.Of(Path.Combine(tmp["folder-link"], "a.png"), followLinks: false)!.Value));
        using (var ln = System.Diagnostics.Process.Start("ln", [image, tmp["hard.png"]]))
        {
            ln.WaitForExit();
        }
        Assert.True(original.IsSameFile(FileNode.Of(tmp["hard.png"], followLinks: false)!.Value));
        Assert.False(original.IsSameFile(FileNode.Of(tmp["copy.png"], followLinks: true)!.Value));
        Assert.Equal(FileKind.Directory, FileNode.Of(tmp["folder-link"], followLinks: true)!.Value.Kind);
        Assert.Equal(FileKind.SymbolicLink, FileNode.Of(tmp["folder-link"], followLinks: false)!.Value.Kind);
        Assert.Null(FileNode.Of(tmp["missing"], followLinks: true));
    }

    [Fact]
    public void Decode_CancelledToken_ThrowsOperationCanceled_NotABadInputError()
    {
        byte[] png = ImagePng.Encode(SyntheticScene.Generate(64, 48, 3).Image);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => ImageLoader.Decode(png, cancellationToken: cancelled.Token));
        using var tmp = new TempFolder();
        File.WriteAllBytes(tmp["a.png"], png);
        Assert.Throws<OperationCanceledException>(() => ImageLoader.Load(tmp["a.png"], cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Decode_CancelledWhileTheCodecReads_StopsBeforeTheImageIsDone()
    {
        // 3000×2000 pixels of a texture that compresses poorly: about 7 MB of PNG data that the
        // codec reads 4 KB at a time throughout the decode. The cancellation is placed a quarter
        // of the way into a decode measured on this machine (the faster of two, so that the codec
        // is warm), where the codec is reading pixel data: a decode that ignored it would return
        // the image.
        byte[] png = ImagePng.Encode(Texture(3000, 2000));
        TimeSpan full = TimeSpan.MaxValue;
        for (int i = 0; i < 2; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ImageLoader.Decode(png);
            full = clock.Elapsed < full ? clock.Elapsed : full;
        }
        using var cancel = new CancellationTokenSource(full / 4);
        Assert.Throws<OperationCanceledException>(() => ImageLoader.Decode(png, cancellationToken: cancel.Token));
    }

    [Fact]
    public void CancellableInput_EndsOnceCancelled()
    {
        using var cancel = new CancellationTokenSource();
        using var input = new CancellableInput([1, 2, 3, 4], cancel.Token);
        var buffer = new byte[2];
        Assert.Equal(2, input.Read(buffer, 2));
        Assert.Equal([1, 2], buffer);
        Assert.False(input.IsAtEnd);
        cancel.Cancel();
        Assert.Equal(0, input.Read(buffer, 2));
        Assert.True(input.IsAtEnd);
    }

    [Fact]
    public void CancellableInput_AskedForMoreThanThereIs_GivesWhatThereIs()
    {
        // A hostile file can make the codec ask for gigabytes; the stream must neither allocate nor throw.
        // The codec calls OnRead from native code; a null buffer means "skip".
        using var input = new CancellableInput([1, 2, 3, 4], CancellationToken.None);
        System.Reflection.MethodInfo read = typeof(CancellableInput).GetMethod("OnRead", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;
        Assert.Equal((IntPtr)1, read.Invoke(input, [IntPtr.Zero, (IntPtr)1]));
        Assert.Equal((IntPtr)3, read.Invoke(input, [IntPtr.Zero, nint.MaxValue]));
        Assert.Equal((IntPtr)0, read.Invoke(input, [IntPtr.Zero, nint.MaxValue]));
        Assert.True(input.IsAtEnd);
        Assert.True(input.Rewind());
        Assert.Equal(4, input.Length);
    }

    [Fact]
    public void CodecInput_OfAPngWithA10MegabyteTextChunk_LeavesTheChunkOut()
    {
        (byte[] plain, byte[] withText) = PngWithAndWithoutText(10 << 20, "iTXt");
        byte[] forCodec = ImageLoader.CodecInput(withText);
        Assert.Null(TestImages.FindChunk(forCodec, "iTXt"));
        Assert.NotNull(TestImages.FindChunk(withText, "iTXt"));
        // Everything else is kept byte for byte: the same file as one written without the chunk.
        Assert.Equal(plain, forCodec);
        // A PNG without ancillary chunks is passed on as it is (no copy).
        Assert.Same(plain, ImageLoader.CodecInput(plain));
    }

    [Theory]
    [InlineData("iTXt")]
    [InlineData("tEXt")]
    [InlineData("zTXt")]
    [InlineData("prVt")]
    public async Task Decode_PngWithA10MegabyteAncillaryChunk_GivesTheSamePixels(string type)
    {
        (byte[] plain, byte[] withText) = PngWithAndWithoutText(10 << 20, type);
        // A hang guard, not a speed target: the decode takes milliseconds here, while the codec
        // given the chunk spent about 40 s on it (time quadratic in its length; 6.8 s for 4 MB).
        RgbImage decoded = await Task.Run(() => ImageLoader.Decode(withText)).WaitAsync(TimeSpan.FromSeconds(20));
        RgbImage expected = ImageLoader.Decode(plain);
        Assert.Equal(TestImages.InterleavedRgb(expected), TestImages.InterleavedRgb(decoded));
    }

    [Fact]
    public async Task Segment_PngWithA10MegabyteTextChunk_Exits0()
    {
        using var tmp = new TempFolder();
        (_, byte[] withText) = PngWithAndWithoutText(10 << 20, "iTXt");
        File.WriteAllBytes(tmp["text.png"], withText);
        string before = SpecialFiles.Hash(tmp["text.png"]);
        // A hang guard (see above), not a speed target.
        CliRun run = await Task.Run(() => CliRunner.Run("segment", tmp["text.png"], "-o", tmp["out"], "-q")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(tmp["out/result.json"]));
        Assert.Equal(before, SpecialFiles.Hash(tmp["text.png"]));
    }

    [Fact]
    public void WithoutAncillaryChunks_KeepsCriticalChunksInOrder_IncludingUnknownOnes()
    {
        (byte[] plain, _) = PngWithAndWithoutText(16, "tEXt");
        // An unknown critical chunk (upper-case first letter) must reach the codec, which refuses it.
        byte[] critical = TestImages.Png(4, 3, 8, 2, new byte[4 * 3 * 3], chunksBeforeImage: [("ABCD", [1, 2, 3]), ("tIME", new byte[7])]);
        byte[]? stripped = PngFile.WithoutAncillaryChunks(critical);
        Assert.NotNull(stripped);
        Assert.NotNull(TestImages.FindChunk(stripped, "ABCD"));
        Assert.Null(TestImages.FindChunk(stripped, "tIME"));
        Assert.Null(PngFile.WithoutAncillaryChunks(plain));
        Assert.Throws<ImageLoadException>(() => ImageLoader.Decode(critical));
    }

    /// <summary>A small RGB PNG, and the same with an ancillary chunk of about <paramref name="bytes"/> bytes before its image data.</summary>
    private static (byte[] Plain, byte[] WithChunk) PngWithAndWithoutText(int bytes, string type)
    {
        const int w = 24, h = 16;
        var raw = new byte[w * h * 3];
        var random = new RandomStream(31);
        for (int i = 0; i < raw.Length; i++) raw[i] = (byte)random.NextInt64(256);
        byte[] text = type switch
        {
            "iTXt" => [.. "Comment\0\0\0\0\0"u8, .. Encoding.UTF8.GetBytes(new string('a', bytes))],
            "tEXt" => [.. "Comment\0"u8, .. Encoding.Latin1.GetBytes(new string('a', bytes))],
            // zTXt: compressed text of any length; its compressed bytes are what the codec reads.
            "zTXt" => [.. "Comment\0\0"u8, .. RandomBytes(bytes)],
            _ => RandomBytes(bytes),
        };
        return (TestImages.Png(w, h, 8, 2, raw), TestImages.Png(w, h, 8, 2, raw, chunksBeforeImage: [(type, text)]));
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A texture that compresses poorly (about 1.7 bytes per pixel), so the PNG is read throughout its decode.</summary>
    private static RgbImage Texture(int width, int height)
    {
        var r = new byte[width * height];
        var g = new byte[r.Length];
        var b = new byte[r.Length];
        var random = new Random(11);
        random.NextBytes(r);
        for (int i = 0; i < r.Length; i++)
        {
            r[i] &= 0x3F;
            g[i] = (byte)(i % width);
            b[i] = (byte)(i / width);
        }
        return RgbImage.FromRgb8(width, height, r, g, b);
    }
}
