using System.Globalization;
using System.Runtime.InteropServices;

namespace Bgmm;

/// <summary>
/// N points in D dimensions, stored as D columns (structure of arrays, the layout the per-point
/// kernels read), with optional non-negative per-point weights: a point of weight w counts as w
/// identical points, and weight 0 removes it from the fit.
/// </summary>
/// <remarks>
/// <para>Storage is either D columns of doubles or, for 8-bit images, D planes of bytes v standing for
/// the coordinates v / s (s = 255 for images: <see cref="FromBytePlanes"/>), 1 byte per coordinate
/// instead of 8. The kernels read byte planes directly and convert in registers; every other member
/// (the indexer, <see cref="CopyRow"/>, <see cref="Compress"/>, …) gives the exact IEEE quotients
/// v / s, so both storages of the same values behave alike.</para>
/// <para>A dataset may be a compressed view of a larger one (<see cref="Compress"/>): each distinct row
/// stands for all the source points equal to it, with their summed weight. It then remembers which
/// source point became which row, so random initialisation draws from the source points and gives
/// the same initial mixture as the uncompressed data.</para>
/// </remarks>
public sealed class Dataset
{
    private readonly PointStorage _storage;
    private readonly double[]? _weights;
    private readonly int[]? _sourceRows;

    private Dataset(PointStorage storage, double[]? weights, int[]? sourceRows, long pointCount, double totalWeight)
    {
        _storage = storage;
        _weights = weights;
        _sourceRows = sourceRows;
        PointCount = pointCount;
        TotalWeight = totalWeight;
    }

    /// <summary>Number of rows (after compression: distinct rows).</summary>
    public int Count => _storage.Count;

    /// <summary>D, the number of coordinates per point.</summary>
    public int Dimension => _storage.Dimension;

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
    /// <remarks>
    /// A dataset stored as byte planes (<see cref="FromBytePlanes"/>) builds a column of doubles on the
    /// first call for each j (8 bytes per row, kept for the dataset's lifetime; safe to call from several
    /// threads, which then all get the same column). The fitter and the kernels never call it: prefer the
    /// indexer or <see cref="CopyRow"/> where a copy of every coordinate would cost too much memory.
    /// </remarks>
    public ReadOnlySpan<double> Column(int j) => _storage.Column(j);

    /// <summary>The point weights, or an empty span when every weight is 1.</summary>
    public ReadOnlySpan<double> PointWeights => _weights;

    /// <summary>Weight of row i.</summary>
    public double Weight(int i) => _weights is null ? 1.0 : _weights[i];

    /// <summary>Coordinate j of row i.</summary>
    public double this[int i, int j] => _storage[i, j];

    /// <summary>Copies row i into <paramref name="destination"/> (length D).</summary>
    public void CopyRow(int i, Span<double> destination) => _storage.CopyRow(i, destination);

    /// <summary>
    /// The number of distinct rows of positive weight, counting no further than
    /// <paramref name="atMost"/> (so it costs O(N·atMost) at worst and stops early).
    /// </summary>
    public int CountDistinctRows(int atMost) => Initializers.CountDistinct(new DatasetRows(this, sourcePoints: false), atMost);

    /// <summary>Whether rows a and b have equal coordinates.</summary>
    internal bool RowsEqual(int a, int b) => _storage.RowsEqual(a, b);

    /// <summary>
    /// For a compressed dataset, the row each source point became (length = number of source
    /// points); empty otherwise.
    /// </summary>
    public ReadOnlySpan<int> SourceRows => _sourceRows;

    /// <summary>How the coordinates are held (read by the kernels through <see cref="PointStorage.Visit{TVisitor}"/>).</summary>
    internal PointStorage Storage => _storage;

    /// <summary>Whether the coordinates are stored as byte planes (<see cref="FromBytePlanes"/>).</summary>
    internal bool HasBytePlanes => _storage is BytePlaneStorage;

    /// <summary>The divisor s of the stored values: 1 for double columns, 255 for 8-bit images.</summary>
    internal double PlaneScale => _storage.Scale;

