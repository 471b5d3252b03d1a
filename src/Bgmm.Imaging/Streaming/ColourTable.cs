using System.Globalization;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// The distinct colours of an image fed a band of pixels at a time, in order of first occurrence
/// (row-major), with their pixel counts: the colour table of <see cref="RgbImage.ToCompressedDataset"/>,
/// built without holding the pixels. Memory follows the colours, never the pixel count.
/// </summary>
/// <remarks>
/// 8-bit colours are 24-bit keys looked up in a direct 2²⁴-entry table (64 MB); 16-bit colours are
/// 48-bit keys in an open-addressing hash table (linear probing, Fibonacci hashing) that grows with
/// the colours and refuses to grow past a limit (<see cref="ColourTableFullException"/>), since a
/// 16-bit image can have as many colours as pixels. <see cref="RowOf(int, int, int)"/> finds a
/// colour's row afterwards (labelling through the table).
/// </remarks>
internal abstract class ColourTable
{
    /// <summary>The number of distinct colours so far.</summary>
    public abstract int Count { get; }

    /// <summary>The number of pixels added.</summary>
    public long PixelCount { get; protected set; }

    /// <summary>A table for 8-bit (<paramref name="bitsPerChannel"/> = 8) or 16-bit colours.</summary>
    /// <param name="bitsPerChannel">8 or 16.</param>
    /// <param name="maxColours">16-bit only: the most distinct colours the table may hold.</param>
    public static ColourTable Create(int bitsPerChannel, long maxColours) =>
        bitsPerChannel == 8 ? new ColourTable8() : new ColourTable16(maxColours);

    /// <summary>Adds pixels of an 8-bit image; <paramref name="rows"/>, when not empty, receives each pixel's row.</summary>
    public virtual void Add(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<int> rows = default) =>
        throw new InvalidOperationException("this is a table of 16-bit colours.");

    /// <summary>Adds pixels of a 16-bit image; <paramref name="rows"/>, when not empty, receives each pixel's row.</summary>
    /// <exception cref="ColourTableFullException">A new colour would exceed the table's limit.</exception>
    public virtual void Add(ReadOnlySpan<ushort> r, ReadOnlySpan<ushort> g, ReadOnlySpan<ushort> b, Span<int> rows = default) =>
        throw new InvalidOperationException("this is a table of 8-bit colours.");

    /// <summary>The row of a colour of the table (stored values), or −1 when it is not in it.</summary>
    public abstract int RowOf(int r, int g, int b);

    /// <summary>The rows of the colours of 8-bit pixels (−1 for a colour not in the table).</summary>
    public virtual void RowsOf(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<int> rows) =>
        throw new InvalidOperationException("this is a table of 16-bit colours.");

    /// <summary>The rows of the colours of 16-bit pixels (−1 for a colour not in the table).</summary>
    public void RowsOf(ReadOnlySpan<ushort> r, ReadOnlySpan<ushort> g, ReadOnlySpan<ushort> b, Span<int> rows)
    {
        for (int i = 0; i < r.Length; i++) rows[i] = RowOf(r[i], g[i], b[i]);
    }

    /// <summary>The table as a dataset: one row per colour (first occurrence first), values scaled as <see cref="RgbImage.ToDataset"/>, weighted by the pixel counts.</summary>
    public abstract Dataset ToDataset();

    /// <summary>A list that grows by doubling, without the checks of <see cref="List{T}"/>.</summary>
    protected sealed class Growing<T>(int capacity)
        where T : unmanaged
    {
        private T[] _items = new T[capacity];

        public T[] Items => _items;

        public void Add(int index, T value)
        {
            if (index == _items.Length) Array.Resize(ref _items, checked(_items.Length * 2));
            _items[index] = value;
        }

        public T[] ToArray(int count) => _items.AsSpan(0, count).ToArray();
    }

    protected static double[] Weights(Growing<long> counts, int m)
    {
        var weights = new double[m];
        for (int i = 0; i < m; i++) weights[i] = counts.Items[i];
        return weights;
    }

    private sealed class ColourTable8 : ColourTable
    {
        private const int InitialCapacity = 1 << 12;
        private readonly int[] _rowOfKey = new int[1 << 24]; // row + 1; 0 = not seen yet
        private readonly Growing<byte> _r = new(InitialCapacity), _g = new(InitialCapacity), _b = new(InitialCapacity);
        private readonly Growing<long> _counts = new(InitialCapacity);
        private int _count;

        public override int Count => _count;

