using System.Globalization;

namespace Bgmm;

/// <summary>
/// N points in D dimensions, stored as D columns (structure of arrays, the layout the per-point
/// kernels read), with optional non-negative per-point weights: a point of weight w counts as w
/// identical points, and weight 0 removes it from the fit.
/// </summary>
/// <remarks>
/// A dataset may be a compressed view of a larger one (<see cref="Compress"/>): each distinct row
/// stands for all the source points equal to it, with their summed weight. It then remembers which
/// source point became which row, so random initialisation draws from the source points and gives
/// the same initial mixture as the uncompressed data.
/// </remarks>
public sealed class Dataset
{
    private readonly double[][] _columns;
    private readonly double[]? _weights;
    private readonly int[]? _sourceRows;

    private Dataset(double[][] columns, int count, double[]? weights, int[]? sourceRows, long pointCount, double totalWeight)
    {
        _columns = columns;
        Count = count;
        _weights = weights;
        _sourceRows = sourceRows;
        PointCount = pointCount;
        TotalWeight = totalWeight;
    }

    /// <summary>Number of rows (after compression: distinct rows).</summary>
    public int Count { get; }

    /// <summary>D, the number of coordinates per point.</summary>
    public int Dimension => _columns.Length;

    /// <summary>
    /// Number of input points with weight &gt; 0: for a compressed dataset, of the source points,
    /// never the number of distinct rows. This is the N of BIC.
    /// </summary>
    public long PointCount { get; }

    /// <summary>Sum of the weights (the number of points when unweighted).</summary>
    public double TotalWeight { get; }

    /// <summary>Whether the rows carry weights other than 1.</summary>
    public bool IsWeighted => _weights is not null;

    /// <summary>Whether this is a compressed view (<see cref="Compress"/>).</summary>
    public bool IsCompressed => _sourceRows is not null;

    /// <summary>Column j (coordinate j of every row), length <see cref="Count"/>.</summary>
    public ReadOnlySpan<double> Column(int j) => _columns[j];

    /// <summary>The weights, or an empty span when every weight is 1.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Weight of row i.</summary>
    public double Weight(int i) => _weights is null ? 1.0 : _weights[i];

    /// <summary>Coordinate j of row i.</summary>
    public double this[int i, int j] => _columns[j][i];

    /// <summary>Copies row i into <paramref name="destination"/> (length D).</summary>
    public void CopyRow(int i, Span<double> destination)
    {
        for (int j = 0; j < _columns.Length; j++) destination[j] = _columns[j][i];
    }

    /// <summary>
    /// The number of distinct rows of positive weight, counting no further than
    /// <paramref name="atMost"/> (so it costs O(N·atMost) at worst and stops early).
    /// </summary>
    public int CountDistinctRows(int atMost)
    {
        var distinct = new List<int>(Math.Max(0, Math.Min(atMost, 1024)));
        for (int i = 0; i < Count && distinct.Count < atMost; i++)
        {
            if (Weight(i) == 0) continue;
            bool seen = false;
            foreach (int r in distinct)
            {
                if (RowsEqual(r, i))
                {
                    seen = true;
                    break;
                }
            }
            if (!seen) distinct.Add(i);
        }
        return distinct.Count;
    }

    /// <summary>Whether rows a and b have equal coordinates.</summary>
    internal bool RowsEqual(int a, int b)
    {
        foreach (double[] c in _columns)
        {
            if (c[a] != c[b]) return false;
        }
        return true;
    }

    /// <summary>
    /// For a compressed dataset, the row each source point became (length = number of source
    /// points); empty otherwise.
    /// </summary>
    public ReadOnlySpan<int> SourceRows => _sourceRows;

    internal double[][] Columns => _columns;

    /// <summary>Builds a dataset from rows (each of length D). The values are copied and validated.</summary>
    /// <param name="rows">N rows of D finite values.</param>
    /// <param name="weights">Optional N non-negative finite weights, not all zero.</param>
    public static Dataset FromRows(IReadOnlyList<double[]> rows, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw Empty();
        int d = rows[0]?.Length ?? 0;
        if (d == 0) throw new ModelInputException("data", "row 0 has no values: every point needs D ≥ 1 coordinates.");
        var columns = NewColumns(d, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            double[] row = rows[i] ?? throw new ModelInputException("data", $"row {i} is null.");
            if (row.Length != d)
                throw new ModelInputException("data", $"row {i} has {row.Length} values but row 0 has {d}: every point must have the same dimension.");
            for (int j = 0; j < d; j++) columns[j][i] = row[j];
        }
        return Create(columns, rows.Count, weights);
    }

