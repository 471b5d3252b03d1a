using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using static System.Runtime.CompilerServices.MethodImplOptions;
using V128d = System.Runtime.Intrinsics.Vector128<double>;
using V128f = System.Runtime.Intrinsics.Vector128<float>;
using V256d = System.Runtime.Intrinsics.Vector256<double>;
using V256f = System.Runtime.Intrinsics.Vector256<float>;
using V512d = System.Runtime.Intrinsics.Vector512<double>;
using V512f = System.Runtime.Intrinsics.Vector512<float>;

namespace Bgmm.Kernels;

// The primitives of IVectorOps for each width, one line each. What differs between widths is only
// how an instruction is reached: AVX-512 has rounding and scaling instructions (vrndscale, vscalef),
// the narrower widths round by adding 1.5·2^52 (1.5·2^23) and scale by adding to the exponent bits;
// byte and float loads use the widest conversion the hardware has, element by element without it.

/// <summary>float64 lanes of <see cref="Vector512"/>.</summary>
internal readonly struct Ops512Double : IVectorOps<V512d>
{
    public static int Count => V512d.Count;
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    public static string Name => "v512-f64";
    public static bool IsSingle => false;
    public static int ProductExponentLimit => 1000;
    public static V512d Zero => V512d.Zero;
    [MethodImpl(AggressiveInlining)] public static V512d Broadcast(double value) => Vector512.Create(value);
    [MethodImpl(AggressiveInlining)] public static V512d LoadPlane(ref double source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(AggressiveInlining)] public static V512d LoadBytes(ref byte source) => Avx512F.ConvertToVector512Double(Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte()));
    [MethodImpl(AggressiveInlining)] public static V512d LoadSingles(ref float source) => Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref source));
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(V512d value, ref float destination) => Avx512F.ConvertToVector256Single(value).StoreUnsafe(ref destination);
    [MethodImpl(AggressiveInlining)] public static V512d Add(V512d a, V512d b) => a + b;
    [MethodImpl(AggressiveInlining)] public static V512d Subtract(V512d a, V512d b) => a - b;
    [MethodImpl(AggressiveInlining)] public static V512d Multiply(V512d a, V512d b) => a * b;
    [MethodImpl(AggressiveInlining)] public static V512d MultiplyAdd(V512d a, V512d b, V512d c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(AggressiveInlining)] public static V512d NegatedMultiplyAdd(V512d a, V512d b, V512d c) => Avx512F.FusedMultiplyAddNegated(a, b, c);
    [MethodImpl(AggressiveInlining)] public static V512d Divide(V512d a, V512d b) => a / b;
    [MethodImpl(AggressiveInlining)] public static V512d Max(V512d a, V512d b) => Vector512.MaxNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V512d Min(V512d a, V512d b) => Vector512.MinNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V512d SelectGreater(V512d a, V512d b, V512d ifGreater, V512d otherwise) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), ifGreater, otherwise);
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(V512d v) => Vector512.EqualsAny(v, Vector512.Create(double.NegativeInfinity));
    [MethodImpl(AggressiveInlining)] public static V512d Round(V512d t) => Avx512F.RoundScale(t, 0);
    [MethodImpl(AggressiveInlining)] public static V512d ScaleB(V512d p, V512d n) => Avx512F.Scale(p, n);
    [MethodImpl(AggressiveInlining)] public static void Decompose(V512d s, out V512d exponent, out V512d mantissa)
    {
        Vector512<ulong> u = s.AsUInt64() + Vector512.Create(FastMath.OneMinusSqrtHalfBitsDouble);
        exponent = ((u >> 52) | Vector512.Create(FastMath.TwoTo52Bits)).AsDouble() - Vector512.Create(FastMath.TwoTo52PlusBiasDouble);
        mantissa = ((u & Vector512.Create(FastMath.MantissaMaskDouble)) + Vector512.Create(FastMath.SqrtHalfBitsDouble)).AsDouble();
    }

    [MethodImpl(AggressiveInlining)] public static void AddToLanes(ref double lanes, V512d v) => (Vector512.LoadUnsafe(ref lanes) + v).StoreUnsafe(ref lanes);
    public static double Lane(V512d v, int i) => v.GetElement(i);
}

