namespace Bgmm.Imaging;

/// <summary>
/// Decoded pixels without alpha, stored as three planes (structure of arrays) in row-major order:
/// the pixel at (x, y) is element <c>y·Width + x</c> of each plane. 8-bit images keep
/// <see cref="byte"/> planes, 16-bit images <see cref="ushort"/> planes.
/// </summary>
/// <remarks>
/// The planes are what SPEC §4 turns into data: <see cref="ToDataset"/> gives one point per pixel,
/// <see cref="ToCompressedDataset"/> one weighted point per distinct colour. An image is immutable
/// once built; the factories take ownership of the arrays they are given.
/// </remarks>
public sealed class RgbImage
{
    private readonly byte[]? _r8, _g8, _b8;
    private readonly ushort[]? _r16, _g16, _b16;

    private RgbImage(int width, int height, byte[] r, byte[] g, byte[] b)
    {
        Width = width;
        Height = height;
        BitsPerChannel = 8;
        (_r8, _g8, _b8) = (r, g, b);
    }

    private RgbImage(int width, int height, ushort[] r, ushort[] g, ushort[] b)
    {
        Width = width;
        Height = height;
        BitsPerChannel = 16;
        (_r16, _g16, _b16) = (r, g, b);
    }

    /// <summary>Width in pixels (≥ 1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (≥ 1).</summary>
    public int Height { get; }

    /// <summary>8 or 16: the bits of each stored channel value.</summary>
    public int BitsPerChannel { get; }

    /// <summary>Width × Height.</summary>
    public long PixelCount => (long)Width * Height;

    /// <summary>The largest value a channel can hold: 255 or 65535.</summary>
    public int MaxValue => BitsPerChannel == 8 ? byte.MaxValue : ushort.MaxValue;

    /// <summary>
    /// The largest number of pixels an image can have: each plane is one .NET array, and the
    /// pixel index of a dataset is an <see cref="int"/>.
    /// </summary>
    public static long MaxPixelCount => Array.MaxLength;

    /// <summary>The red plane of an 8-bit image (length <see cref="PixelCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The image is 16-bit.</exception>
    public ReadOnlySpan<byte> Red8 => _r8 ?? throw Not8Bit();

    /// <summary>The green plane of an 8-bit image (length <see cref="PixelCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The image is 16-bit.</exception>
    public ReadOnlySpan<byte> Green8 => _g8 ?? throw Not8Bit();

    /// <summary>The blue plane of an 8-bit image (length <see cref="PixelCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The image is 16-bit.</exception>
    public ReadOnlySpan<byte> Blue8 => _b8 ?? throw Not8Bit();

    /// <summary>The red plane of a 16-bit image (length <see cref="PixelCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The image is 8-bit.</exception>
    public ReadOnlySpan<ushort> Red16 => _r16 ?? throw Not16Bit();

    /// <summary>The green plane of a 16-bit image (length <see cref="PixelCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The image is 8-bit.</exception>
    public ReadOnlySpan<ushort> Green16 => _g16 ?? throw Not16Bit();

    /// <summary>The blue plane of a 16-bit image (length <see cref="PixelCount"/>).</summary>
    /// <exception cref="InvalidOperationException">The image is 8-bit.</exception>
    public ReadOnlySpan<ushort> Blue16 => _b16 ?? throw Not16Bit();

    /// <summary>
    /// An 8-bit image made of three planes of <paramref name="width"/>·<paramref name="height"/>
    /// values each, in row-major order. The arrays are used as they are (not copied): do not
    /// change them afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">A size is below 1, the image is too large, or a plane has the wrong length.</exception>
    public static RgbImage FromRgb8(int width, int height, byte[] r, byte[] g, byte[] b)
    {
        int n = CheckSize(width, height);
        CheckPlane(r, n, nameof(r));
        CheckPlane(g, n, nameof(g));
        CheckPlane(b, n, nameof(b));
        return new RgbImage(width, height, r, g, b);
    }

    /// <summary>
    /// A 16-bit image made of three planes of <paramref name="width"/>·<paramref name="height"/>
    /// values each, in row-major order. The arrays are used as they are (not copied): do not
    /// change them afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">A size is below 1, the image is too large, or a plane has the wrong length.</exception>
    public static RgbImage FromRgb16(int width, int height, ushort[] r, ushort[] g, ushort[] b)
    {
        int n = CheckSize(width, height);
        CheckPlane(r, n, nameof(r));
        CheckPlane(g, n, nameof(g));
        CheckPlane(b, n, nameof(b));
        return new RgbImage(width, height, r, g, b);
    }

    /// <summary>The stored values of pixel (x, y), in the image's own depth (0..<see cref="MaxValue"/>).</summary>
    public (int R, int G, int B) GetPixel(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        int i = y * Width + x;
        return _r8 is not null ? (_r8[i], _g8![i], _b8![i]) : (_r16![i], _g16![i], _b16![i]);
    }

