using System.Numerics;
using Bgmm.Imaging.Streaming;

namespace Bgmm.Imaging;

/// <summary>
/// Finds the distinct colours of an image in order of first occurrence, with their pixel counts
/// and every pixel's colour index. 8-bit colours are 24-bit keys, 16-bit colours 48-bit keys.
/// </summary>
/// <remarks>
/// Small images use an open-addressing hash table (linear probing, multiplicative hashing) that
/// grows with the number of distinct colours, so its memory follows the colours, not the pixels;
/// 8-bit images with many pixels use a direct 2²⁴-entry table (64 MB), which beats any hash table
/// once the image is large.
/// </remarks>
internal static class DistinctColours
{
    /// <summary>Above this many pixels an 8-bit image uses the direct 2²⁴-entry table.</summary>
    internal const int DirectTableThreshold = 1 << 22;

    private const int InitialCapacity = 1 << 12;

    /// <summary>The distinct colours (weighted by their pixel counts) and every pixel's row among them.</summary>
    internal sealed record Result(Dataset Rows, int[] SourceRows)
    {
        public Dataset ToCompressed() => Dataset.FromDistinct(Rows, SourceRows);
    }

    public static Result Find8(byte[] r, byte[] g, byte[] b) =>
        r.Length > DirectTableThreshold ? Find8Direct(r, g, b) : Find8Hashed(r, g, b);

    internal static Result Find8Direct(byte[] r, byte[] g, byte[] b)
    {
        var table = ColourTable.Create(8, long.MaxValue);
        var sourceRows = GC.AllocateUninitializedArray<int>(r.Length);
        table.Add(r, g, b, sourceRows);
        return new Result(table.ToDataset(), sourceRows);
    }

    internal static Result Find8Hashed(byte[] r, byte[] g, byte[] b)
    {
        int n = r.Length;
        var sourceRows = GC.AllocateUninitializedArray<int>(n);
        var first = new GrowingList(InitialCapacity);
        // Each slot packs (key + 1) in the high 32 bits and the row in the low 32; 0 = empty.
        int bits = BitOperations.Log2(InitialCapacity);
        var slots = new long[1 << bits];
        int mask = slots.Length - 1;
        int limit = slots.Length / 2;
        for (int i = 0; i < n; i++)
        {
            long tagged = (long)((r[i] << 16) | (g[i] << 8) | b[i]) + 1;
            int slot = Hash((ulong)tagged, bits);
            int row;
            while (true)
            {
                long entry = slots[slot];
                if (entry == 0)
                {
                    row = first.Count;
                    first.Add(i);
                    slots[slot] = (tagged << 32) | (uint)row;
                    if (first.Count > limit)
                    {
                        bits++;
                        slots = Rehash(slots, bits);
                        mask = slots.Length - 1;
                        limit = slots.Length / 2;
                    }
                    break;
                }
                if ((entry >>> 32) == tagged)
                {
                    row = (int)(uint)entry;
                    break;
                }
                slot = (slot + 1) & mask;
            }
            sourceRows[i] = row;
        }
        return Build8(r, g, b, first, sourceRows);

        static long[] Rehash(long[] old, int bits)
        {
            var slots = new long[1 << bits];
            int mask = slots.Length - 1;
            foreach (long entry in old)
            {
                if (entry == 0) continue;
                int slot = Hash((ulong)(entry >>> 32), bits);
                while (slots[slot] != 0) slot = (slot + 1) & mask;
                slots[slot] = entry;
            }
            return slots;
        }
    }

    public static Result Find16(ushort[] r, ushort[] g, ushort[] b)
    {
        var table = ColourTable.Create(16, long.MaxValue);
        var sourceRows = GC.AllocateUninitializedArray<int>(r.Length);
        table.Add(r, g, b, sourceRows);
        return new Result(table.ToDataset(), sourceRows);
    }

    /// <summary>Fibonacci hashing: the top <paramref name="bits"/> bits of key·2⁶⁴/φ.</summary>
    private static int Hash(ulong key, int bits) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - bits));

    private static Result Build8(byte[] r, byte[] g, byte[] b, GrowingList first, int[] sourceRows)
    {
        // The distinct colours stay bytes (1 byte per coordinate, read in-register by the kernels).
        int m = first.Count;
        var planes = new[] { new byte[m], new byte[m], new byte[m] };
        for (int row = 0; row < m; row++)
        {
            int p = first[row];
            planes[0][row] = r[p];
            planes[1][row] = g[p];
            planes[2][row] = b[p];
        }
        return new Result(Dataset.FromBytePlanes(planes, Count(sourceRows, m)), sourceRows);
    }

    private static double[] Count(int[] sourceRows, int m)
    {
        var counts = new int[m];
        foreach (int row in sourceRows) counts[row]++;
        var result = new double[m];
        for (int row = 0; row < m; row++) result[row] = counts[row];
        return result;
    }

    /// <summary>A list of ints without the bounds and version checks of <see cref="List{T}"/>.</summary>
    private sealed class GrowingList(int capacity)
    {
        private int[] _items = new int[capacity];

        public int Count { get; private set; }

        public int this[int i] => _items[i];

        public void Add(int value)
        {
            if (Count == _items.Length) Array.Resize(ref _items, checked(_items.Length * 2));
            _items[Count++] = value;
        }
    }
}
