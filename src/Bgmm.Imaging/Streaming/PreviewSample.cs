using Bgmm.Spatial;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// A bounded copy of an image taken while it streams past: the pixels under <see cref="LabelPreview"/>'s
/// sample of the label map (at most <see cref="LabelPreview.MaxSide"/> columns and rows, the first and last of
/// each included, so its border is the image's border). Their labels are therefore exactly the preview the
/// in-memory pipeline samples from its whole label map, and the foreground split decides the same.
/// </summary>
internal sealed class PreviewSample
{
    private readonly int[] _columns;
    private readonly int[] _rows;
    private readonly byte[][] _planes8 = [];
    private readonly ushort[][] _planes16 = [];
    private int _nextRow;

    public PreviewSample(ImageHeader header)
    {
        (Width, Height) = LabelPreview.Size(header.Width, header.Height);
        _columns = [.. Enumerable.Range(0, Width).Select(i => LabelPreview.SourceIndex(i, header.Width, Width))];
        _rows = [.. Enumerable.Range(0, Height).Select(i => LabelPreview.SourceIndex(i, header.Height, Height))];
        int n = Width * Height;
        if (header.BitsPerChannel == 16) _planes16 = [new ushort[n], new ushort[n], new ushort[n]];
        else _planes8 = [new byte[n], new byte[n], new byte[n]];
    }

    /// <summary>The sample's width (≤ <see cref="LabelPreview.MaxSide"/>).</summary>
    public int Width { get; }

    /// <summary>The sample's height (≤ <see cref="LabelPreview.MaxSide"/>).</summary>
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
}
