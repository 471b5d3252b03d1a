using System.Runtime.CompilerServices;

namespace Bgmm.Kernels;

/// <summary>
/// How the kernels read one storage of a dataset's coordinates (<see cref="Dataset.Planes"/>): double
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