/// <summary>float32 lanes of <see cref="Vector512"/>.</summary>
internal readonly struct Ops512Single : IVectorOps<V512f>
{
    public static int Count => V512f.Count;
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    public static string Name => "v512-f32";
    public static bool IsSingle => true;
    public static int ProductExponentLimit => 120;
    public static V512f Zero => V512f.Zero;
    [MethodImpl(AggressiveInlining)] public static V512f Broadcast(double value) => Vector512.Create((float)value);
    [MethodImpl(AggressiveInlining)] public static V512f LoadPlane(ref double source) => Vector512.Narrow(Vector512.LoadUnsafe(ref source), Vector512.LoadUnsafe(ref source, (nuint)V512d.Count));
    [MethodImpl(AggressiveInlining)] public static V512f LoadBytes(ref byte source) => Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source)));
    [MethodImpl(AggressiveInlining)] public static V512f LoadSingles(ref float source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(V512f value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(AggressiveInlining)] public static V512f Add(V512f a, V512f b) => a + b;
    [MethodImpl(AggressiveInlining)] public static V512f Subtract(V512f a, V512f b) => a - b;
    [MethodImpl(AggressiveInlining)] public static V512f Multiply(V512f a, V512f b) => a * b;
    [MethodImpl(AggressiveInlining)] public static V512f MultiplyAdd(V512f a, V512f b, V512f c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(AggressiveInlining)] public static V512f NegatedMultiplyAdd(V512f a, V512f b, V512f c) => Avx512F.FusedMultiplyAddNegated(a, b, c);
    [MethodImpl(AggressiveInlining)] public static V512f Divide(V512f a, V512f b) => a / b;
    [MethodImpl(AggressiveInlining)] public static V512f Max(V512f a, V512f b) => Vector512.MaxNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V512f Min(V512f a, V512f b) => Vector512.MinNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V512f SelectGreater(V512f a, V512f b, V512f ifGreater, V512f otherwise) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), ifGreater, otherwise);
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(V512f v) => Vector512.EqualsAny(v, Vector512.Create(float.NegativeInfinity));
    [MethodImpl(AggressiveInlining)] public static V512f Round(V512f t) => Avx512F.RoundScale(t, 0);
    [MethodImpl(AggressiveInlining)] public static V512f ScaleB(V512f p, V512f n) => Avx512F.Scale(p, n);
    [MethodImpl(AggressiveInlining)] public static void Decompose(V512f s, out V512f exponent, out V512f mantissa)
    {
        Vector512<uint> u = s.AsUInt32() + Vector512.Create(FastMath.OneMinusSqrtHalfBitsSingle);
        exponent = ((u >> 23) | Vector512.Create(FastMath.TwoTo23Bits)).AsSingle() - Vector512.Create(FastMath.TwoTo23PlusBiasSingle);
        mantissa = ((u & Vector512.Create(FastMath.MantissaMaskSingle)) + Vector512.Create(FastMath.SqrtHalfBitsSingle)).AsSingle();
    }

    [MethodImpl(AggressiveInlining)]
    public static void AddToLanes(ref double lanes, V512f v)
    {
        (V512d lower, V512d upper) = Vector512.Widen(v);
        (Vector512.LoadUnsafe(ref lanes) + lower).StoreUnsafe(ref lanes);
        (Vector512.LoadUnsafe(ref lanes, (nuint)V512d.Count) + upper).StoreUnsafe(ref lanes, (nuint)V512d.Count);
    }

    public static double Lane(V512f v, int i) => v.GetElement(i);
}

