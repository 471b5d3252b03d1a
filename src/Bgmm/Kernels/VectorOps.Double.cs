using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Bgmm.Kernels;

/// <summary>float64 lanes of <see cref="Vector512"/>.</summary>
internal readonly struct Ops512Double : IVectorOps<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    public static string Name => "v512-f64";

    public static bool NarrowsOnLoad => false;

    public static int ProductExponentLimit => 1000;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Broadcast(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LoadPlane(ref double source) => Vector512.LoadUnsafe(ref source);

    /// <summary>8 bytes: zero-extended to int32 (vpmovzxbd), converted to double (vcvtdq2pd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LoadBytes(ref byte source) =>
        Avx512F.ConvertToVector512Double(Avx2.ConvertToVector256Int32(
            Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> NegatedMultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) =>
        Avx512F.FusedMultiplyAddNegated(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SelectGreater(Vector512<double> a, Vector512<double> b, Vector512<double> ifGreater, Vector512<double> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), ifGreater, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNegativeInfinity(Vector512<double> v) => Vector512.EqualsAny(v, Vector512.Create(double.NegativeInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp2(Vector512<double> t)
    {
        Vector512<double> tc = Vector512.MaxNative(t, Vector512.Create(FastMath.Exp2MinDouble));
        Vector512<double> n = Avx512F.RoundScale(tc, 0);
        Vector512<double> r = tc - n;
        Vector512<double> p = Exp2Polynomial(r);
        return Avx512F.Scale(p, n) & Vector512.GreaterThanOrEqual(t, Vector512.Create(FastMath.Exp2MinDouble));
    }

    /// <summary>2^r on |r| ≤ ½ by Estrin's scheme: the degree-10 polynomial at a third of Horner's latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Exp2Polynomial(Vector512<double> r)
    {
        Vector512<double> r2 = r * r;
        Vector512<double> r4 = r2 * r2;
        Vector512<double> r8 = r4 * r4;
        Vector512<double> p01 = MultiplyAdd(Vector512.Create(FastMath.Exp2D1), r, Vector512<double>.One);
        Vector512<double> p23 = MultiplyAdd(Vector512.Create(FastMath.Exp2D3), r, Vector512.Create(FastMath.Exp2D2));
        Vector512<double> p45 = MultiplyAdd(Vector512.Create(FastMath.Exp2D5), r, Vector512.Create(FastMath.Exp2D4));
        Vector512<double> p67 = MultiplyAdd(Vector512.Create(FastMath.Exp2D7), r, Vector512.Create(FastMath.Exp2D6));
        Vector512<double> p89 = MultiplyAdd(Vector512.Create(FastMath.Exp2D9), r, Vector512.Create(FastMath.Exp2D8));
        Vector512<double> p03 = MultiplyAdd(p23, r2, p01);
        Vector512<double> p47 = MultiplyAdd(p67, r2, p45);
        Vector512<double> p810 = MultiplyAdd(Vector512.Create(FastMath.Exp2D10), r2, p89);
        return MultiplyAdd(p810, r8, MultiplyAdd(p47, r4, p03));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log2(Vector512<double> s)
    {
        // s = 2^e · m with m in [√½, √2): the offset moves the exponent boundary from 1 to √½.
        Vector512<ulong> u = s.AsUInt64() - Vector512.Create(FastMath.Log2OffsetDouble);
        Vector512<double> e = ((u >> 52) | Vector512.Create(FastMath.TwoTo52Bits)).AsDouble() - Vector512.Create(FastMath.TwoTo52);
        Vector512<double> m = ((u & Vector512.Create(FastMath.MantissaMaskDouble)) + Vector512.Create(FastMath.SqrtHalfBitsDouble)).AsDouble();
        Vector512<double> f = (m - Vector512<double>.One) / (m + Vector512<double>.One);
        Vector512<double> z = f * f;
        Vector512<double> q = Vector512.Create(FastMath.AtanhD9);
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD8));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD7));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD6));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD5));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD4));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD3));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD2));
        q = MultiplyAdd(q, z, Vector512.Create(FastMath.AtanhD1));
        q = q * z;
        // log2 m = (2/ln 2)·(f + f·q)
        Vector512<double> f2 = f * Vector512.Create(FastMath.TwoOverLn2);
        return e + MultiplyAdd(f2, q, f2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToLanes(ref double lanes, Vector512<double> v) =>
        (Vector512.LoadUnsafe(ref lanes) + v).StoreUnsafe(ref lanes);

    public static double Lane(Vector512<double> v, int i) => v.GetElement(i);
}

