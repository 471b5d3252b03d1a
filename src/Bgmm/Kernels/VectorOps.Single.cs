using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Bgmm.Kernels;

/// <summary>float32 lanes of <see cref="Vector512"/>, loaded from double columns or byte planes and summed into double lanes.</summary>
internal readonly struct Ops512Single : IVectorOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    public static string Name => "v512-f32";

    public static bool NarrowsOnLoad => true;

    public static int ProductExponentLimit => 120;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(double value) => Vector512.Create((float)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadPlane(ref double source) =>
        Vector512.Narrow(Vector512.LoadUnsafe(ref source), Vector512.LoadUnsafe(ref source, (nuint)Vector512<double>.Count));

    /// <summary>16 bytes: zero-extended to int32 (vpmovzxbd), converted to float (vcvtdq2ps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadBytes(ref byte source) =>
        Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NegatedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.FusedMultiplyAddNegated(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectGreater(Vector512<float> a, Vector512<float> b, Vector512<float> ifGreater, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), ifGreater, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNegativeInfinity(Vector512<float> v) => Vector512.EqualsAny(v, Vector512.Create(float.NegativeInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp2(Vector512<float> t)
    {
        Vector512<float> tc = Vector512.MaxNative(t, Vector512.Create(FastMath.Exp2MinSingle));
        Vector512<float> n = Avx512F.RoundScale(tc, 0);
        Vector512<float> r = tc - n;
        Vector512<float> p = Vector512.Create((float)FastMath.Exp2T7);
        p = MultiplyAdd(p, r, Vector512.Create((float)FastMath.Exp2T6));
        p = MultiplyAdd(p, r, Vector512.Create((float)FastMath.Exp2T5));
        p = MultiplyAdd(p, r, Vector512.Create((float)FastMath.Exp2T4));
        p = MultiplyAdd(p, r, Vector512.Create((float)FastMath.Exp2T3));
        p = MultiplyAdd(p, r, Vector512.Create((float)FastMath.Exp2T2));
        p = MultiplyAdd(p, r, Vector512.Create((float)FastMath.Exp2T1));
        p = MultiplyAdd(p, r, Vector512<float>.One);
        return Avx512F.Scale(p, n) & Vector512.GreaterThanOrEqual(t, Vector512.Create(FastMath.Exp2MinSingle));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log2(Vector512<float> s)
    {
        Vector512<uint> u = s.AsUInt32() - Vector512.Create(FastMath.Log2OffsetSingle);
        Vector512<float> e = ((u >> 23) | Vector512.Create(FastMath.TwoTo23Bits)).AsSingle() - Vector512.Create(FastMath.TwoTo23);
        Vector512<float> m = ((u & Vector512.Create(FastMath.MantissaMaskSingle)) + Vector512.Create(FastMath.SqrtHalfBitsSingle)).AsSingle();
        Vector512<float> f = (m - Vector512<float>.One) / (m + Vector512<float>.One);
        Vector512<float> z = f * f;
        Vector512<float> q = Vector512.Create((float)FastMath.AtanhD4);
        q = MultiplyAdd(q, z, Vector512.Create((float)FastMath.AtanhD3));
        q = MultiplyAdd(q, z, Vector512.Create((float)FastMath.AtanhD2));
        q = MultiplyAdd(q, z, Vector512.Create((float)FastMath.AtanhD1));
        q = q * z;
        Vector512<float> f2 = f * Vector512.Create((float)FastMath.TwoOverLn2);
        return e + MultiplyAdd(f2, q, f2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToLanes(ref double lanes, Vector512<float> v)
    {
        (Vector512<double> lower, Vector512<double> upper) = Vector512.Widen(v);
        (Vector512.LoadUnsafe(ref lanes) + lower).StoreUnsafe(ref lanes);
        (Vector512.LoadUnsafe(ref lanes, (nuint)Vector512<double>.Count) + upper).StoreUnsafe(ref lanes, (nuint)Vector512<double>.Count);
    }

    public static double Lane(Vector512<float> v, int i) => v.GetElement(i);
}

/// <summary>float32 lanes of <see cref="Vector256"/>, loaded from double columns or byte planes and summed into double lanes.</summary>
internal readonly struct Ops256Single : IVectorOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    public static string Name => "v256-f32";

    public static bool NarrowsOnLoad => true;

    public static int ProductExponentLimit => 120;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(double value) => Vector256.Create((float)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadPlane(ref double source) =>
        Vector256.Narrow(Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref source, (nuint)Vector256<double>.Count));

    /// <summary>8 bytes: zero-extended to int32 (vpmovzxbd), converted to float (vcvtdq2ps); portable widening without AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadBytes(ref byte source)
    {
        Vector128<byte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte();
        if (Avx2.IsSupported) return Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes));
        (Vector128<uint> lower, Vector128<uint> upper) = Vector128.Widen(Vector128.WidenLower(bytes));
        return Vector256.Create(Vector128.ConvertToSingle(lower.AsInt32()), Vector128.ConvertToSingle(upper.AsInt32()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NegatedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(-a, b, c) : c - a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectGreater(Vector256<float> a, Vector256<float> b, Vector256<float> ifGreater, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), ifGreater, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNegativeInfinity(Vector256<float> v) => Vector256.EqualsAny(v, Vector256.Create(float.NegativeInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp2(Vector256<float> t)
    {
        Vector256<float> tc = Vector256.MaxNative(t, Vector256.Create(FastMath.Exp2MinSingle));
        Vector256<float> shifted = tc + Vector256.Create(FastMath.RoundShifterSingle);
        Vector256<float> r = tc - (shifted - Vector256.Create(FastMath.RoundShifterSingle));
        Vector256<float> p = Vector256.Create((float)FastMath.Exp2T7);
        p = MultiplyAdd(p, r, Vector256.Create((float)FastMath.Exp2T6));
        p = MultiplyAdd(p, r, Vector256.Create((float)FastMath.Exp2T5));
        p = MultiplyAdd(p, r, Vector256.Create((float)FastMath.Exp2T4));
        p = MultiplyAdd(p, r, Vector256.Create((float)FastMath.Exp2T3));
        p = MultiplyAdd(p, r, Vector256.Create((float)FastMath.Exp2T2));
        p = MultiplyAdd(p, r, Vector256.Create((float)FastMath.Exp2T1));
        p = MultiplyAdd(p, r, Vector256<float>.One);
        Vector256<float> scaled = (p.AsUInt32() + (shifted.AsUInt32() << 23)).AsSingle();
        return scaled & Vector256.GreaterThanOrEqual(t, Vector256.Create(FastMath.Exp2MinSingle));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log2(Vector256<float> s)
    {
        Vector256<uint> u = s.AsUInt32() - Vector256.Create(FastMath.Log2OffsetSingle);
        Vector256<float> e = ((u >> 23) | Vector256.Create(FastMath.TwoTo23Bits)).AsSingle() - Vector256.Create(FastMath.TwoTo23);
        Vector256<float> m = ((u & Vector256.Create(FastMath.MantissaMaskSingle)) + Vector256.Create(FastMath.SqrtHalfBitsSingle)).AsSingle();
        Vector256<float> f = (m - Vector256<float>.One) / (m + Vector256<float>.One);
        Vector256<float> z = f * f;
        Vector256<float> q = Vector256.Create((float)FastMath.AtanhD4);
        q = MultiplyAdd(q, z, Vector256.Create((float)FastMath.AtanhD3));
        q = MultiplyAdd(q, z, Vector256.Create((float)FastMath.AtanhD2));
        q = MultiplyAdd(q, z, Vector256.Create((float)FastMath.AtanhD1));
        q = q * z;
        Vector256<float> f2 = f * Vector256.Create((float)FastMath.TwoOverLn2);
        return e + MultiplyAdd(f2, q, f2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToLanes(ref double lanes, Vector256<float> v)
    {
        (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(v);
        (Vector256.LoadUnsafe(ref lanes) + lower).StoreUnsafe(ref lanes);
        (Vector256.LoadUnsafe(ref lanes, (nuint)Vector256<double>.Count) + upper).StoreUnsafe(ref lanes, (nuint)Vector256<double>.Count);
    }

    public static double Lane(Vector256<float> v, int i) => v.GetElement(i);
}

/// <summary>float32 lanes of <see cref="Vector128"/>, loaded from double columns or byte planes and summed into double lanes.</summary>
internal readonly struct Ops128Single : IVectorOps<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    public static string Name => "v128-f32";

    public static bool NarrowsOnLoad => true;

    public static int ProductExponentLimit => 120;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(double value) => Vector128.Create((float)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadPlane(ref double source) =>
        Vector128.Narrow(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref source, (nuint)Vector128<double>.Count));

    /// <summary>4 bytes: zero-extended to int32 (pmovzxbd), converted to float (cvtdq2ps); portable widening without SSE4.1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadBytes(ref byte source)
    {
        Vector128<byte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte();
        Vector128<int> integers = Sse41.IsSupported
            ? Sse41.ConvertToVector128Int32(bytes)
            : Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();
        return Vector128.ConvertToSingle(integers);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> NegatedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(-a, b, c) : c - a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectGreater(Vector128<float> a, Vector128<float> b, Vector128<float> ifGreater, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(a, b), ifGreater, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNegativeInfinity(Vector128<float> v) => Vector128.EqualsAny(v, Vector128.Create(float.NegativeInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp2(Vector128<float> t)
    {
        Vector128<float> tc = Vector128.MaxNative(t, Vector128.Create(FastMath.Exp2MinSingle));
        Vector128<float> shifted = tc + Vector128.Create(FastMath.RoundShifterSingle);
        Vector128<float> r = tc - (shifted - Vector128.Create(FastMath.RoundShifterSingle));
        Vector128<float> p = Vector128.Create((float)FastMath.Exp2T7);
        p = MultiplyAdd(p, r, Vector128.Create((float)FastMath.Exp2T6));
        p = MultiplyAdd(p, r, Vector128.Create((float)FastMath.Exp2T5));
        p = MultiplyAdd(p, r, Vector128.Create((float)FastMath.Exp2T4));
        p = MultiplyAdd(p, r, Vector128.Create((float)FastMath.Exp2T3));
        p = MultiplyAdd(p, r, Vector128.Create((float)FastMath.Exp2T2));
        p = MultiplyAdd(p, r, Vector128.Create((float)FastMath.Exp2T1));
        p = MultiplyAdd(p, r, Vector128<float>.One);
        Vector128<float> scaled = (p.AsUInt32() + (shifted.AsUInt32() << 23)).AsSingle();
        return scaled & Vector128.GreaterThanOrEqual(t, Vector128.Create(FastMath.Exp2MinSingle));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log2(Vector128<float> s)
    {
        Vector128<uint> u = s.AsUInt32() - Vector128.Create(FastMath.Log2OffsetSingle);
        Vector128<float> e = ((u >> 23) | Vector128.Create(FastMath.TwoTo23Bits)).AsSingle() - Vector128.Create(FastMath.TwoTo23);
        Vector128<float> m = ((u & Vector128.Create(FastMath.MantissaMaskSingle)) + Vector128.Create(FastMath.SqrtHalfBitsSingle)).AsSingle();
        Vector128<float> f = (m - Vector128<float>.One) / (m + Vector128<float>.One);
        Vector128<float> z = f * f;
        Vector128<float> q = Vector128.Create((float)FastMath.AtanhD4);
        q = MultiplyAdd(q, z, Vector128.Create((float)FastMath.AtanhD3));
        q = MultiplyAdd(q, z, Vector128.Create((float)FastMath.AtanhD2));
        q = MultiplyAdd(q, z, Vector128.Create((float)FastMath.AtanhD1));
        q = q * z;
        Vector128<float> f2 = f * Vector128.Create((float)FastMath.TwoOverLn2);
        return e + MultiplyAdd(f2, q, f2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToLanes(ref double lanes, Vector128<float> v)
    {
        (Vector128<double> lower, Vector128<double> upper) = Vector128.Widen(v);
        (Vector128.LoadUnsafe(ref lanes) + lower).StoreUnsafe(ref lanes);
        (Vector128.LoadUnsafe(ref lanes, (nuint)Vector128<double>.Count) + upper).StoreUnsafe(ref lanes, (nuint)Vector128<double>.Count);
    }

    public static double Lane(Vector128<float> v, int i) => v.GetElement(i);
}

