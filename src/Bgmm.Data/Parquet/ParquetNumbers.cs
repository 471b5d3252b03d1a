using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Bgmm.Data.Parquet;

/// <summary>Reads one numeric column of a row group into doubles, refusing missing and non-finite values.</summary>
internal static class ParquetNumbers
{
    public static void Read(ParquetRowGroupReader group, DataField field, int rows, ref ParquetColumnReader.ColumnTarget target)
    {
        Type t = field.ClrType;
        if (t == typeof(double)) Read<double>(group, field, rows, ref target);
        else if (t == typeof(float)) Read<float>(group, field, rows, ref target);
        else if (t == typeof(Half)) Read<Half>(group, field, rows, ref target);
        else if (t == typeof(sbyte)) Read<sbyte>(group, field, rows, ref target);
        else if (t == typeof(short)) Read<short>(group, field, rows, ref target);
        else if (t == typeof(int)) Read<int>(group, field, rows, ref target);
        else if (t == typeof(long)) Read<long>(group, field, rows, ref target);
        else if (t == typeof(byte)) Read<byte>(group, field, rows, ref target);
        else if (t == typeof(ushort)) Read<ushort>(group, field, rows, ref target);
        else if (t == typeof(uint)) Read<uint>(group, field, rows, ref target);
        else if (t == typeof(ulong)) Read<ulong>(group, field, rows, ref target);
        else if (t == typeof(decimal)) Read<decimal>(group, field, rows, ref target);
        else throw new InvalidOperationException($"column '{field.Name}' of type {t} is not numeric.");
    }

    private static void Read<T>(ParquetRowGroupReader group, DataField field, int rows, ref ParquetColumnReader.ColumnTarget target)
        where T : struct, INumberBase<T>
    {
        Span<double> values = target.Values;
        if (field.IsNullable)
        {
            var raw = new T?[rows];
            group.ReadAsync<T>(field, raw.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++)
            {
                if (raw[i] is not T v) throw target.Missing(i);
                values[i] = ToDouble(v);
            }
        }
        else
        {
            var raw = new T[rows];
            group.ReadAsync<T>(field, raw.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++) values[i] = ToDouble(raw[i]);
        }
        if (typeof(T) == typeof(double) || typeof(T) == typeof(float) || typeof(T) == typeof(Half))
        {
            for (int i = 0; i < rows; i++)
            {
                if (!double.IsFinite(values[i])) throw target.NotFinite(i);
            }
        }
    }

    /// <summary>
    /// The double nearest to <paramref name="v"/>: exact for floats and for integers up to 2⁵³; a
    /// decimal goes through its exact text, whose parsing rounds correctly (a direct conversion
    /// of decimal to double does not always).
    /// </summary>
    private static double ToDouble<T>(T v) where T : struct, INumberBase<T>
    {
        if (typeof(T) == typeof(decimal))
            return double.Parse(Unsafe.As<T, decimal>(ref v).ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.CreateChecked(v);
    }
}