/// <summary>float64 lanes of <see cref="Vector256"/> (AVX2, or AVX-512 capped at 256 bits).</summary>
internal readonly struct Ops256Double : IVectorOps<V256d>
{
    public static int Count => V256d.Count;
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    public static string Name => "v256-f64";
    public static bool IsSingle => false;
    public static int ProductExponentLimit => 1000;
    public static V256d Zero => V256d.Zero;
    [MethodImpl(AggressiveInlining)] public static V256d Broadcast(double value) => Vector256.Create(value);
    [MethodImpl(AggressiveInlining)] public static V256d LoadPlane(ref double source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(AggressiveInlining)] public static V256d LoadBytes(ref byte source) => Avx.IsSupported ? Avx.ConvertToVector256Double(Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte())) : Vector256.Create((double)source, Unsafe.Add(ref source, 1), Unsafe.Add(ref source, 2), Unsafe.Add(ref source, 3));
    [MethodImpl(AggressiveInlining)] public static V256d LoadSingles(ref float source) => Avx.IsSupported ? Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref source)) : Vector256.WidenLower(Vector256.Create(Vector128.LoadUnsafe(ref source), V128f.Zero));
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(V256d value, ref float destination) => Vector128.Narrow(value.GetLower(), value.GetUpper()).StoreUnsafe(ref destination);
    [MethodImpl(AggressiveInlining)] public static V256d Add(V256d a, V256d b) => a + b;
    [MethodImpl(AggressiveInlining)] public static V256d Subtract(V256d a, V256d b) => a - b;
    [MethodImpl(AggressiveInlining)] public static V256d Multiply(V256d a, V256d b) => a * b;
    [MethodImpl(AggressiveInlining)] public static V256d MultiplyAdd(V256d a, V256d b, V256d c) => Fma.IsSupported || AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(AggressiveInlining)] public static V256d NegatedMultiplyAdd(V256d a, V256d b, V256d c) => Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(-a, b, c) : c - a * b;
    [MethodImpl(AggressiveInlining)] public static V256d Divide(V256d a, V256d b) => a / b;
    [MethodImpl(AggressiveInlining)] public static V256d Max(V256d a, V256d b) => Vector256.MaxNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V256d Min(V256d a, V256d b) => Vector256.MinNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V256d SelectGreater(V256d a, V256d b, V256d ifGreater, V256d otherwise) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), ifGreater, otherwise);
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(V256d v) => Vector256.EqualsAny(v, Vector256.Create(double.NegativeInfinity));
    [MethodImpl(AggressiveInlining)] public static V256d Round(V256d t) => t + Vector256.Create(FastMath.RoundShifterDouble) - Vector256.Create(FastMath.RoundShifterDouble);
    [MethodImpl(AggressiveInlining)] public static V256d ScaleB(V256d p, V256d n) => (p.AsUInt64() + ((n + Vector256.Create(FastMath.RoundShifterDouble)).AsUInt64() << 52)).AsDouble();
    [MethodImpl(AggressiveInlining)] public static void Decompose(V256d s, out V256d exponent, out V256d mantissa)
    {
        Vector256<ulong> u = s.AsUInt64() + Vector256.Create(FastMath.OneMinusSqrtHalfBitsDouble);
        exponent = ((u >> 52) | Vector256.Create(FastMath.TwoTo52Bits)).AsDouble() - Vector256.Create(FastMath.TwoTo52PlusBiasDouble);
        mantissa = ((u & Vector256.Create(FastMath.MantissaMaskDouble)) + Vector256.Create(FastMath.SqrtHalfBitsDouble)).AsDouble();
    }

    [MethodImpl(AggressiveInlining)] public static void AddToLanes(ref double lanes, V256d v) => (Vector256.LoadUnsafe(ref lanes) + v).StoreUnsafe(ref lanes);
    public static double Lane(V256d v, int i) => v.GetElement(i);
}

