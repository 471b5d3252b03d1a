using System.Runtime.CompilerServices;

namespace Bgmm.Kernels;

/// <summary>
/// How the kernels read one storage of a dataset's coordinates (<see cref="PointStorage.Visit{TVisitor}"/>): double
/// columns or byte planes. The kernels are generic methods over the reader, which the JIT specialises,
/// so a load inlines to the storage's one or two instructions. A plane is addressed by a reference to
/// its first byte; stored value v stands for the coordinate v / <see cref="Dataset.PlaneScale"/>.
/// </summary>
internal interface IPlaneReader
{
    /// <summary>Bytes per stored value.</summary>
    static abstract int ElementSize { get; }

    /// <summary>
    /// Whether a load widens stored integers to lanes: the lanes then hold v, the coordinate times
    /// <see cref="Dataset.PlaneScale"/> (false for double columns, whose scale is 1).
    /// </summary>
    static abstract bool Converts { get; }

    /// <summary>
    /// Whether the kernels should prefetch the plane ahead of a block: worth it for double columns
    /// (one cache line per 8 rows); byte planes are 8× denser, the hardware prefetcher keeps up, and
    /// a prefetch per vector load would mostly hit lines already requested (measured slower).
    /// </summary>
    static abstract bool Prefetches { get; }

    /// <summary><see cref="IVectorOps{TV}.Count"/> stored values from row <paramref name="row"/> of <paramref name="plane"/>, as lanes (not rescaled).</summary>
    static abstract TV Load<TOps, TV>(ref byte plane, nint row)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged;
}

/// <summary>Double columns: a load is a vector load (narrowed to float in the float variants).</summary>
internal readonly struct DoublePlaneReader : IPlaneReader
{
    public static int ElementSize => sizeof(double);

    public static bool Converts => false;

    public static bool Prefetches => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TOps, TV>(ref byte plane, nint row)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged =>
        TOps.LoadPlane(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref plane, row * sizeof(double))));
}

/// <summary>Byte planes (8-bit images): a load widens the bytes to lanes exactly, in registers.</summary>
internal readonly struct BytePlaneReader : IPlaneReader
{
    public static int ElementSize => sizeof(byte);

    public static bool Converts => true;

    public static bool Prefetches => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TOps, TV>(ref byte plane, nint row)
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged =>
        TOps.LoadBytes(ref Unsafe.Add(ref plane, row));
}

/// <summary>Loads a block's coordinates from a storage's planes into <see cref="KernelBlock{TV}.Coordinates"/>.</summary>
internal static partial class Simd<TOps, TV>
{
    /// <summary>
    /// Rows ahead to prefetch while streaming double columns: a block is swept once to load and again
    /// from L1 to score, a pattern the hardware prefetcher follows poorly.
    /// </summary>
    private const int PrefetchDistance = 512;

    /// <summary>
    /// <paramref name="vectors"/> vectors of rows from <paramref name="row"/> on, as stored (v = s·x; the
    /// statistics pass), or, with <paramref name="exactUnits"/>, as the exact coordinates v / s by IEEE
    /// division (the labeller, so that its scores are those of double columns holding v / s).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Load<TReader>(ref KernelBlock<TV> block, Array[] planes, int row, int vectors, bool exactUnits, double scale)
        where TReader : struct, IPlaneReader
    {
        int n = TOps.Count, stride = block.Stride;
        bool divide = exactUnits && TReader.Converts;
        TV divisor = TOps.Broadcast(scale);
        for (int j = 0; j < block.Dimension; j++)
        {
            ref byte plane = ref Planes.At<TReader>(planes, j, row);
            Span<TV> target = block.Coordinates.Slice(j * stride, vectors);
            for (int i = 0; i < target.Length; i++)
            {
                nint offset = (nint)i * n;
                if (TReader.Prefetches)
                {
                    Prefetch(ref Unsafe.Add(ref plane, (offset + PrefetchDistance) * TReader.ElementSize));
                    // float32: a vector spans two cache lines of each column.
                    if (n * TReader.ElementSize > 64) Prefetch(ref Unsafe.Add(ref plane, (offset + 64 / TReader.ElementSize + PrefetchDistance) * TReader.ElementSize));
                }
                TV v = TReader.Load<TOps, TV>(ref plane, offset);
                target[i] = divide ? TOps.Divide(v, divisor) : v;
            }
        }
    }

    /// <summary>Prefetches the cache line at <paramref name="address"/> (never faults: a hint past the end is harmless).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref byte address)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref address));
    }
}