    /// <summary>
    /// This image with 8 bits per channel: itself when it is 8-bit; for a 16-bit image each value
    /// v becomes round(v·255/65535) (never a tie). For drawing figures, not for fitting.
    /// </summary>
    public RgbImage To8Bit()
    {
        if (_r8 is not null) return this;
        return new RgbImage(Width, Height, Narrow(_r16!), Narrow(_g16!), Narrow(_b16!));

        static byte[] Narrow(ushort[] plane)
        {
            var result = GC.AllocateUninitializedArray<byte>(plane.Length);
            ChannelScale.Narrow(plane, result);
            return result;
        }
    }

    /// <summary>
    /// One point per pixel (N = <see cref="PixelCount"/>, D = 3): columns R, G, B scaled to [0, 1]
    /// as SPEC §4 says — an 8-bit value v becomes v/255.0 and a 16-bit value v/65535.0, both by
    /// IEEE division in double.
    /// </summary>
    /// <remarks>
    /// An 8-bit image gives a dataset stored as its own three byte planes (<see cref="Dataset.FromBytePlanes"/>,
    /// divisor 255): no copy and no extra memory per pixel, and the kernels read the bytes directly. A
    /// 16-bit image gives three new columns of doubles (24 bytes per pixel).
    /// </remarks>
    public Dataset ToDataset()
    {
        if (_r8 is not null) return Dataset.FromBytePlanes([_r8, _g8!, _b8!], scaleDivisor: byte.MaxValue);
        var columns = new double[3][];
        columns[0] = Scale16(_r16!);
        columns[1] = Scale16(_g16!);
        columns[2] = Scale16(_b16!);
        return Dataset.WrapColumns(columns);

        static double[] Scale16(ushort[] plane)
        {
            var column = GC.AllocateUninitializedArray<double>(plane.Length);
            ChannelScale.Scale16(plane, column);
            return column;
        }
    }

    /// <summary>
    /// The distinct colours as a compressed dataset: one row per distinct colour, in order of
    /// first occurrence (row-major), weighted by its number of pixels, with
    /// <see cref="Dataset.SourceRows"/> giving every pixel's row. Values are scaled exactly as in
    /// <see cref="ToDataset"/>, so a fit gives the same iterates (up to the order of summation) and
    /// random initialisation draws the same pixels.
    /// </summary>
    public Dataset ToCompressedDataset()
    {
        DistinctColours.Result distinct = _r8 is not null
            ? DistinctColours.Find8(_r8, _g8!, _b8!)
            : DistinctColours.Find16(_r16!, _g16!, _b16!);
        return distinct.ToCompressed();
    }

    private static int CheckSize(int width, int height)
    {
        if (width < 1 || height < 1)
            throw new ArgumentException($"the image is {width}×{height}: both sides must be at least 1 pixel.", width < 1 ? nameof(width) : nameof(height));
        long n = (long)width * height;
        if (n > MaxPixelCount)
            throw new ArgumentException($"the image is {width}×{height} = {n} pixels, more than the {MaxPixelCount} this program can hold.", nameof(height));
        return (int)n;
    }

    private static void CheckPlane(Array? plane, int n, string name)
    {
        ArgumentNullException.ThrowIfNull(plane, name);
        if (plane.Length != n)
            throw new ArgumentException($"plane {name} has {plane.Length} values but the image has {n} pixels.", name);
    }

    private static InvalidOperationException Not8Bit() => new("the image is 16-bit: use the 16-bit planes or To8Bit().");

    private static InvalidOperationException Not16Bit() => new("the image is 8-bit: use the 8-bit planes.");
}

/// <summary>The scaling of stored channel values to [0, 1] (SPEC §4).</summary>
internal static class ChannelScale
{
    /// <summary>v/255.0 for v = 0..255, each by IEEE division (v·(1/255.0) differs for 24 values).</summary>
    public static readonly double[] Table8 = CreateTable8();

    /// <summary>v/65535.0 by IEEE division.</summary>
    public static double Scale16(ushort v) => v / 65535.0;

    /// <summary><see cref="Scale16(ushort)"/> of every value.</summary>
    public static void Scale16(ReadOnlySpan<ushort> values, Span<double> scaled)
    {
        for (int i = 0; i < values.Length; i++) scaled[i] = values[i] / 65535.0;
    }

    /// <summary>16-bit values rounded to 8 bits for drawing: round(v·255/65535) (<see cref="RgbImage.To8Bit"/>).</summary>
    public static void Narrow(ReadOnlySpan<ushort> values, Span<byte> narrowed)
    {
        // round(v / 257) = floor((v + 128) / 257): v + 128.5 is never a multiple of 257.
        for (int i = 0; i < values.Length; i++) narrowed[i] = (byte)((values[i] + 128) / 257);
    }

    private static double[] CreateTable8()
    {
        var table = new double[256];
        for (int v = 0; v < table.Length; v++) table[v] = v / 255.0;
        return table;
    }
}
