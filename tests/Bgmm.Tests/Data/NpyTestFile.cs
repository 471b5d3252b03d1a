using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Bgmm.Tests.Data;

/// <summary>
/// Writes .npy files by the format's specification (NEP 1, numpy.lib.format), independently of
/// the reader: magic, version, little-endian header length, the header dictionary padded with
/// spaces and ended by a newline so that the data starts at a multiple of 64, then the values.
/// </summary>
internal static class NpyTestFile
{
    /// <summary>
    /// The bytes of an array of <paramref name="rows"/>×<paramref name="columns"/> values
    /// <c>value(i, j)</c>, stored as <paramref name="descr"/> (such as "&lt;f8", ">f4", "&lt;i4").
    /// </summary>
    public static byte[] Write(int rows, int columns, Func<int, int, double> value, string descr = "<f8",
        bool fortranOrder = false, int version = 1, bool oneDimensional = false, string? shapeText = null)
    {
        string shape = shapeText ?? (oneDimensional ? $"({rows},)" : $"({rows}, {columns})");
        string dictionary = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
        int lengthBytes = version == 1 ? 2 : 4;
        int prefix = 6 + 2 + lengthBytes;
        int total = (prefix + dictionary.Length + 1 + 63) / 64 * 64;
        string header = dictionary.PadRight(total - prefix - 1) + "\n";

        var ms = new MemoryStream();
        ms.Write([0x93, .. "NUMPY"u8, (byte)version, 0]);
        Span<byte> length = stackalloc byte[4];
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        ms.Write(length[..lengthBytes]);
        ms.Write(version == 3 ? Encoding.UTF8.GetBytes(header) : Encoding.Latin1.GetBytes(header));

        bool big = descr[0] == '>';
        string type = descr[1..];
        Span<byte> element = stackalloc byte[8];
        int size = int.Parse(descr.AsSpan(2), CultureInfo.InvariantCulture);
        for (int k = 0; k < rows * columns; k++)
        {
            (int i, int j) = fortranOrder ? (k % rows, k / rows) : (k / columns, k % columns);
            double v = value(i, j);
            switch (type)
            {
                case "f8": if (big) BinaryPrimitives.WriteDoubleBigEndian(element, v); else BinaryPrimitives.WriteDoubleLittleEndian(element, v); break;
                case "f4": if (big) BinaryPrimitives.WriteSingleBigEndian(element, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(element, (float)v); break;
                case "i4": if (big) BinaryPrimitives.WriteInt32BigEndian(element, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(element, (int)v); break;
                case "u2": if (big) BinaryPrimitives.WriteUInt16BigEndian(element, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(element, (ushort)v); break;
                case "i1": element[0] = (byte)(sbyte)v; break;
                default: throw new ArgumentException($"the test writer does not write {descr}.");
            }
            ms.Write(element[..size]);
        }
        return ms.ToArray();
    }
}