    /// <summary>Builds a dataset from an N×D matrix. The values are copied and validated.</summary>
    public static Dataset FromMatrix(double[,] points, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.GetLength(0), d = points.GetLength(1);
        if (n == 0) throw Empty();
        if (d == 0) throw new ModelInputException("data", "the points have no coordinates: D must be ≥ 1.");
        var columns = NewColumns(d, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) columns[j][i] = points[i, j];
        }
        return Create(columns, n, weights);
    }

    /// <summary>
    /// Builds a dataset from D columns of equal length N. The columns are copied and validated.
    /// </summary>
    public static Dataset FromColumns(IReadOnlyList<double[]> columns, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ModelInputException("data", "no columns: D must be ≥ 1.");
        int n = columns[0]?.Length ?? 0;
        var copy = new double[columns.Count][];
        for (int j = 0; j < columns.Count; j++)
        {
            double[] c = columns[j] ?? throw new ModelInputException("data", $"column {j} is null.");
            if (c.Length != n)
                throw new ModelInputException("data", $"column {j} has {c.Length} values but column 0 has {n}: all columns must have the same length.");
            copy[j] = (double[])c.Clone();
        }
        if (n == 0) throw Empty();
        return Create(copy, n, weights);
    }

    /// <summary>
    /// Takes ownership of already-built columns (no copy), validating them. For adapters (such as
    /// image loaders) that build the columns themselves.
    /// </summary>
    public static Dataset WrapColumns(double[][] columns, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0) throw new ModelInputException("data", "no columns: D must be ≥ 1.");
        int n = columns[0].Length;
        for (int j = 1; j < columns.Length; j++)
        {
            if (columns[j].Length != n)
                throw new ModelInputException("data", $"column {j} has {columns[j].Length} values but column 0 has {n}: all columns must have the same length.");
        }
        if (n == 0) throw Empty();
        return Create(columns, n, weights is null ? null : (double[])weights.Clone());
    }

    /// <summary>
    /// A compressed view in which identical rows (bitwise-equal coordinates) are one row whose
    /// weight is their summed weight. Fitting it gives the same iterates as fitting this dataset
    /// (up to rounding in the order of summation), with less work when values repeat.
    /// </summary>
    public Dataset Compress()
    {
        int d = Dimension;
        var rowOf = new Dictionary<RowKey, int>(new RowKeyComparer(_columns));
        var sourceRows = new int[IsCompressed ? _sourceRows!.Length : Count];
        var firstSource = new List<int>();
        var summed = new List<double>();
        var distinctOf = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            if (!rowOf.TryGetValue(new RowKey(i), out int r))
            {
                r = firstSource.Count;
                rowOf.Add(new RowKey(i), r);
                firstSource.Add(i);
                summed.Add(0);
            }
            summed[r] += Weight(i);
            distinctOf[i] = r;
        }
        if (IsCompressed)
        {
            for (int s = 0; s < sourceRows.Length; s++) sourceRows[s] = distinctOf[_sourceRows![s]];
        }
        else
        {
            distinctOf.CopyTo(sourceRows, 0);
        }
        var columns = NewColumns(d, firstSource.Count);
        for (int r = 0; r < firstSource.Count; r++)
        {
            for (int j = 0; j < d; j++) columns[j][r] = _columns[j][firstSource[r]];
        }
        return new Dataset(columns, firstSource.Count, summed.ToArray(), sourceRows, PointCount, TotalWeight);
    }

    /// <summary>
    /// A compressed dataset built by an adapter that already knows the distinct rows: columns of
    /// the distinct values, their counts, and for each source point its row. Validated.
    /// </summary>
    public static Dataset FromDistinct(double[][] columns, double[] counts, int[] sourceRows)
    {
        ArgumentNullException.ThrowIfNull(sourceRows);
        Dataset distinct = WrapColumns(columns, counts);
        for (int s = 0; s < sourceRows.Length; s++)
        {
            if ((uint)sourceRows[s] >= (uint)distinct.Count)
                throw new ModelInputException(nameof(sourceRows), $"source point {s} maps to row {sourceRows[s]}, outside 0..{distinct.Count - 1}.");
        }
        long points = 0;
        foreach (int r in sourceRows)
        {
            if (distinct.Weight(r) > 0) points++;
        }
        return new Dataset(distinct._columns, distinct.Count, distinct._weights, sourceRows, points, distinct.TotalWeight);
    }

    private static Dataset Create(double[][] columns, int n, double[]? weights)
    {
        int d = columns.Length;
        for (int j = 0; j < d; j++)
        {
            double[] c = columns[j];
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(c[i]))
                {
                    throw new ModelInputException("data",
                        $"the value at row {i + 1}, column {j + 1} is {Describe(c[i])}: every coordinate must be a finite number (remove or impute missing values).");
                }
            }
        }
        long points = n;
        double total = n;
        if (weights is not null)
        {
            if (weights.Length != n)
                throw new ModelInputException(nameof(weights), $"there are {weights.Length} weights for {n} points: give one weight per point.");
            points = 0;
            total = 0;
            for (int i = 0; i < n; i++)
            {
                double w = weights[i];
                if (!double.IsFinite(w) || w < 0)
                    throw new ModelInputException(nameof(weights), $"weight {i + 1} is {Describe(w)}: weights must be finite and ≥ 0.");
                if (w > 0) points++;
                total += w;
            }
            if (points == 0)
                throw new ModelInputException(nameof(weights), "every weight is 0: at least one point must have a positive weight.");
            if (!double.IsFinite(total))
                throw new ModelInputException(nameof(weights), "the weights sum to infinity: scale them down.");
        }
        return new Dataset(columns, n, weights, null, points, total);
    }

    private static double[][] NewColumns(int d, int n)
    {
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = new double[n];
        return columns;
    }

    private static ModelInputException Empty() =>
        new("data", "the data has no points: give at least one point (and at least K).");

    private static string Describe(double x) => double.IsNaN(x) ? "NaN" : x.ToString("G6", CultureInfo.InvariantCulture);

    private readonly record struct RowKey(int Row);

    private sealed class RowKeyComparer(double[][] columns) : IEqualityComparer<RowKey>
    {
        public bool Equals(RowKey a, RowKey b)
        {
            foreach (double[] c in columns)
            {
                if (BitConverter.DoubleToInt64Bits(c[a.Row]) != BitConverter.DoubleToInt64Bits(c[b.Row])) return false;
            }
            return true;
        }

        public int GetHashCode(RowKey key)
        {
            var hash = new HashCode();
            foreach (double[] c in columns) hash.Add(BitConverter.DoubleToInt64Bits(c[key.Row]));
            return hash.ToHashCode();
        }
    }
}