        public override void Add(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<int> rows = default)
        {
            int[] rowOfKey = _rowOfKey;
            long[] counts = _counts.Items;
            for (int i = 0; i < r.Length; i++)
            {
                int key = (r[i] << 16) | (g[i] << 8) | b[i];
                int row = rowOfKey[key] - 1;
                if (row < 0)
                {
                    row = _count++;
                    rowOfKey[key] = row + 1;
                    _r.Add(row, r[i]);
                    _g.Add(row, g[i]);
                    _b.Add(row, b[i]);
                    _counts.Add(row, 0);
                    counts = _counts.Items;
                }
                counts[row]++;
                if (!rows.IsEmpty) rows[i] = row;
            }
            PixelCount += r.Length;
        }

        public override int RowOf(int r, int g, int b) => _rowOfKey[(r << 16) | (g << 8) | b] - 1;

        public override void RowsOf(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<int> rows)
        {
            int[] rowOfKey = _rowOfKey;
            for (int i = 0; i < r.Length; i++) rows[i] = rowOfKey[(r[i] << 16) | (g[i] << 8) | b[i]] - 1;
        }

        public override Dataset ToDataset() =>
            Dataset.FromBytePlanes([_r.ToArray(_count), _g.ToArray(_count), _b.ToArray(_count)], Weights(_counts, _count), scaleDivisor: byte.MaxValue);
    }

    private sealed class ColourTable16(long maxColours) : ColourTable
    {
        private const int InitialBits = 12;
        private readonly Growing<ushort> _r = new(1 << InitialBits), _g = new(1 << InitialBits), _b = new(1 << InitialBits);
        private readonly Growing<long> _counts = new(1 << InitialBits);
        private long[] _keys = new long[1 << InitialBits]; // key + 1; 0 = empty
        private int[] _rows = new int[1 << InitialBits];
        private int _bits = InitialBits, _count;

        public override int Count => _count;

        public override void Add(ReadOnlySpan<ushort> r, ReadOnlySpan<ushort> g, ReadOnlySpan<ushort> b, Span<int> rows = default)
        {
            for (int i = 0; i < r.Length; i++)
            {
                long tagged = (((long)r[i] << 32) | ((long)g[i] << 16) | b[i]) + 1;
                int slot = Find(tagged);
                int row;
                if (_keys[slot] == tagged)
                {
                    row = _rows[slot];
                }
                else
                {
                    if (_count >= maxColours) throw new ColourTableFullException(maxColours);
                    row = _count++;
                    _keys[slot] = tagged;
                    _rows[slot] = row;
                    _r.Add(row, r[i]);
                    _g.Add(row, g[i]);
                    _b.Add(row, b[i]);
                    _counts.Add(row, 0);
                    if (_count > _keys.Length / 2) Grow();
                }
                _counts.Items[row]++;
                if (!rows.IsEmpty) rows[i] = row;
            }
            PixelCount += r.Length;
        }

        public override int RowOf(int r, int g, int b)
        {
            long tagged = (((long)r << 32) | ((long)g << 16) | (long)b) + 1;
            int slot = Find(tagged);
            return _keys[slot] == tagged ? _rows[slot] : -1;
        }

        public override Dataset ToDataset()
        {
            int m = _count;
            var columns = new[] { new double[m], new double[m], new double[m] };
            for (int row = 0; row < m; row++)
            {
                columns[0][row] = ChannelScale.Scale16(_r.Items[row]);
                columns[1][row] = ChannelScale.Scale16(_g.Items[row]);
                columns[2][row] = ChannelScale.Scale16(_b.Items[row]);
            }
            return Dataset.WrapColumns(columns, Weights(_counts, m));
        }

        /// <summary>The slot holding <paramref name="tagged"/>, or the empty slot where it would go.</summary>
        private int Find(long tagged)
        {
            int mask = _keys.Length - 1;
            int slot = Hash((ulong)tagged, _bits);
            while (_keys[slot] != 0 && _keys[slot] != tagged) slot = (slot + 1) & mask;
            return slot;
        }

        private void Grow()
        {
            long[] oldKeys = _keys;
            int[] oldRows = _rows;
            _bits++;
            _keys = new long[1 << _bits];
            _rows = new int[1 << _bits];
            for (int s = 0; s < oldKeys.Length; s++)
            {
                if (oldKeys[s] == 0) continue;
                int slot = Find(oldKeys[s]);
                _keys[slot] = oldKeys[s];
                _rows[slot] = oldRows[s];
            }
        }

        private static int Hash(ulong key, int bits) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - bits));
    }
}

/// <summary>A 16-bit image has more distinct colours than its colour table may hold.</summary>
internal sealed class ColourTableFullException(long limit)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"the image has more than {limit:N0} distinct colours."))
{
    /// <summary>The limit that was reached.</summary>
    public long Limit { get; } = limit;
}
