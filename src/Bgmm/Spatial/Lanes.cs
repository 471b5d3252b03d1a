using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bgmm.Spatial;

/// <summary>Which vector width the site updates run at.</summary>
internal enum LaneWidth
{
    /// <summary>The widest this machine accelerates.</summary>
    Auto = 0,

    /// <summary>One double at a time with <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/>: the reference.</summary>
    Scalar = 1,

    /// <summary><see cref="Vector128{T}"/> of 2 doubles.</summary>
    V128 = 2,

    /// <summary><see cref="Vector256{T}"/> of 4 doubles.</summary>
    V256 = 4,

    /// <summary><see cref="Vector512{T}"/> of 8 doubles.</summary>
    V512 = 8,
}

/// <summary>
/// The operations the vectorised site update needs, over lanes of doubles, as static members that
/// the JIT specialises per implementing struct (the TensorPrimitives pattern): one generic kernel,
/// four widths. Arithmetic is plain IEEE add, multiply and divide (no fused multiply-add), so every
/// width rounds alike; only exp and log differ from the scalar lanes' <see cref="Math.Exp"/> and
/// <see cref="Math.Log(double)"/>, by a few units in the last place (<see cref="VectorExp"/>,
/// <see cref="Vector512.Log(Vector512{double})"/>).
/// </summary>
internal interface ILanes<TV>
    where TV : unmanaged
{
    static abstract int Count { get; }
    static abstract TV Load(ref double source);

    /// <summary>
    /// <see cref="Count"/> floats widened to doubles. May read up to 16 floats from
    /// <paramref name="source"/>: the caller leaves that much readable slack.
    /// </summary>
    static abstract TV LoadSingles(ref float source);
    static abstract void Store(TV value, ref double destination);
    static abstract TV Broadcast(double value);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    static abstract TV Max(TV a, TV b);
    /// <summary>exp(x) for x ≤ 0 (or −∞); vector widths flush results below 2^-1022 to 0 (<see cref="VectorExp"/>).</summary>
    static abstract TV Exp(TV x);
    static abstract TV Log(TV x);

    /// <summary>Each lane rounded to float32 and back (round to nearest even, as a cast).</summary>
    static abstract TV RoundToSingle(TV x);

    /// <summary>value where x &gt; 0, else +0.</summary>
    static abstract TV WherePositive(TV x, TV value);

    static abstract bool AnyNegativeInfinity(TV x);
    static abstract double Sum(TV x);
}

internal readonly struct ScalarLanes : ILanes<double>
{
    public static int Count => 1;
    public static double Load(ref double source) => source;
    public static double LoadSingles(ref float source) => source;
    public static void Store(double value, ref double destination) => destination = value;
    public static double Broadcast(double value) => value;
    public static double Add(double a, double b) => a + b;
    public static double Subtract(double a, double b) => a - b;
    public static double Multiply(double a, double b) => a * b;
    public static double Divide(double a, double b) => a / b;
    public static double Max(double a, double b) => Math.Max(a, b);
    public static double Exp(double x) => Math.Exp(x);
    public static double Log(double x) => Math.Log(x);
    public static double RoundToSingle(double x) => (float)x;
    public static double WherePositive(double x, double value) => x > 0 ? value : 0.0;
    public static bool AnyNegativeInfinity(double x) => double.IsNegativeInfinity(x);
    public static double Sum(double x) => x;
}

internal readonly struct Lanes128 : ILanes<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;
    public static Vector128<double> Load(ref double source) => Vector128.LoadUnsafe(ref source);
    public static Vector128<double> LoadSingles(ref float source) => Vector128.WidenLower(Vector128.LoadUnsafe(ref source));
    public static void Store(Vector128<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    public static Vector128<double> Broadcast(double value) => Vector128.Create(value);
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;
    public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;
    public static Vector128<double> Max(Vector128<double> a, Vector128<double> b) => Vector128.Max(a, b);
    public static Vector128<double> Exp(Vector128<double> x) => VectorExp.NonPositive(x);
    public static Vector128<double> Log(Vector128<double> x) => Vector128.Log(x);

    public static Vector128<double> RoundToSingle(Vector128<double> x) =>
        Vector128.WidenLower(Vector128.Narrow(x, x));

    public static Vector128<double> WherePositive(Vector128<double> x, Vector128<double> value) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<double>.Zero), value, Vector128<double>.Zero);

    public static bool AnyNegativeInfinity(Vector128<double> x) => Vector128.EqualsAny(x, Vector128.Create(double.NegativeInfinity));
    public static double Sum(Vector128<double> x) => Vector128.Sum(x);
}

internal readonly struct Lanes256 : ILanes<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;
    public static Vector256<double> Load(ref double source) => Vector256.LoadUnsafe(ref source);
    public static Vector256<double> LoadSingles(ref float source) => Vector256.WidenLower(Vector256.LoadUnsafe(ref source));
    public static void Store(Vector256<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    public static Vector256<double> Broadcast(double value) => Vector256.Create(value);
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.Max(a, b);
    public static Vector256<double> Exp(Vector256<double> x) => VectorExp.NonPositive(x);
    public static Vector256<double> Log(Vector256<double> x) => Vector256.Log(x);

    public static Vector256<double> RoundToSingle(Vector256<double> x) =>
        Vector256.WidenLower(Vector256.Narrow(x, x));

    public static Vector256<double> WherePositive(Vector256<double> x, Vector256<double> value) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<double>.Zero), value, Vector256<double>.Zero);

    public static bool AnyNegativeInfinity(Vector256<double> x) => Vector256.EqualsAny(x, Vector256.Create(double.NegativeInfinity));
    public static double Sum(Vector256<double> x) => Vector256.Sum(x);
}

internal readonly struct Lanes512 : ILanes<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;
    public static Vector512<double> Load(ref double source) => Vector512.LoadUnsafe(ref source);
    public static Vector512<double> LoadSingles(ref float source) => Vector512.WidenLower(Vector512.LoadUnsafe(ref source));
    public static void Store(Vector512<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    public static Vector512<double> Broadcast(double value) => Vector512.Create(value);
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.Max(a, b);
    public static Vector512<double> Exp(Vector512<double> x) => VectorExp.NonPositive(x);
    public static Vector512<double> Log(Vector512<double> x) => Vector512.Log(x);

    public static Vector512<double> RoundToSingle(Vector512<double> x) =>
        Vector512.WidenLower(Vector512.Narrow(x, x));

    public static Vector512<double> WherePositive(Vector512<double> x, Vector512<double> value) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<double>.Zero), value, Vector512<double>.Zero);

    public static bool AnyNegativeInfinity(Vector512<double> x) => Vector512.EqualsAny(x, Vector512.Create(double.NegativeInfinity));
    public static double Sum(Vector512<double> x) => Vector512.Sum(x);
}

internal static class LaneSelector
{
    /// <summary>The widest accelerated width (the scalar path when none is).</summary>
    public static LaneWidth Resolve(LaneWidth requested)
    {
        if (requested != LaneWidth.Auto) return requested;
        if (Vector512.IsHardwareAccelerated) return LaneWidth.V512;
        if (Vector256.IsHardwareAccelerated) return LaneWidth.V256;
        if (Vector128.IsHardwareAccelerated) return LaneWidth.V128;
        return LaneWidth.Scalar;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(LaneWidth width) => (int)width;
}