/// <summary>float64 lanes of <see cref="Vector256"/>.</summary>
internal readonly struct Ops256Double : IVectorOps<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    public static string Name => "v256-f64";

    public static bool NarrowsOnLoad => false;

    public static int ProductExponentLimit => 1000;

    public static Vector256<double> Zero => Vector256<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Broadcast(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LoadPlane(ref double source) => Vector256.LoadUnsafe(ref source);

    /// <summary>4 bytes: zero-extended to int32 (vpmovzxbd), converted to double (vcvtdq2pd); element by element without AVX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LoadBytes(ref byte source)
    {
        if (Avx.IsSupported)
        {
            return Avx.ConvertToVector256Double(Sse41.ConvertToVector128Int32(
                Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte()));
        }
        return Vector256.Create((double)source, Unsafe.Add(ref source, 1), Unsafe.Add(ref source, 2), Unsafe.Add(ref source, 3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> NegatedMultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(-a, b, c) : c - a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Min(Vector256<double> a, Vector256<double> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SelectGreater(Vector256<double> a, Vector256<double> b, Vector256<double> ifGreater, Vector256<double> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), ifGreater, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNegativeInfinity(Vector256<double> v) => Vector256.EqualsAny(v, Vector256.Create(double.NegativeInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp2(Vector256<double> t)
    {
        Vector256<double> tc = Vector256.MaxNative(t, Vector256.Create(FastMath.Exp2MinDouble));
        Vector256<double> shifted = tc + Vector256.Create(FastMath.RoundShifterDouble);
        Vector256<double> r = tc - (shifted - Vector256.Create(FastMath.RoundShifterDouble));
        Vector256<double> p = Vector256.Create(FastMath.Exp2D10);
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D9));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D8));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D7));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D6));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D5));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D4));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D3));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D2));
        p = MultiplyAdd(p, r, Vector256.Create(FastMath.Exp2D1));
        p = MultiplyAdd(p, r, Vector256<double>.One);
        // The rounded exponent sits in the low bits of `shifted`; moved to the exponent field it scales p by 2^n.
        Vector256<double> scaled = (p.AsUInt64() + (shifted.AsUInt64() << 52)).AsDouble();
        return scaled & Vector256.GreaterThanOrEqual(t, Vector256.Create(FastMath.Exp2MinDouble));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log2(Vector256<double> s)
    {
        // s = 2^e · m with m in [√½, √2): the offset moves the exponent boundary from 1 to √½.
        Vector256<ulong> u = s.AsUInt64() - Vector256.Create(FastMath.Log2OffsetDouble);
        Vector256<double> e = ((u >> 52) | Vector256.Create(FastMath.TwoTo52Bits)).AsDouble() - Vector256.Create(FastMath.TwoTo52);
        Vector256<double> m = ((u & Vector256.Create(FastMath.MantissaMaskDouble)) + Vector256.Create(FastMath.SqrtHalfBitsDouble)).AsDouble();
        Vector256<double> f = (m - Vector256<double>.One) / (m + Vector256<double>.One);
        Vector256<double> z = f * f;
        Vector256<double> q = Vector256.Create(FastMath.AtanhD9);
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD8));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD7));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD6));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD5));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD4));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD3));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD2));
        q = MultiplyAdd(q, z, Vector256.Create(FastMath.AtanhD1));
        q = q * z;
        // log2 m = (2/ln 2)·(f + f·q)
        Vector256<double> f2 = f * Vector256.Create(FastMath.TwoOverLn2);
        return e + MultiplyAdd(f2, q, f2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToLanes(ref double lanes, Vector256<double> v) =>
        (Vector256.LoadUnsafe(ref lanes) + v).StoreUnsafe(ref lanes);

    public static double Lane(Vector256<double> v, int i) => v.GetElement(i);
}

