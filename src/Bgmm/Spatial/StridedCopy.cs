using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bgmm.Spatial;

/// <summary>
/// destination[i] = source[start + step·i] for step 1 or 2: how the site update gathers one colour
/// class of a row (every second pixel) from the pixel columns and the planes of q. With step 2 a
/// vector of 2W values is loaded and its even lanes kept; vectors are used only where their whole
/// load lies inside <c>source</c>, the rest is copied one value at a time. Byte planes are looked up
/// in their table of quotients, so the block holds exactly the values double columns would.
/// </summary>
internal static class StridedCopy
{
    public static void Copy(ReadOnlySpan<double> source, int start, int step, Span<double> destination, int count, LaneWidth width)
    {
        if (step == 1)
        {
            source.Slice(start, count).CopyTo(destination);
            return;
        }
        int i = 0;
        ref double from = ref MemoryMarshal.GetReference(source);
        ref double to = ref MemoryMarshal.GetReference(destination);
        if (width == LaneWidth.V512 && Avx512F.IsSupported)
        {
            // One two-source permute (vpermt2pd) keeps lanes 0, 2, …, 14 of the 16 loaded values.
            Vector512<long> evens = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
            for (; i + 8 <= count && start + 2 * i + 16 <= source.Length; i += 8)
            {
                ref double s = ref Unsafe.Add(ref from, start + 2 * i);
                Avx512F.PermuteVar8x64x2(Vector512.LoadUnsafe(ref s), evens, Vector512.LoadUnsafe(ref s, 8)).StoreUnsafe(ref to, (nuint)i);
            }
        }
        else if (width == LaneWidth.V256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<long> evens = Vector256.Create(0L, 2, 0, 2);
            for (; i + 4 <= count && start + 2 * i + 8 <= source.Length; i += 4)
            {
                ref double s = ref Unsafe.Add(ref from, start + 2 * i);
                Vector128<double> low = Vector256.Shuffle(Vector256.LoadUnsafe(ref s), evens).GetLower();
                Vector128<double> high = Vector256.Shuffle(Vector256.LoadUnsafe(ref s, 4), evens).GetLower();
                Vector256.Create(low, high).StoreUnsafe(ref to, (nuint)i);
            }
        }
        for (; i < count; i++) destination[i] = source[start + 2 * i];
    }

    /// <summary>destination[i] = table[source[start + step·i]]: byte planes to their coordinates.</summary>
    public static void Copy(ReadOnlySpan<byte> source, ReadOnlySpan<double> table, int start, int step, Span<double> destination, int count)
    {
        if (count == 0) return;
        ReadOnlySpan<byte> values = source.Slice(start, step * (count - 1) + 1);
        for (int i = 0; i < count; i++) destination[i] = table[values[step * i]];
    }

    public static void Copy(ReadOnlySpan<float> source, int start, int step, Span<float> destination, int count, LaneWidth width)
    {
        if (step == 1)
        {
            source.Slice(start, count).CopyTo(destination);
            return;
        }
        int i = 0;
        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(destination);
        if (width == LaneWidth.V512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<int> evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
            for (; i + 8 <= count && start + 2 * i + 16 <= source.Length; i += 8)
            {
                Vector512.Shuffle(Vector512.LoadUnsafe(ref Unsafe.Add(ref from, start + 2 * i)), evens).GetLower().StoreUnsafe(ref to, (nuint)i);
            }
        }
        else if (width == LaneWidth.V256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<int> evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
            for (; i + 4 <= count && start + 2 * i + 8 <= source.Length; i += 4)
            {
                Vector256.Shuffle(Vector256.LoadUnsafe(ref Unsafe.Add(ref from, start + 2 * i)), evens).GetLower().StoreUnsafe(ref to, (nuint)i);
            }
        }
        for (; i < count; i++) destination[i] = source[start + 2 * i];
    }
}