/// <summary>float32 lanes of <see cref="Vector256"/>.</summary>
internal readonly struct Ops256Single : IVectorOps<V256f>
{
    public static int Count => V256f.Count;
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    public static string Name => "v256-f32";
    public static bool IsSingle => true;
    public static int ProductExponentLimit => 120;
    public static V256f Zero => V256f.Zero;
    [MethodImpl(AggressiveInlining)] public static V256f Broadcast(double value) => Vector256.Create((float)value);
    [MethodImpl(AggressiveInlining)] public static V256f LoadPlane(ref double source) => Vector256.Narrow(Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref source, (nuint)V256d.Count));
    [MethodImpl(AggressiveInlining)] public static V256f LoadBytes(ref byte source) => Avx2.IsSupported ? Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte())) : Vector256.ConvertToSingle(Vector256.WidenLower(Vector256.WidenLower(Vector256.Create(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte(), Vector128<byte>.Zero))).AsInt32());
    [MethodImpl(AggressiveInlining)] public static V256f LoadSingles(ref float source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(V256f value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(AggressiveInlining)] public static V256f Add(V256f a, V256f b) => a + b;
    [MethodImpl(AggressiveInlining)] public static V256f Subtract(V256f a, V256f b) => a - b;
    [MethodImpl(AggressiveInlining)] public static V256f Multiply(V256f a, V256f b) => a * b;
    [MethodImpl(AggressiveInlining)] public static V256f MultiplyAdd(V256f a, V256f b, V256f c) => Fma.IsSupported || AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(AggressiveInlining)] public static V256f NegatedMultiplyAdd(V256f a, V256f b, V256f c) => Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector256.FusedMultiplyAdd(-a, b, c) : c - a * b;
    [MethodImpl(AggressiveInlining)] public static V256f Divide(V256f a, V256f b) => a / b;
    [MethodImpl(AggressiveInlining)] public static V256f Max(V256f a, V256f b) => Vector256.MaxNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V256f Min(V256f a, V256f b) => Vector256.MinNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V256f SelectGreater(V256f a, V256f b, V256f ifGreater, V256f otherwise) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), ifGreater, otherwise);
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(V256f v) => Vector256.EqualsAny(v, Vector256.Create(float.NegativeInfinity));
    [MethodImpl(AggressiveInlining)] public static V256f Round(V256f t) => t + Vector256.Create(FastMath.RoundShifterSingle) - Vector256.Create(FastMath.RoundShifterSingle);
    [MethodImpl(AggressiveInlining)] public static V256f ScaleB(V256f p, V256f n) => (p.AsUInt32() + ((n + Vector256.Create(FastMath.RoundShifterSingle)).AsUInt32() << 23)).AsSingle();
    [MethodImpl(AggressiveInlining)] public static void Decompose(V256f s, out V256f exponent, out V256f mantissa)
    {
        Vector256<uint> u = s.AsUInt32() + Vector256.Create(FastMath.OneMinusSqrtHalfBitsSingle);
        exponent = ((u >> 23) | Vector256.Create(FastMath.TwoTo23Bits)).AsSingle() - Vector256.Create(FastMath.TwoTo23PlusBiasSingle);
        mantissa = ((u & Vector256.Create(FastMath.MantissaMaskSingle)) + Vector256.Create(FastMath.SqrtHalfBitsSingle)).AsSingle();
    }

    [MethodImpl(AggressiveInlining)]
    public static void AddToLanes(ref double lanes, V256f v)
    {
        (V256d lower, V256d upper) = Vector256.Widen(v);
        (Vector256.LoadUnsafe(ref lanes) + lower).StoreUnsafe(ref lanes);
        (Vector256.LoadUnsafe(ref lanes, (nuint)V256d.Count) + upper).StoreUnsafe(ref lanes, (nuint)V256d.Count);
    }

    public static double Lane(V256f v, int i) => v.GetElement(i);
}