/// <summary>float64 lanes of <see cref="Vector128"/>.</summary>
internal readonly struct Ops128Double : IVectorOps<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    public static string Name => "v128-f64";

    public static bool NarrowsOnLoad => false;

    public static int ProductExponentLimit => 1000;

    public static Vector128<double> Zero => Vector128<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Broadcast(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LoadPlane(ref double source) => Vector128.LoadUnsafe(ref source);

    /// <summary>2 bytes: zero-extended to int32 (pmovzxbd), converted to double (cvtdq2pd); element by element without SSE4.1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LoadBytes(ref byte source)
    {
        if (Sse41.IsSupported)
        {
            return Sse2.ConvertToVector128Double(Sse41.ConvertToVector128Int32(
                Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ushort>(ref source)).AsByte()));
        }
        return Vector128.Create((double)source, Unsafe.Add(ref source, 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> NegatedMultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(-a, b, c) : c - a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Max(Vector128<double> a, Vector128<double> b) => Vector128.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Min(Vector128<double> a, Vector128<double> b) => Vector128.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SelectGreater(Vector128<double> a, Vector128<double> b, Vector128<double> ifGreater, Vector128<double> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(a, b), ifGreater, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNegativeInfinity(Vector128<double> v) => Vector128.EqualsAny(v, Vector128.Create(double.NegativeInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Exp2(Vector128<double> t)
    {
        Vector128<double> tc = Vector128.MaxNative(t, Vector128.Create(FastMath.Exp2MinDouble));
        Vector128<double> shifted = tc + Vector128.Create(FastMath.RoundShifterDouble);
        Vector128<double> r = tc - (shifted - Vector128.Create(FastMath.RoundShifterDouble));
        Vector128<double> p = Vector128.Create(FastMath.Exp2D10);
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D9));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D8));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D7));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D6));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D5));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D4));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D3));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D2));
        p = MultiplyAdd(p, r, Vector128.Create(FastMath.Exp2D1));
        p = MultiplyAdd(p, r, Vector128<double>.One);
        // The rounded exponent sits in the low bits of `shifted`; moved to the exponent field it scales p by 2^n.
        Vector128<double> scaled = (p.AsUInt64() + (shifted.AsUInt64() << 52)).AsDouble();
        return scaled & Vector128.GreaterThanOrEqual(t, Vector128.Create(FastMath.Exp2MinDouble));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Log2(Vector128<double> s)
    {
        // s = 2^e · m with m in [√½, √2): the offset moves the exponent boundary from 1 to √½.
        Vector128<ulong> u = s.AsUInt64() - Vector128.Create(FastMath.Log2OffsetDouble);
        Vector128<double> e = ((u >> 52) | Vector128.Create(FastMath.TwoTo52Bits)).AsDouble() - Vector128.Create(FastMath.TwoTo52);
        Vector128<double> m = ((u & Vector128.Create(FastMath.MantissaMaskDouble)) + Vector128.Create(FastMath.SqrtHalfBitsDouble)).AsDouble();
        Vector128<double> f = (m - Vector128<double>.One) / (m + Vector128<double>.One);
        Vector128<double> z = f * f;
        Vector128<double> q = Vector128.Create(FastMath.AtanhD9);
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD8));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD7));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD6));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD5));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD4));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD3));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD2));
        q = MultiplyAdd(q, z, Vector128.Create(FastMath.AtanhD1));
        q = q * z;
        // log2 m = (2/ln 2)·(f + f·q)
        Vector128<double> f2 = f * Vector128.Create(FastMath.TwoOverLn2);
        return e + MultiplyAdd(f2, q, f2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToLanes(ref double lanes, Vector128<double> v) =>
        (Vector128.LoadUnsafe(ref lanes) + v).StoreUnsafe(ref lanes);

    public static double Lane(Vector128<double> v, int i) => v.GetElement(i);
}

