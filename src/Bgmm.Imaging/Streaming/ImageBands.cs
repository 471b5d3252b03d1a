using System.Globalization;
using Bgmm.Imaging.Files;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// An image file read more than once, a pass at a time (the streamed segmentation reads it for the colour
/// table, for each E-step that fits every pixel, and to write the outputs): each pass opens the file
/// again and checks that it is the same file, unchanged (size, time of last change and header).
/// </summary>
internal sealed class ImageFile
{
    private readonly long _length;
    private readonly DateTime _lastWrite;

    private ImageFile(string path, ImageHeader header, long maxWholePixels, long length, DateTime lastWrite)
    {
        Path = path;
        Header = header;
        MaxWholePixels = maxWholePixels;
        _length = length;
        _lastWrite = lastWrite;
    }

    /// <summary>The file as given.</summary>
    public string Path { get; }

    /// <summary>Its header.</summary>
    public ImageHeader Header { get; }

    /// <summary>The largest image that may be decoded whole (formats that cannot be read by rows).</summary>
    public long MaxWholePixels { get; }

    /// <summary>Reads the header of <paramref name="path"/>.</summary>
    /// <exception cref="ImageLoadException">As <see cref="ImageRowReader.Open"/>.</exception>
    public static ImageFile Open(string path, long maxWholePixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FileNode.Of(path, followLinks: true) is { Kind: not FileKind.Regular and not FileKind.Directory } node)
        {
            throw new ImageLoadException(path, ImageLoadFailure.NotARegularFile,
                $"this is {InputFile.DescribeIrregular(node.Kind)}, not a regular file (bgmm reads only regular files); save the image to a file and give its path.");
        }
        using ImageRowReader reader = ImageRowReader.Open(path, long.MaxValue, maxWholePixels);
        var info = new FileInfo(path);
        return new ImageFile(path, reader.Header, maxWholePixels, info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>The header of <paramref name="path"/> when it is a regular file holding a readable image header; otherwise null.</summary>
    public static ImageHeader? ReadHeader(string path)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(path) || FileNode.Of(path, followLinks: true) is not { Kind: FileKind.Regular }) return null;
            return ImageRowReader.ReadHeader(path, long.MaxValue, long.MaxValue);
        }
        catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Opens the file for one more pass.</summary>
    /// <exception cref="ImageLoadException">The file changed since it was first opened, or cannot be read.</exception>
    public ImageRowReader Read()
    {
        ImageRowReader reader = ImageRowReader.Open(Path, long.MaxValue, MaxWholePixels);
        var info = new FileInfo(Path);
        if (reader.Header != Header || info.Length != _length || info.LastWriteTimeUtc != _lastWrite)
        {
            reader.Dispose();
            throw new ImageLoadException(Path, ImageLoadFailure.Unreadable,
                "the file changed while it was being segmented (it is read once per pass); do not modify it until bgmm has finished.");
        }
        return reader;
    }
}

/// <summary>
/// One pass over an image, a band of whole rows at a time, into planes of 8-bit or 16-bit values
/// (<see cref="Red8"/>… or <see cref="Red16"/>…, each <see cref="Rows"/> × width long).
/// </summary>
internal sealed class ImageBands : IDisposable
{
    /// <summary>Pixels per band (at least one row).</summary>
    public const int BandPixels = 1 << 18;

    private readonly ImageRowReader _reader;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _r8 = [], _g8 = [], _b8 = [];
    private readonly ushort[] _r16 = [], _g16 = [], _b16 = [];

    public ImageBands(ImageFile file, CancellationToken cancellationToken, int bandPixels = BandPixels)
    {
        _cancellationToken = cancellationToken;
        ImageHeader header = file.Header;
        Width = header.Width;
        BandRows = Math.Clamp(bandPixels / Width, 1, header.Height);
        int length = checked(BandRows * Width);
        if (header.BitsPerChannel == 16) (_r16, _g16, _b16) = (new ushort[length], new ushort[length], new ushort[length]);
        else (_r8, _g8, _b8) = (new byte[length], new byte[length], new byte[length]);
        _reader = file.Read();
    }

    public int Width { get; }

    /// <summary>The most rows a band holds.</summary>
    public int BandRows { get; }

    /// <summary>The first row of the current band.</summary>
    public int FirstRow { get; private set; }

    /// <summary>The rows of the current band (0 before the first <see cref="Next"/> and after the last).</summary>
    public int Rows { get; private set; }

    /// <summary>The pixels of the current band.</summary>
    public int Pixels => Rows * Width;

    public ReadOnlySpan<byte> Red8 => _r8.AsSpan(0, Pixels);

    public ReadOnlySpan<byte> Green8 => _g8.AsSpan(0, Pixels);

    public ReadOnlySpan<byte> Blue8 => _b8.AsSpan(0, Pixels);

    public ReadOnlySpan<ushort> Red16 => _r16.AsSpan(0, Pixels);

    public ReadOnlySpan<ushort> Green16 => _g16.AsSpan(0, Pixels);

    public ReadOnlySpan<ushort> Blue16 => _b16.AsSpan(0, Pixels);

    /// <summary>Whether the image is 16-bit.</summary>
    public bool Is16Bit => _r16.Length > 0;

    /// <summary>Reads the next band; false once every row has been read.</summary>
    public bool Next()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        FirstRow += Rows;
        Rows = Is16Bit ? _reader.ReadRows(_r16, _g16, _b16) : _reader.ReadRows(_r8, _g8, _b8);
        return Rows > 0;
    }

    /// <summary>Skips bands until the one holding <paramref name="row"/>; false when it is behind the current band.</summary>
    public bool SeekForward(int row)
    {
        if (row < FirstRow) return false;
        while (row >= FirstRow + Rows)
        {
            if (!Next())
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"row {row} is beyond the image."));
        }
        return true;
    }

    /// <summary>Pixel <paramref name="index"/> of the band (row-major from its first row), scaled to [0, 1] as <see cref="RgbImage.ToDataset"/>.</summary>
    public void Scaled(int index, out double r, out double g, out double b)
    {
        if (Is16Bit)
        {
            (r, g, b) = (ChannelScale.Scale16(_r16[index]), ChannelScale.Scale16(_g16[index]), ChannelScale.Scale16(_b16[index]));
        }
        else
        {
            double[] table = ChannelScale.Table8;
            (r, g, b) = (table[_r8[index]], table[_g8[index]], table[_b8[index]]);
        }
    }

    /// <summary>The band's pixels as a dataset stored as <see cref="RgbImage.ToDataset"/> stores an image (copied when the band is not full).</summary>
    public Dataset ToDataset()
    {
        int n = Pixels;
        if (Is16Bit)
        {
            double[][] columns = [new double[n], new double[n], new double[n]];
            ChannelScale.Scale16(Red16, columns[0]);
            ChannelScale.Scale16(Green16, columns[1]);
            ChannelScale.Scale16(Blue16, columns[2]);
            return Dataset.WrapColumns(columns);
        }
        byte[][] planes = n == _r8.Length ? [_r8, _g8, _b8] : [_r8[..n], _g8[..n], _b8[..n]];
        return Dataset.FromBytePlanes(planes, scaleDivisor: byte.MaxValue);
    }

    /// <summary>The stored values of pixel <paramref name="index"/> of the band.</summary>
    public (int R, int G, int B) Stored(int index) =>
        Is16Bit ? (_r16[index], _g16[index], _b16[index]) : (_r8[index], _g8[index], _b8[index]);

    public void Dispose() => _reader.Dispose();
}
