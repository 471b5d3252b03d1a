using System.Buffers.Binary;
using System.Text;

namespace Bgmm.Tests.Plotting;

/// <summary>Reads a PNG's header without decoding it, checking the structure on the way.</summary>
internal static class PngInfo
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The width and height from the IHDR chunk. Throws <see cref="FormatException"/> unless the
    /// bytes start with the PNG signature and an IHDR chunk of 13 bytes with a correct CRC, and end
    /// with an IEND chunk.
    /// </summary>
    public static (int Width, int Height) ReadSize(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        // 8 signature + (4 length + 4 type + 13 data + 4 CRC) IHDR + 12 IEND.
        if (png.Length < 8 + 25 + 12) throw new FormatException($"{png.Length} bytes is too short for a PNG.");
        if (!png.AsSpan(0, 8).SequenceEqual(Signature)) throw new FormatException("the PNG signature is missing.");
        ReadOnlySpan<byte> ihdr = png.AsSpan(8, 25);
        if (BinaryPrimitives.ReadUInt32BigEndian(ihdr) != 13 || Encoding.ASCII.GetString(ihdr.Slice(4, 4)) != "IHDR")
            throw new FormatException("the first chunk is not a 13-byte IHDR.");
        if (Crc32(ihdr.Slice(4, 17)) != BinaryPrimitives.ReadUInt32BigEndian(ihdr.Slice(21, 4)))
            throw new FormatException("the IHDR checksum is wrong.");
        ReadOnlySpan<byte> iend = png.AsSpan(png.Length - 12);
        if (BinaryPrimitives.ReadUInt32BigEndian(iend) != 0 || Encoding.ASCII.GetString(iend.Slice(4, 4)) != "IEND")
            throw new FormatException("the PNG does not end with an IEND chunk.");
        int width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(ihdr.Slice(8, 4)));
        int height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(ihdr.Slice(12, 4)));
        return (width, height);
    }

    /// <summary>The CRC-32 of PNG (ISO 3309, polynomial 0xEDB88320, reflected), bit by bit.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