/// <summary>float64 lanes of <see cref="Vector128"/> (SSE2/AVX, Arm AdvSimd).</summary>
internal readonly struct Ops128Double : IVectorOps<V128d>
{
    public static int Count => V128d.Count;
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;
    public static string Name => "v128-f64";
    public static bool IsSingle => false;
    public static int ProductExponentLimit => 1000;
    public static V128d Zero => V128d.Zero;
    [MethodImpl(AggressiveInlining)] public static V128d Broadcast(double value) => Vector128.Create(value);
    [MethodImpl(AggressiveInlining)] public static V128d LoadPlane(ref double source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(AggressiveInlining)] public static V128d LoadBytes(ref byte source) => Sse41.IsSupported ? Sse2.ConvertToVector128Double(Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ushort>(ref source)).AsByte())) : Vector128.Create((double)source, Unsafe.Add(ref source, 1));
    [MethodImpl(AggressiveInlining)] public static V128d LoadSingles(ref float source) => Vector128.Create((double)source, Unsafe.Add(ref source, 1));
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(V128d value, ref float destination) => Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref destination), Vector128.Narrow(value, value).AsUInt64().ToScalar());
    [MethodImpl(AggressiveInlining)] public static V128d Add(V128d a, V128d b) => a + b;
    [MethodImpl(AggressiveInlining)] public static V128d Subtract(V128d a, V128d b) => a - b;
    [MethodImpl(AggressiveInlining)] public static V128d Multiply(V128d a, V128d b) => a * b;
    [MethodImpl(AggressiveInlining)] public static V128d MultiplyAdd(V128d a, V128d b, V128d c) => Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(AggressiveInlining)] public static V128d NegatedMultiplyAdd(V128d a, V128d b, V128d c) => Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(-a, b, c) : c - a * b;
    [MethodImpl(AggressiveInlining)] public static V128d Divide(V128d a, V128d b) => a / b;
    [MethodImpl(AggressiveInlining)] public static V128d Max(V128d a, V128d b) => Vector128.MaxNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V128d Min(V128d a, V128d b) => Vector128.MinNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V128d SelectGreater(V128d a, V128d b, V128d ifGreater, V128d otherwise) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, b), ifGreater, otherwise);
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(V128d v) => Vector128.EqualsAny(v, Vector128.Create(double.NegativeInfinity));
    [MethodImpl(AggressiveInlining)] public static V128d Round(V128d t) => t + Vector128.Create(FastMath.RoundShifterDouble) - Vector128.Create(FastMath.RoundShifterDouble);
    [MethodImpl(AggressiveInlining)] public static V128d ScaleB(V128d p, V128d n) => (p.AsUInt64() + ((n + Vector128.Create(FastMath.RoundShifterDouble)).AsUInt64() << 52)).AsDouble();
    [MethodImpl(AggressiveInlining)] public static void Decompose(V128d s, out V128d exponent, out V128d mantissa)
    {
        Vector128<ulong> u = s.AsUInt64() + Vector128.Create(FastMath.OneMinusSqrtHalfBitsDouble);
        exponent = ((u >> 52) | Vector128.Create(FastMath.TwoTo52Bits)).AsDouble() - Vector128.Create(FastMath.TwoTo52PlusBiasDouble);
        mantissa = ((u & Vector128.Create(FastMath.MantissaMaskDouble)) + Vector128.Create(FastMath.SqrtHalfBitsDouble)).AsDouble();
    }

    [MethodImpl(AggressiveInlining)] public static void AddToLanes(ref double lanes, V128d v) => (Vector128.LoadUnsafe(ref lanes) + v).StoreUnsafe(ref lanes);
    public static double Lane(V128d v, int i) => v.GetElement(i);
}

/// <summary>float32 lanes of <see cref="Vector128"/>.</summary>
internal readonly struct Ops128Single : IVectorOps<V128f>
{
    public static int Count => V128f.Count;
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;
    public static string Name => "v128-f32";
    public static bool IsSingle => true;
    public static int ProductExponentLimit => 120;
    public static V128f Zero => V128f.Zero;
    [MethodImpl(AggressiveInlining)] public static V128f Broadcast(double value) => Vector128.Create((float)value);
    [MethodImpl(AggressiveInlining)] public static V128f LoadPlane(ref double source) => Vector128.Narrow(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref source, (nuint)V128d.Count));
    [MethodImpl(AggressiveInlining)] public static V128f LoadBytes(ref byte source) => Vector128.ConvertToSingle(Sse41.IsSupported ? Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte()) : Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte())).AsInt32());
    [MethodImpl(AggressiveInlining)] public static V128f LoadSingles(ref float source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(V128f value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(AggressiveInlining)] public static V128f Add(V128f a, V128f b) => a + b;
    [MethodImpl(AggressiveInlining)] public static V128f Subtract(V128f a, V128f b) => a - b;
    [MethodImpl(AggressiveInlining)] public static V128f Multiply(V128f a, V128f b) => a * b;
    [MethodImpl(AggressiveInlining)] public static V128f MultiplyAdd(V128f a, V128f b, V128f c) => Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(AggressiveInlining)] public static V128f NegatedMultiplyAdd(V128f a, V128f b, V128f c) => Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(-a, b, c) : c - a * b;
    [MethodImpl(AggressiveInlining)] public static V128f Divide(V128f a, V128f b) => a / b;
    [MethodImpl(AggressiveInlining)] public static V128f Max(V128f a, V128f b) => Vector128.MaxNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V128f Min(V128f a, V128f b) => Vector128.MinNative(a, b);
    [MethodImpl(AggressiveInlining)] public static V128f SelectGreater(V128f a, V128f b, V128f ifGreater, V128f otherwise) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, b), ifGreater, otherwise);
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(V128f v) => Vector128.EqualsAny(v, Vector128.Create(float.NegativeInfinity));
    [MethodImpl(AggressiveInlining)] public static V128f Round(V128f t) => t + Vector128.Create(FastMath.RoundShifterSingle) - Vector128.Create(FastMath.RoundShifterSingle);
    [MethodImpl(AggressiveInlining)] public static V128f ScaleB(V128f p, V128f n) => (p.AsUInt32() + ((n + Vector128.Create(FastMath.RoundShifterSingle)).AsUInt32() << 23)).AsSingle();
    [MethodImpl(AggressiveInlining)] public static void Decompose(V128f s, out V128f exponent, out V128f mantissa)
    {
        Vector128<uint> u = s.AsUInt32() + Vector128.Create(FastMath.OneMinusSqrtHalfBitsSingle);
        exponent = ((u >> 23) | Vector128.Create(FastMath.TwoTo23Bits)).AsSingle() - Vector128.Create(FastMath.TwoTo23PlusBiasSingle);
        mantissa = ((u & Vector128.Create(FastMath.MantissaMaskSingle)) + Vector128.Create(FastMath.SqrtHalfBitsSingle)).AsSingle();
    }

    [MethodImpl(AggressiveInlining)]
    public static void AddToLanes(ref double lanes, V128f v)
    {
        (V128d lower, V128d upper) = Vector128.Widen(v);
        (Vector128.LoadUnsafe(ref lanes) + lower).StoreUnsafe(ref lanes);
        (Vector128.LoadUnsafe(ref lanes, (nuint)V128d.Count) + upper).StoreUnsafe(ref lanes, (nuint)V128d.Count);
    }

    public static double Lane(V128f v, int i) => v.GetElement(i);
}

