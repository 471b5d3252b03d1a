using System.Runtime.InteropServices;
using Bgmm.Kernels;

namespace Bgmm;

/// <summary>Receives a storage's planes with the reader that decodes them (see <see cref="PointStorage.Visit{TVisitor}"/>).</summary>
internal interface IPlaneVisitor
{
    /// <summary>
    /// Called once with the D planes (each of <see cref="PointStorage.Count"/> stored values) and the
    /// reader the kernels load them through; stored value v stands for the coordinate v / <paramref name="scale"/>.
    /// </summary>
    void Visit<TReader>(Array[] planes, double scale)
        where TReader : struct, IPlaneReader;
}

/// <summary>
/// How a <see cref="Dataset"/> holds its coordinates: D planes (structure of arrays) of one element
/// type. Every consumer reads through this abstraction — exact coordinates through the indexer and
/// <see cref="CopyRow"/>, the kernels through <see cref="Visit{TVisitor}"/>, which hands them the
/// planes with a reader the JIT specialises — so none tests which storage it has.
/// </summary>
internal abstract class PointStorage
{
    protected PointStorage(int dimension, int count, double scale)
    {
        Dimension = dimension;
        Count = count;
        Scale = scale;
    }

    public int Dimension { get; }

    public int Count { get; }

    /// <summary>The divisor s of the stored values (coordinate = v / s): 1 for doubles, 255 for 8-bit images.</summary>
    public double Scale { get; }

    /// <summary>Bytes per stored coordinate.</summary>
    public abstract int BytesPerValue { get; }

    /// <summary>Coordinate j of row i (the exact IEEE quotient v / s).</summary>
    public abstract double this[int row, int column] { get; }

    /// <summary>Copies row i's coordinates into <paramref name="destination"/> (length D).</summary>
    public abstract void CopyRow(int row, Span<double> destination);

    /// <summary>Whether rows a and b hold bitwise-equal stored values (for these storages: equal coordinates).</summary>
    public abstract bool RowsEqual(int a, int b);

    /// <summary>Adds row i's stored values to a hash (consistent with <see cref="RowsEqual"/>).</summary>
    public abstract void AddToHash(int row, ref HashCode hash);

    /// <summary>A new storage of the same kind holding the given rows, in that order.</summary>
    public abstract PointStorage Select(ReadOnlySpan<int> rows);

    /// <summary>Column j as doubles (built and kept on first use where the storage is not doubles).</summary>
    public abstract ReadOnlySpan<double> Column(int j);

    /// <summary>Hands the planes to <paramref name="visitor"/> with their reader.</summary>
    public abstract void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, IPlaneVisitor, allows ref struct;
}

/// <summary>D columns of doubles.</summary>
internal sealed class DoubleColumnStorage(double[][] columns) : PointStorage(columns.Length, columns[0].Length, 1.0)
{
    public override int BytesPerValue => sizeof(double);

    public override double this[int row, int column] => columns[column][row];

    public override void CopyRow(int row, Span<double> destination)
    {
        for (int j = 0; j < columns.Length; j++) destination[j] = columns[j][row];
    }

    public override bool RowsEqual(int a, int b)
    {
        foreach (double[] c in columns)
        {
            if (BitConverter.DoubleToInt64Bits(c[a]) != BitConverter.DoubleToInt64Bits(c[b])) return false;
        }
        return true;
    }

    public override void AddToHash(int row, ref HashCode hash)
    {
        foreach (double[] c in columns) hash.Add(BitConverter.DoubleToInt64Bits(c[row]));
    }

    public override PointStorage Select(ReadOnlySpan<int> rows)
    {
        var selected = new double[columns.Length][];
        for (int j = 0; j < columns.Length; j++)
        {
            selected[j] = new double[rows.Length];
            for (int r = 0; r < rows.Length; r++) selected[j][r] = columns[j][rows[r]];
        }
        return new DoubleColumnStorage(selected);
    }

    public override ReadOnlySpan<double> Column(int j) => columns[j];

    public override void Visit<TVisitor>(ref TVisitor visitor) => visitor.Visit<DoublePlaneReader>(columns, 1.0);
}

/// <summary>D planes of bytes v standing for v / s (8-bit images: 1 byte per coordinate instead of 8).</summary>
internal sealed class BytePlaneStorage : PointStorage
{
    private readonly byte[][] _planes;

    /// <summary>v / s for v = 0..255, each an IEEE quotient.</summary>
    private readonly double[] _table = new double[256];

    /// <summary>The columns <see cref="Column"/> built on first use.</summary>
    private readonly double[]?[] _materialised;

    public BytePlaneStorage(byte[][] planes, double scale)
        : base(planes.Length, planes[0].Length, scale)
    {
        _planes = planes;
        for (int v = 0; v < _table.Length; v++) _table[v] = v / scale;
        _materialised = new double[planes.Length][];
    }

    /// <summary>The planes themselves (shared, not copied).</summary>
    public IReadOnlyList<byte[]> Planes => _planes;

    public override int BytesPerValue => sizeof(byte);

    public override double this[int row, int column] => _table[_planes[column][row]];

    public override void CopyRow(int row, Span<double> destination)
    {
        for (int j = 0; j < _planes.Length; j++) destination[j] = _table[_planes[j][row]];
    }

    public override bool RowsEqual(int a, int b)
    {
        // Distinct bytes are distinct quotients v / s: compare the bytes.
        foreach (byte[] p in _planes)
        {
            if (p[a] != p[b]) return false;
        }
        return true;
    }

    public override void AddToHash(int row, ref HashCode hash)
    {
        foreach (byte[] p in _planes) hash.Add(p[row]);
    }

    public override PointStorage Select(ReadOnlySpan<int> rows)
    {
        var selected = new byte[_planes.Length][];
        for (int j = 0; j < _planes.Length; j++)
        {
            selected[j] = new byte[rows.Length];
            for (int r = 0; r < rows.Length; r++) selected[j][r] = _planes[j][rows[r]];
        }
        return new BytePlaneStorage(selected, Scale);
    }

    /// <remarks>8 bytes per row, kept for the storage's lifetime; safe to call from several threads, which then all get the same column.</remarks>
    public override ReadOnlySpan<double> Column(int j)
    {
        double[]? column = Volatile.Read(ref _materialised[j]);
        if (column is null)
        {
            byte[] plane = _planes[j];
            var built = GC.AllocateUninitializedArray<double>(plane.Length);
            for (int i = 0; i < plane.Length; i++) built[i] = _table[plane[i]];
            column = Interlocked.CompareExchange(ref _materialised[j], built, null) ?? built;
        }
        return column;
    }

    public override void Visit<TVisitor>(ref TVisitor visitor) => visitor.Visit<BytePlaneReader>(_planes, Scale);

    /// <summary>Row i's coordinates through the table, without a virtual call per value.</summary>
    public ReadOnlySpan<double> Table => _table;
}

/// <summary>Plane access shared by the kernels.</summary>
internal static class Planes
{
    /// <summary>Plane j from row <paramref name="row"/> on, as a reference to its first stored byte.</summary>
    public static ref byte At<TReader>(Array[] planes, int j, int row)
        where TReader : struct, IPlaneReader =>
        ref System.Runtime.CompilerServices.Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(planes[j]), (nint)row * TReader.ElementSize);
}
