namespace Bgmm;

/// <summary>
/// Read access to the N rows of a data set, a block or a row at a time, wherever they are held (a
/// <see cref="Dataset"/>, files read in chunks): what the initial mixtures of
/// <see cref="MapEmFitter.FitSource"/>
/// draw their means from, and what is scanned for K distinct rows before a fit.
/// </summary>
/// <remarks>
/// Rows are numbered 0 … N − 1 in the data's order (the order a dataset holding the same rows would
/// have), and reading a row again gives the same values bit for bit. Reads come one at a time, from the
/// thread that runs the fit.
/// </remarks>
public interface IRowReader
{
    /// <summary>N, the number of rows (≥ 1).</summary>
    long RowCount { get; }

    /// <summary>D, the number of coordinates per row (≥ 1).</summary>
    int Dimension { get; }

    /// <summary>
    /// Whether the rows are held in memory. k-means++ then keeps each row's distance to its nearest
    /// centre (8 bytes per row) and reads the rows once per centre; otherwise it keeps nothing per row
    /// and reads them twice per centre. It picks the same centres either way.
    /// </summary>
    bool InMemory { get; }

    /// <summary>The weight of row <paramref name="row"/> (1 for unweighted data; rows of weight 0 are never drawn).</summary>
    double Weight(long row);

    /// <summary>
    /// Reads rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>):
    /// coordinate j of row firstRow + i goes to <c>columns[j][i]</c>.
    /// </summary>
    /// <param name="firstRow">0 ≤ firstRow ≤ N − rowCount.</param>
    /// <param name="rowCount">Rows to read, ≥ 0.</param>
    /// <param name="columns">D arrays, each at least <paramref name="rowCount"/> long.</param>
    void ReadRows(long firstRow, int rowCount, double[][] columns);
}

/// <summary>
/// The source points behind a weighted table of distinct rows (the pixels of an image behind its colour
/// table): the pool random initialisation draws from, so that a fit of the table starts where a fit of the
/// points would. Row p of this reader reads as the table row <see cref="TableRow"/>(p) holds.
/// </summary>
internal interface ISourcePointRows : IRowReader
{
    /// <summary>The table row that source point <paramref name="point"/> became.</summary>
    long TableRow(long point);
}
