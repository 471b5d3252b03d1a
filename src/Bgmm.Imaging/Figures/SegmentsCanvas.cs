using SkiaSharp;

namespace Bgmm.Imaging;

/// <summary>
/// Draws a <see cref="SegmentsFigure"/> from the image's rows, given one at a time from top to bottom
/// with their labels: each panel pixel is the area average of the rows it covers, accumulated as the
/// rows arrive, so the figure of an image of any size needs only the figure and a few rows of sums.
/// </summary>
/// <remarks>
/// Every panel pixel's sum is built as Σ_j w_j·(Σ_i w_i·value) over its source rows j in order, the
/// same operations in the same order whatever the image's size, so the figure of an image fed by rows
/// is the figure of the whole image, bit for bit.
/// </remarks>
internal sealed class SegmentsCanvas
{
    private readonly FigureLayout _layout;
    private readonly AreaResampler _across, _down;
    private readonly int _width, _height, _components;
    private readonly SKTypeface? _typeface;
    private readonly byte[] _figure;
    private readonly int[] _lastSourceRow; // per panel row: the last source row of its footprint
    private readonly int[] _firstPanelRow; // per source row: the first panel row whose footprint holds it
    private readonly Dictionary<int, float[]> _open = [];
    private readonly Stack<float[]> _free = new();
    private readonly float[] _horizontal;
    private int _nextRow;

    public SegmentsCanvas(int width, int height, int components, int maxLongSide, SKTypeface? typeface)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLongSide, SegmentsFigure.MinLongSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(components, 256);
        (_width, _height, _components, _typeface) = (width, height, components, typeface);
        _layout = FigureLayout.Plan(width, height, components + 1, maxLongSide);
        _across = AreaResampler.Create(width, _layout.PanelWidth);
        _down = AreaResampler.Create(height, _layout.PanelHeight);
        _figure = new byte[(long)_layout.Width * _layout.Height * 4];
        _figure.AsSpan().Fill(255);
        _lastSourceRow = new int[_down.Target];
        _firstPanelRow = new int[height];
        Array.Fill(_firstPanelRow, -1);
        for (int oy = _down.Target - 1; oy >= 0; oy--)
        {
            int first = _down.Footprint(oy, out ReadOnlySpan<float> weights);
            _lastSourceRow[oy] = first + weights.Length - 1;
            for (int j = 0; j < weights.Length; j++) _firstPanelRow[first + j] = oy;
        }
        _horizontal = new float[(components + 1) * _layout.PanelWidth * 3];
    }

    /// <summary>Adds the next row: its 8-bit R, G, B values and its labels (all <c>width</c> long).</summary>
    public void AddRow(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, ReadOnlySpan<byte> labels)
    {
        if (_nextRow >= _height) throw new InvalidOperationException("every row of the image was already added.");
        int y = _nextRow++;
        int first = _firstPanelRow[y];
        if (first < 0) return;
        int pw = _across.Target, panels = _components + 1;
        bool summed = false;
        for (int oy = first; oy < _down.Target; oy++)
        {
            int firstRow = _down.Footprint(oy, out ReadOnlySpan<float> rowWeights);
            if (firstRow > y) break;
            float wy = rowWeights[y - firstRow];
            if (!_open.TryGetValue(oy, out float[]? sum))
            {
                sum = _free.Count > 0 ? _free.Pop() : new float[panels * pw * 3];
                Array.Clear(sum);
                _open.Add(oy, sum);
            }
            if (wy != 0)
            {
                if (!summed) SumRow(r, g, b, labels);
                summed = true;
                for (int i = 0; i < sum.Length; i++) sum[i] += wy * _horizontal[i];
            }
            if (_lastSourceRow[oy] == y) Finish(oy, sum);
        }
    }

    /// <summary>Draws the frames and titles and encodes the figure as an 8-bit RGB PNG.</summary>
    public byte[] Encode()
    {
        if (_nextRow != _height) throw new InvalidOperationException($"only {_nextRow} of {_height} rows were added.");
        for (int p = 0; p < _layout.Panels; p++)
        {
            (int x, int y) = _layout.PanelOrigin(p);
            SegmentsFigure.DrawFrame(_figure, _layout.Width, x - 1, y - 1, _layout.PanelWidth + 2, _layout.PanelHeight + 2);
        }
        SegmentsFigure.DrawTitles(_figure, _layout, _typeface);
        return PngEncoding.Rgb8(_layout.Width, _layout.Height, _figure);
    }

    /// <summary>Σ_i w_i·value over each panel pixel's columns, for every panel (panel 0 keeps every pixel, panel k+1 only component k's).</summary>
    private void SumRow(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, ReadOnlySpan<byte> labels)
    {
        int pw = _across.Target;
        for (int p = 0; p <= _components; p++)
        {
            int keep = p - 1;
            Span<float> row = _horizontal.AsSpan(p * pw * 3, pw * 3);
            for (int ox = 0; ox < pw; ox++)
            {
                int firstColumn = _across.Footprint(ox, out ReadOnlySpan<float> columnWeights);
                float sr = 0, sg = 0, sb = 0;
                for (int k = 0; k < columnWeights.Length; k++)
                {
                    int i = firstColumn + k;
                    float w = columnWeights[k];
                    if (keep < 0 || labels[i] == keep)
                    {
                        sr += w * r[i];
                        sg += w * g[i];
                        sb += w * b[i];
                    }
                    else
                    {
                        float white = w * 255f;
                        sr += white;
                        sg += white;
                        sb += white;
                    }
                }
                row[3 * ox] = sr;
                row[3 * ox + 1] = sg;
                row[3 * ox + 2] = sb;
            }
        }
    }

    /// <summary>Writes panel row <paramref name="oy"/> of every panel into the figure.</summary>
    private void Finish(int oy, float[] sum)
    {
        int pw = _across.Target;
        for (int p = 0; p <= _components; p++)
        {
            (int x0, int y0) = _layout.PanelOrigin(p);
            int o = ((y0 + oy) * _layout.Width + x0) * 4;
            int s = p * pw * 3;
            for (int ox = 0; ox < pw; ox++, o += 4, s += 3)
            {
                _figure[o] = ToByte(sum[s]);
                _figure[o + 1] = ToByte(sum[s + 1]);
                _figure[o + 2] = ToByte(sum[s + 2]);
            }
        }
        _open.Remove(oy);
        _free.Push(sum);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v + 0.5f), 0, 255);
}
