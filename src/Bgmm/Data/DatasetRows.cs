namespace Bgmm;

/// <summary>
/// A <see cref="Dataset"/> as an <see cref="IRowReader"/>: either its rows (after compression, the
/// distinct rows with their summed weights) or, for a compressed dataset, its source points (each
/// reading as the row it became), which is the pool random initialisation draws from.
/// </summary>
internal sealed class DatasetRows : ISourcePointRows
{
    private readonly Dataset _data;
    private readonly bool _sourcePoints;

    /// <param name="data">The dataset.</param>
    /// <param name="sourcePoints">Read the source points of a compressed dataset rather than its rows.</param>
    public DatasetRows(Dataset data, bool sourcePoints)
    {
        _data = data;
        _sourcePoints = sourcePoints && data.IsCompressed;
    }

    public long RowCount => _sourcePoints ? _data.SourceRows.Length : _data.Count;

    public int Dimension => _data.Dimension;

    public bool InMemory => true;

    /// <summary>The dataset row that row <paramref name="row"/> of this reader reads.</summary>
    public int DataRow(long row) => _sourcePoints ? _data.SourceRows[checked((int)row)] : checked((int)row);

    long ISourcePointRows.TableRow(long point) => DataRow(point);

    public double Weight(long row) => _data.Weight(DataRow(row));

    public void ReadRows(long firstRow, int rowCount, double[][] columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow, RowCount - rowCount);
        if (!_sourcePoints && _data.Storage is DoubleColumnStorage storage)
        {
            for (int j = 0; j < Dimension; j++) storage.Column(j).Slice((int)firstRow, rowCount).CopyTo(columns[j]);
            return;
        }
        for (int r = 0; r < rowCount; r++)
        {
            int row = DataRow(firstRow + r);
            for (int j = 0; j < Dimension; j++) columns[j][r] = _data[row, j];
        }
    }
}
