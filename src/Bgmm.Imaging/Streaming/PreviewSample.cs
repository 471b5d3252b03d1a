namespace Bgmm.Imaging.Streaming;

/// <summary>
/// A bounded copy of an image taken while it streams past: the pixels of at most
/// <see cref="MaxSide"/> evenly spaced columns and rows, always including the first and last of each
/// (so its border is the image's border). An image no larger than that on both sides is copied
/// whole, pixel for pixel.
/// </summary>
internal sealed class PreviewSample
{
    /// <summary>The longest side of the sample.</summary>
    public const int MaxSide = 4096;

    private readonly int[] _columns;
    private readonly int[] _rows;
    private readonly byte[][] _planes8 = [];
    private readonly ushort[][] _planes16 = [];
    private int _nextRow;

    public PreviewSample(ImageHeader header)
    {
        int longSide = Math.Max(header.Width, header.Height);
        double scale = Math.Min(1.0, (double)MaxSide / longSide);
        Width = Math.Clamp((int)Math.Round(header.Width * scale), 1, header.Width);
        Height = Math.Clamp((int)Math.Round(header.Height * scale), 1, header.Height);
        _columns = Positions(header.Width, Width);
        _rows = Positions(header.Height, Height);
        int n = Width * Height;
        if (header.BitsPerChannel == 16) _planes16 = [new ushort[n], new ushort[n], new ushort[n]];
        else _planes8 = [new byte[n], new byte[n], new byte[n]];
    }

    /// <summary>The sample's width (≤ <see cref="MaxSide"/>).</summary>
    public int Width { get; }

    /// <summary>The sample's height (≤ <see cref="MaxSide"/>).</summary>
    public int Height { get; }

    /// <summary>Width × height.</summary>
    public int PixelCount => Width * Height;

    /// <summary>Takes the sampled pixels of the band just read.</summary>
    public void Add(ImageBands bands)
    {
        int width = bands.Width;
        while (_nextRow < _rows.Length && _rows[_nextRow] < bands.FirstRow + bands.Rows)
        {
            int source = (_rows[_nextRow] - bands.FirstRow) * width, target = _nextRow * Width;
            for (int i = 0; i < _columns.Length; i++)
            {
                int p = source + _columns[i];
                if (bands.Is16Bit)
                {
                    _planes16[0][target + i] = bands.Red16[p];
                    _planes16[1][target + i] = bands.Green16[p];
                    _planes16[2][target + i] = bands.Blue16[p];
                }
                else
                {
                    _planes8[0][target + i] = bands.Red8[p];
                    _planes8[1][target + i] = bands.Green8[p];
                    _planes8[2][target + i] = bands.Blue8[p];
                }
            }
            _nextRow++;
        }
    }

    /// <summary>The stored values of sample pixel <paramref name="i"/>.</summary>
    public (int R, int G, int B) Stored(int i) =>
        _planes8.Length > 0 ? (_planes8[0][i], _planes8[1][i], _planes8[2][i]) : (_planes16[0][i], _planes16[1][i], _planes16[2][i]);

    /// <summary>The sample as a dataset (one row per sample pixel, row-major), stored as <see cref="RgbImage.ToDataset"/> stores an image.</summary>
    public Dataset ToDataset()
    {
        if (_planes8.Length > 0) return Dataset.FromBytePlanes(_planes8, scaleDivisor: byte.MaxValue);
        var columns = new double[3][];
        for (int j = 0; j < 3; j++)
        {
            columns[j] = new double[PixelCount];
            ChannelScale.Scale16(_planes16[j], columns[j]);
        }
        return Dataset.WrapColumns(columns);
    }

    /// <summary><paramref name="count"/> positions among <paramref name="length"/>, evenly spaced, the first and last included (all of them when count = length).</summary>
    private static int[] Positions(int length, int count)
    {
        var positions = new int[count];
        for (int i = 0; i < count; i++) positions[i] = count == 1 ? 0 : (int)((long)i * (length - 1) / (count - 1));
        return positions;
    }
}
