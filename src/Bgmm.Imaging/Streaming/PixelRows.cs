namespace Bgmm.Imaging.Streaming;

/// <summary>
/// The pixels of an image file as rows (pixel (x, y) is row y·width + x, values scaled as
/// <see cref="RgbImage.ToDataset"/>), read from the file as they are asked for: the rows the
/// initialisation scans and draws from when the image is not held in memory.
/// </summary>
/// <remarks>
/// Scans read forward through one open pass; a read behind it opens the file again. Single rows
/// (random draws) are remembered, so the draws of every restart and every K, which share their
/// first rows, decode the file once. Over a colour table, each pixel maps to its colour's row
/// (<see cref="TableRow"/>), as a compressed dataset's source points do.
/// </remarks>
internal sealed class PixelRows(ImageFile file, ColourTable? table, CancellationToken cancellationToken) : ISourcePointRows, IDisposable
{
    private const int MaxRemembered = 1 << 12;

    private readonly Dictionary<long, (double R, double G, double B)> _remembered = [];
    private ImageBands? _bands;

    public long RowCount => file.Header.PixelCount;

    public int Dimension => 3;

    public bool InMemory => false;

    public double Weight(long row) => 1.0;

    public long TableRow(long point)
    {
        if (table is null) throw new InvalidOperationException("these pixels have no colour table.");
        int index = Locate(point);
        (int r, int g, int b) = _bands!.Stored(index);
        return table.RowOf(r, g, b);
    }

    public void ReadRows(long firstRow, int rowCount, double[][] columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow, RowCount - rowCount);
        if (rowCount == 1 && _remembered.TryGetValue(firstRow, out var known))
        {
            (columns[0][0], columns[1][0], columns[2][0]) = known;
            return;
        }
        for (int i = 0; i < rowCount; i++)
        {
            int index = Locate(firstRow + i);
            _bands!.Scaled(index, out columns[0][i], out columns[1][i], out columns[2][i]);
        }
        if (rowCount == 1 && _remembered.Count < MaxRemembered) _remembered[firstRow] = (columns[0][0], columns[1][0], columns[2][0]);
    }

    public void Dispose()
    {
        _bands?.Dispose();
        _bands = null;
    }

    /// <summary>Brings the band holding pixel <paramref name="point"/> in; returns its index in the band.</summary>
    private int Locate(long point)
    {
        int width = file.Header.Width;
        int y = (int)(point / width);
        if (_bands is null || !_bands.SeekForward(y))
        {
            _bands?.Dispose();
            _bands = null;
            _bands = new ImageBands(file, cancellationToken);
            _bands.SeekForward(y);
        }
        return (int)(point - (long)_bands.FirstRow * width);
    }
}
