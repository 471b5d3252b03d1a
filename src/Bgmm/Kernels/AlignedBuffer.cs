using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bgmm.Kernels;

/// <summary>
/// A growable buffer whose first element sits on a 64-byte boundary (a cache line, one Vector512).
/// </summary>
/// <remarks>
/// The GC aligns arrays to 8 bytes only, so a <c>TV[]</c> of 64-byte vectors starts anywhere in a
/// cache line, differently from run to run and thread to thread; then every vector load and store of
/// the kernel's scratch spans two lines, a measurable slowdown of the whole pass (docs/performance.md).
/// The storage is a pinned array (the pinned heap never moves it, so the alignment holds), viewed
/// from its first 64-byte boundary.
/// </remarks>
internal struct AlignedBuffer<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    private byte[]? _storage;
    private int _offset;
    private int _length;

    /// <summary>The buffer (its contents are kept only until the next growing <see cref="Ensure"/>).</summary>
    public readonly Span<T> Span => _storage is null
        ? []
        : MemoryMarshal.Cast<byte, T>(_storage.AsSpan(_offset, _length * Unsafe.SizeOf<T>()));

    /// <summary>Grows the buffer (zeroed) to at least <paramref name="length"/> elements.</summary>
    public unsafe void Ensure(int length)
    {
        if (_length >= length) return;
        _storage = GC.AllocateArray<byte>(length * Unsafe.SizeOf<T>() + Alignment - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1));
        _length = length;
    }
}