/// <summary>
/// One double at a time: the kernels' rung on machines without SIMD, and for the tests an instance of
/// the generic code at width 1. Multiply-add is <see cref="Math.FusedMultiplyAdd"/> (one rounding, as FMA hardware).
/// </summary>
internal readonly struct OpsScalar : IVectorOps<double>
{
    public static int Count => 1;
    public static bool IsHardwareAccelerated => true;
    public static string Name => "scalar-f64";
    public static bool IsSingle => false;
    public static int ProductExponentLimit => 1000;
    public static double Zero => 0.0;
    [MethodImpl(AggressiveInlining)] public static double Broadcast(double value) => value;
    [MethodImpl(AggressiveInlining)] public static double LoadPlane(ref double source) => source;
    [MethodImpl(AggressiveInlining)] public static double LoadBytes(ref byte source) => source;
    [MethodImpl(AggressiveInlining)] public static double LoadSingles(ref float source) => source;
    [MethodImpl(AggressiveInlining)] public static void StoreSingles(double value, ref float destination) => destination = (float)value;
    [MethodImpl(AggressiveInlining)] public static double Add(double a, double b) => a + b;
    [MethodImpl(AggressiveInlining)] public static double Subtract(double a, double b) => a - b;
    [MethodImpl(AggressiveInlining)] public static double Multiply(double a, double b) => a * b;
    [MethodImpl(AggressiveInlining)] public static double MultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
    [MethodImpl(AggressiveInlining)] public static double NegatedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(-a, b, c);
    [MethodImpl(AggressiveInlining)] public static double Divide(double a, double b) => a / b;
    [MethodImpl(AggressiveInlining)] public static double Max(double a, double b) => a > b ? a : b;
    [MethodImpl(AggressiveInlining)] public static double Min(double a, double b) => a < b ? a : b;
    [MethodImpl(AggressiveInlining)] public static double SelectGreater(double a, double b, double ifGreater, double otherwise) => a > b ? ifGreater : otherwise;
    [MethodImpl(AggressiveInlining)] public static bool AnyNegativeInfinity(double v) => double.IsNegativeInfinity(v);
    [MethodImpl(AggressiveInlining)] public static double Round(double t) => Math.Round(t);
    [MethodImpl(AggressiveInlining)] public static double ScaleB(double p, double n) => Math.ScaleB(p, (int)n);
    [MethodImpl(AggressiveInlining)] public static void Decompose(double s, out double exponent, out double mantissa)
    {
        ulong u = BitConverter.DoubleToUInt64Bits(s) + FastMath.OneMinusSqrtHalfBitsDouble;
        exponent = (double)(long)(u >> 52) - 1023.0;
        mantissa = BitConverter.UInt64BitsToDouble((u & FastMath.MantissaMaskDouble) + FastMath.SqrtHalfBitsDouble);
    }

    [MethodImpl(AggressiveInlining)] public static void AddToLanes(ref double lanes, double v) => lanes += v;
    public static double Lane(double v, int i) => v;
}