    /// <summary>Builds a dataset from rows (each of length D). The values are copied and validated.</summary>
    /// <param name="rows">N rows of D finite values.</param>
    /// <param name="weights">Optional N non-negative finite weights, not all zero.</param>
    public static Dataset FromRows(IReadOnlyList<double[]> rows, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw Empty("rows");
        int d = rows[0]?.Length ?? 0;
        if (d == 0) throw new ModelInputException("rows", "row 0 has no values: every point needs D ≥ 1 coordinates.");
        var columns = NewColumns(d, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            double[] row = rows[i] ?? throw new ModelInputException("rows", $"row {i} is null.");
            if (row.Length != d)
                throw new ModelInputException("rows", $"row {i} has {row.Length} values but row 0 has {d}: every point must have the same dimension.");
            for (int j = 0; j < d; j++) columns[j][i] = row[j];
        }
        return Create(columns, rows.Count, weights, "rows");
    }

    /// <summary>Builds a dataset from an N×D matrix. The values are copied and validated.</summary>
    public static Dataset FromMatrix(double[,] points, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.GetLength(0), d = points.GetLength(1);
        if (n == 0) throw Empty("points");
        if (d == 0) throw new ModelInputException("points", "the points have no coordinates: D must be ≥ 1.");
        var columns = NewColumns(d, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) columns[j][i] = points[i, j];
        }
        return Create(columns, n, weights, "points");
    }

    /// <summary>
    /// Builds a dataset from D columns of equal length N. The columns are copied and validated.
    /// </summary>
    public static Dataset FromColumns(IReadOnlyList<double[]> columns, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ModelInputException("columns", "no columns: D must be ≥ 1.");
        int n = columns[0]?.Length ?? 0;
        var copy = new double[columns.Count][];
        for (int j = 0; j < columns.Count; j++)
        {
            double[] c = columns[j] ?? throw new ModelInputException("columns", $"column {j} is null.");
            if (c.Length != n)
                throw new ModelInputException("columns", $"column {j} has {c.Length} values but column 0 has {n}: all columns must have the same length.");
            copy[j] = (double[])c.Clone();
        }
        if (n == 0) throw Empty("columns");
        return Create(copy, n, weights, "columns");
    }

    /// <summary>
    /// Takes ownership of already-built columns (no copy), validating them. For adapters (such as
    /// image loaders) that build the columns themselves.
    /// </summary>
    public static Dataset WrapColumns(double[][] columns, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0) throw new ModelInputException("columns", "no columns: D must be ≥ 1.");
        for (int j = 0; j < columns.Length; j++)
        {
            if (columns[j] is null) throw new ArgumentNullException(nameof(columns), $"column {j} is null.");
        }
        int n = columns[0].Length;
        for (int j = 1; j < columns.Length; j++)
        {
            if (columns[j].Length != n)
                throw new ModelInputException("columns", $"column {j} has {columns[j].Length} values but column 0 has {n}: all columns must have the same length.");
        }
        if (n == 0) throw Empty("columns");
        return Create(columns, n, weights is null ? null : (double[])weights.Clone(), "columns");
    }

    /// <summary>
    /// A dataset stored as D planes of bytes, 1 byte per coordinate (8-bit images: the fitter's default
    /// input, 3 bytes per pixel instead of 24): byte v of plane j is coordinate j = v /
    /// <paramref name="scaleDivisor"/>, the IEEE quotient in double (SPEC §4: v/255.0 for 8-bit
    /// channels). Takes ownership of the planes (no copy): do not change them afterwards.
    /// </summary>
    /// <remarks>
    /// Every member reads the same values a dataset of double columns holding the quotients would
    /// (<see cref="Column"/> builds such a column on first use); fits, statistics and labels agree with
    /// that dataset's to rounding (the kernels work in units of 1/<paramref name="scaleDivisor"/> to
    /// convert the bytes in registers without a division per value).
    /// </remarks>
    /// <param name="planes">D ≥ 1 planes of equal length N ≥ 1.</param>
    /// <param name="weights">Optional N non-negative finite weights, not all zero (copied).</param>
    /// <param name="scaleDivisor">s, finite and positive: 255 for 8-bit colour channels.</param>
    internal static Dataset FromBytePlanes(byte[][] planes, double[]? weights = null, double scaleDivisor = 255.0)
    {
        ArgumentNullException.ThrowIfNull(planes);
        if (!double.IsFinite(scaleDivisor) || scaleDivisor <= 0)
            throw new ArgumentOutOfRangeException(nameof(scaleDivisor), scaleDivisor, "the divisor must be finite and positive (255 for 8-bit channels).");
        if (planes.Length == 0) throw new ModelInputException("planes", "no planes: D must be ≥ 1.");
        int n = planes[0]?.Length ?? 0;
        for (int j = 0; j < planes.Length; j++)
        {
            byte[] p = planes[j] ?? throw new ModelInputException("planes", $"plane {j} is null.");
            if (p.Length != n)
                throw new ModelInputException("planes", $"plane {j} has {p.Length} values but plane 0 has {n}: all planes must have the same length.");
        }
        if (n == 0) throw Empty("planes");
        double[]? copy = weights is null ? null : (double[])weights.Clone();
        (long points, double total) = CheckWeights(copy, n);
        return new Dataset(new BytePlaneStorage((byte[][])planes.Clone(), scaleDivisor), copy, null, points, total);
    }

    /// <summary>
    /// A compressed view in which identical rows (bitwise-equal coordinates) are one row whose
    /// weight is their summed weight. Fitting it gives the same iterates as fitting this dataset
    /// (up to rounding in the order of summation), with less work when values repeat.
    /// </summary>
    public Dataset Compress()
    {
        var rowOf = new Dictionary<RowKey, int>(new RowKeyComparer(_storage));
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
        // The storage stays what it is (byte planes stay byte planes): the distinct rows, in first-seen order.
        return new Dataset(_storage.Select(CollectionsMarshal.AsSpan(firstSource)), summed.ToArray(), sourceRows, PointCount, TotalWeight);
    }

    /// <summary>
    /// A compressed dataset built by an adapter that already knows the distinct rows: columns of
    /// the distinct values, their counts, and for each source point its row. Validated.
    /// </summary>
    internal static Dataset FromDistinct(double[][] columns, double[] counts, int[] sourceRows) =>
        FromDistinct(WrapColumns(columns, counts), sourceRows);

    /// <summary>
    /// A compressed dataset from its distinct rows (any storage, weighted by how many source points
    /// each stands for) and, for each source point, its row. The rows' storage is shared, not copied.
    /// </summary>
    /// <param name="distinctRows">The distinct rows with their counts as weights.</param>
    /// <param name="sourceRows">For each source point, its row in <paramref name="distinctRows"/>.</param>
    internal static Dataset FromDistinct(Dataset distinctRows, int[] sourceRows)
    {
        ArgumentNullException.ThrowIfNull(distinctRows);
        ArgumentNullException.ThrowIfNull(sourceRows);
        if (distinctRows.IsCompressed)
            throw new ModelInputException(nameof(distinctRows), "the distinct rows are already a compressed dataset.");
        long points = 0;
        for (int s = 0; s < sourceRows.Length; s++)
        {
            int r = sourceRows[s];
            if ((uint)r >= (uint)distinctRows.Count)
                throw new ModelInputException(nameof(sourceRows), $"source point {s} maps to row {r}, outside 0..{distinctRows.Count - 1}.");
            if (distinctRows.Weight(r) > 0) points++;
        }
        return new Dataset(distinctRows._storage, distinctRows._weights, sourceRows, points, distinctRows.TotalWeight);
    }

    private static Dataset Create(double[][] columns, int n, double[]? weights, string parameter)
    {
        int d = columns.Length;
        for (int j = 0; j < d; j++)
        {
            double[] c = columns[j];
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(c[i]))
                {
                    throw new ModelInputException(parameter,
                        $"the value at row {i + 1}, column {j + 1} is {Describe(c[i])}: every coordinate must be a finite number (remove or impute missing values).");
                }
            }
        }
        (long points, double total) = CheckWeights(weights, n);
        return new Dataset(new DoubleColumnStorage(columns), weights, null, points, total);
    }

    /// <summary>Validates optional weights for n rows; returns the number of positive weights and their sum.</summary>
    private static (long Points, double Total) CheckWeights(double[]? weights, int n)
    {
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
        return (points, total);
    }

    private static double[][] NewColumns(int d, int n)
    {
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = new double[n];
        return columns;
    }

    private static ModelInputException Empty(string parameter) =>
        new(parameter, "the data has no points: give at least one point (and at least K).");

    private static string Describe(double x) => double.IsNaN(x) ? "NaN" : x.ToString("G6", CultureInfo.InvariantCulture);

    private readonly record struct RowKey(int Row);

    /// <summary>Bitwise equality of stored rows (for byte planes: of their bytes, which is the same).</summary>
    private sealed class RowKeyComparer(PointStorage storage) : IEqualityComparer<RowKey>
    {
        public bool Equals(RowKey a, RowKey b) => storage.RowsEqual(a.Row, b.Row);

        public int GetHashCode(RowKey key)
        {
            var hash = new HashCode();
            storage.AddToHash(key.Row, ref hash);
            return hash.ToHashCode();
        }
    }
}
