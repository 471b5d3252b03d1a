using System.Buffers.Binary;

namespace Bgmm.Imaging.Png;

/// <summary>The PNG container: signature, IHDR, chunk layout and CRC-32 (ISO/IEC 15948).</summary>
internal static class PngFile
{
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Signature (8) + IHDR length, type, 13 data bytes and CRC.</summary>
    public const int HeaderLength = 8 + 8 + 13 + 4;

    /// <summary>The largest width or height PNG allows (2³¹ − 1).</summary>
    public const uint MaxSide = int.MaxValue;

    public const uint IHDR = 0x49484452, IDAT = 0x49444154, IEND = 0x49454E44, PLTE = 0x504C5445;

    public readonly record struct Header(uint Width, uint Height, byte BitDepth, byte ColorType, byte Compression, byte Filter, byte Interlace);

    public readonly record struct Chunk(uint Type, int DataOffset, int Length);

    public enum Layout
    {
        /// <summary>Every chunk up to and including IEND lies inside the file.</summary>
        Complete,

        /// <summary>The file ends inside a chunk or before IEND.</summary>
        Truncated,

        /// <summary>A chunk length exceeds 2³¹ − 1: not a PNG chunk.</summary>
        Corrupt,
    }

    public static bool HasSignature(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>Reads IHDR, which must be the first chunk; false when it is missing or malformed.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out Header header)
    {
        header = default;
        if (data.Length < HeaderLength || !HasSignature(data)) return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || BinaryPrimitives.ReadUInt32BigEndian(data[12..]) != IHDR) return false;
        ReadOnlySpan<byte> d = data.Slice(16, 13);
        header = new Header(
            BinaryPrimitives.ReadUInt32BigEndian(d), BinaryPrimitives.ReadUInt32BigEndian(d[4..]),
            d[8], d[9], d[10], d[11], d[12]);
        return true;
    }

    /// <summary>Whether the chunks after the signature lie inside the file, up to IEND.</summary>
    public static Layout CheckLayout(ReadOnlySpan<byte> data)
    {
        foreach (Chunk chunk in new ChunkReader(data))
        {
            if (chunk.Length < 0) return Layout.Corrupt;
            if (chunk.DataOffset < 0) return Layout.Truncated;
            if (chunk.Type == IEND) return Layout.Complete;
        }
        return Layout.Truncated;
    }

    /// <summary>
    /// The PNG without its ancillary chunks (every chunk whose type starts with a lower-case letter:
    /// text, time, colour space, transparency, EXIF…), or null when it has none. The pixels do not
    /// depend on them as SPEC §4 reads them (no colour-space conversion, alpha ignored, and PNG
    /// orientation is not applied). The codec reads an ancillary chunk in time quadratic in its
    /// length (a 10 MB text chunk took a minute), so it is given the critical chunks alone, whose
    /// cost is linear. Call only on a file whose <see cref="CheckLayout"/> is complete.
    /// </summary>
    public static byte[]? WithoutAncillaryChunks(ReadOnlySpan<byte> data)
    {
        long kept = Signature.Length;
        bool any = false;
        foreach (Chunk chunk in new ChunkReader(data))
        {
            if (chunk.Length < 0 || chunk.DataOffset < 0) return null;
            if (IsAncillary(chunk.Type)) any = true;
            else kept += chunk.Length + 12L;
            if (chunk.Type == IEND) break;
        }
        if (!any) return null;
        byte[] result = GC.AllocateUninitializedArray<byte>((int)kept);
        Signature.CopyTo(result);
        int at = Signature.Length;
        foreach (Chunk chunk in new ChunkReader(data))
        {
            if (!IsAncillary(chunk.Type))
            {
                // Length and type before the data, CRC after it.
                ReadOnlySpan<byte> whole = data.Slice(chunk.DataOffset - 8, chunk.Length + 12);
                whole.CopyTo(result.AsSpan(at));
                at += whole.Length;
            }
            if (chunk.Type == IEND) break;
        }
        return result;
    }

    /// <summary>Whether a chunk type is ancillary: bit 5 of its first letter (lower case) is set.</summary>
    public static bool IsAncillary(uint type) => (type & 0x2000_0000u) != 0;

    /// <summary>
    /// The chunks after the signature in order. A chunk with <see cref="Chunk.Length"/> &lt; 0 has
    /// an invalid length; one with <see cref="Chunk.DataOffset"/> &lt; 0 runs past the end of the
    /// file. Either ends the enumeration.
    /// </summary>
    public ref struct ChunkReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private long _next;
        private bool _done;

        public ChunkReader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _next = Signature.Length;
        }

        public Chunk Current { get; private set; }

        public readonly ChunkReader GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done || _next + 8 > _data.Length)
            {
                _done = true;
                return false;
            }
            uint size = BinaryPrimitives.ReadUInt32BigEndian(_data[(int)_next..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(_data[((int)_next + 4)..]);
            if (size > int.MaxValue)
            {
                Current = new Chunk(type, 0, -1);
                _done = true;
                return true;
            }
            long dataOffset = _next + 8;
            long end = dataOffset + size + 4;
            if (end > _data.Length)
            {
                Current = new Chunk(type, -1, (int)size);
                _done = true;
                return true;
            }
            Current = new Chunk(type, (int)dataOffset, (int)size);
            _next = end;
            return true;
        }
    }

    /// <summary>Whether the stored CRC of <paramref name="chunk"/> matches its type and data.</summary>
    public static bool CrcMatches(ReadOnlySpan<byte> data, Chunk chunk)
    {
        ReadOnlySpan<byte> typeAndData = data.Slice(chunk.DataOffset - 4, chunk.Length + 4);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(chunk.DataOffset + chunk.Length)..]);
        return Crc32(typeAndData) == stored;
    }

    /// <summary>The CRC-32 of PNG (reflected polynomial 0xEDB88320, initial and final XOR with 0xFFFFFFFF).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes) => Crc32Update(0xFFFFFFFFu, bytes) ^ 0xFFFFFFFFu;

    private static uint Crc32Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint[] table = CrcTable;
        foreach (byte b in bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static readonly uint[] CrcTable = CreateCrcTable();

    private static uint[] CreateCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
