namespace Bgmm.Imaging.Streaming;

/// <summary>
/// PNG's CRC-32 (reflected polynomial 0xEDB88320, initial and final XOR with 0xFFFFFFFF),
/// accumulated over data that arrives in pieces, eight bytes at a step (slicing by 8).
/// </summary>
/// <remarks>
/// Chunks of a streamed PNG can be far larger than the buffers they pass through, so their CRC
/// cannot be taken over one span as <c>PngFile.Crc32</c> does.
/// </remarks>
internal struct PngCrc
{
    private static readonly uint[] Tables = CreateTables();

    private uint _state;

    /// <summary>A CRC over no bytes yet.</summary>
    public static PngCrc Start() => new() { _state = 0xFFFFFFFFu };

    /// <summary>The CRC of the bytes given so far.</summary>
    public readonly uint Value => _state ^ 0xFFFFFFFFu;

    /// <summary>Adds <paramref name="bytes"/> to the bytes covered.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint[] t = Tables;
        uint crc = _state;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            uint low = crc ^ (uint)(bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 | bytes[i + 3] << 24);
            uint high = (uint)(bytes[i + 4] | bytes[i + 5] << 8 | bytes[i + 6] << 16 | bytes[i + 7] << 24);
            crc = t[7 * 256 + (low & 0xFF)] ^ t[6 * 256 + ((low >> 8) & 0xFF)]
                ^ t[5 * 256 + ((low >> 16) & 0xFF)] ^ t[4 * 256 + (low >> 24)]
                ^ t[3 * 256 + (high & 0xFF)] ^ t[2 * 256 + ((high >> 8) & 0xFF)]
                ^ t[256 + ((high >> 16) & 0xFF)] ^ t[high >> 24];
        }
        for (; i < bytes.Length; i++) crc = t[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
        _state = crc;
    }

    /// <summary>Table k gives the CRC contribution of a byte followed by k zero bytes.</summary>
    private static uint[] CreateTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int k = 1; k < 8; k++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint previous = t[(k - 1) * 256 + n];
                t[k * 256 + n] = t[previous & 0xFF] ^ (previous >> 8);
            }
        }
        return t;
    }
}
