using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Bgmm.Data.Npy;

/// <summary>
/// The header of a NumPy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0): the magic string,
/// the version, the header length and a Python dictionary literal giving <c>descr</c> (the element
/// type), <c>fortran_order</c> and <c>shape</c>.
/// </summary>
internal sealed record NpyHeader(NpyElementType ElementType, string Descr, bool FortranOrder, long[] Shape, long DataOffset)
{
    /// <summary>Headers longer than this are refused (NumPy itself writes a few hundred bytes at most).</summary>
    private const int MaxHeaderLength = 1 << 20;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads and checks the header at the start of <paramref name="file"/>.</summary>
    /// <exception cref="DataFileException">The file is not a .npy file, or its header is damaged or describes an array this reader does not take.</exception>
    public static NpyHeader Read(Stream file, string name)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = file.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 6 || !prefix.StartsWith(Magic))
            throw new DataFileException(name, $"{name}: this is not a NumPy .npy file (it does not start with \\x93NUMPY); save the array with numpy.save.");
        if (got < 10) throw Truncated(name, "inside its header");
        byte major = prefix[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new DataFileException(name, $"{name}: .npy format version {major}.{prefix[7]} is not supported (only 1.0, 2.0 and 3.0); save it again with numpy.save."),
        };
        if (got < 8 + lengthBytes) throw Truncated(name, "inside its header");
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > MaxHeaderLength)
            throw Corrupt(name, $"its header claims to be {headerLength} bytes long");
        var text = new byte[headerLength];
        file.Position = 8 + lengthBytes;
        if (file.ReadAtLeast(text, text.Length, throwOnEndOfStream: false) < text.Length) throw Truncated(name, "inside its header");
        string header = major == 3 ? Encoding.UTF8.GetString(text) : Encoding.Latin1.GetString(text);

        Dictionary<string, object?> dictionary;
        try
        {
            dictionary = PythonLiteral.Parse(header) as Dictionary<string, object?>
                ?? throw new FormatException("the header is not a dictionary");
        }
        catch (FormatException ex)
        {
            throw Corrupt(name, $"its header cannot be parsed: {ex.Message}", ex);
        }
        if (!dictionary.TryGetValue("descr", out object? descrValue) || !dictionary.TryGetValue("fortran_order", out object? orderValue) || !dictionary.TryGetValue("shape", out object? shapeValue))
            throw Corrupt(name, "its header lacks one of 'descr', 'fortran_order' and 'shape'");
        if (descrValue is not string descr)
        {
            throw new DataFileException(name,
                $"{name}: the array has a structured (record) element type; save a plain numeric array, for instance numpy.save(path, numpy.column_stack([...]).astype('<f8')).");
        }
        if (orderValue is not bool fortranOrder) throw Corrupt(name, "its 'fortran_order' is not True or False");
        if (shapeValue is not List<object?> dims || dims.Exists(d => d is not long))
            throw Corrupt(name, "its 'shape' is not a tuple of integers");
        long[] shape = [.. dims.Cast<long>()];
        if (Array.Exists(shape, d => d < 0)) throw Corrupt(name, "its 'shape' has a negative dimension");

        NpyElementType type = NpyElementType.Parse(descr, name);
        return new NpyHeader(type, descr, fortranOrder, shape, 8 + lengthBytes + headerLength);
    }

    private static DataFileException Truncated(string name, string where) =>
        new(name, $"{name}: the file is truncated (it ends {where}); save it again.");

    private static DataFileException Corrupt(string name, string what, Exception? inner = null) =>
        new(name, $"{name}: the .npy file is damaged ({what}); save it again with numpy.save.", inner);
}

/// <summary>The element types read: IEEE floats of 2, 4 or 8 bytes and integers of 1 to 8 bytes, either byte order.</summary>
internal readonly record struct NpyElementType(char Kind, int Size, bool BigEndian)
{
    /// <summary>Parses a NumPy type string such as <c>&lt;f8</c>, or refuses it with a message that says what to do.</summary>
    public static NpyElementType Parse(string descr, string name)
    {
        string saveAs = "save it as float64, for instance numpy.save(path, array.astype('<f8'))";
        if (descr.Length < 2 || descr[0] is not ('<' or '>' or '|' or '='))
            throw new DataFileException(name, $"{name}: the element type '{descr}' is not one this reader knows; {saveAs}.");
        char kind = descr[1];
        if (!int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int size)) size = 0;
        bool known = kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            _ => false,
        };
        if (!known)
        {
            string what = kind switch
            {
                'b' => "booleans",
                'c' => "complex numbers",
                'U' or 'S' or 'a' => "text",
                'O' => "Python objects",
                'M' or 'm' => "dates or time spans",
                'V' => "raw bytes",
                'f' => $"floats of {size} bytes",
                _ => $"values of type '{descr}'",
            };
            throw new DataFileException(name, $"{name}: the array holds {what} ('{descr}'), not real numbers this reader takes (float16/32/64, integers); {saveAs}.");
        }
        // '=' is the writer's native order: NumPy writes '<' or '>' instead, and every machine .NET runs on here is little-endian.
        bool bigEndian = descr[0] == '>' || (descr[0] == '=' && !BitConverter.IsLittleEndian);
        return new NpyElementType(kind, size, bigEndian);
    }

    /// <summary>Whether values can be NaN or infinite.</summary>
    public bool IsFloat => Kind == 'f';

    /// <summary>A name for messages, such as "float64" or "int32".</summary>
    public string DisplayName => string.Create(CultureInfo.InvariantCulture, $"{(Kind == 'f' ? "float" : Kind == 'i' ? "int" : "uint")}{8 * Size}");
}
