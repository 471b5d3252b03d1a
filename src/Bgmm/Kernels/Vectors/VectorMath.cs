using System.Runtime.CompilerServices;

namespace Bgmm.Kernels;

/// <summary>
/// exp2 and log2 over any width of <see cref="IVectorOps{TV}"/>, written once from its primitives
/// (the polynomials and their accuracy: <see cref="FastMath"/>).
/// </summary>
internal static partial class Simd<TOps, TV>
    where TOps : struct, IVectorOps<TV>
    where TV : unmanaged
{
    /// <summary>2^t for t ≤ 0; t = −∞ and results below 2^−600 (float: 2^−64) give exactly 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp2(TV t)
    {
        TV lowest = TOps.Broadcast(TOps.IsSingle ? FastMath.Exp2MinSingle : FastMath.Exp2MinDouble);
        TV clamped = TOps.Max(t, lowest);
        TV n = TOps.Round(clamped);
        TV r = TOps.Subtract(clamped, n);
        TV p = TOps.IsSingle ? Exp2Taylor(r) : Exp2Chebyshev(r);
        return TOps.SelectGreater(lowest, t, TOps.Zero, TOps.ScaleB(p, n));
    }

    /// <summary>log2 s for a positive normal s (for s ≥ 1 the error is relative to max(log2 s, 1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log2(TV s)
    {
        TOps.Decompose(s, out TV e, out TV m);
        TV one = TOps.Broadcast(1.0);
        TV f = TOps.Divide(TOps.Subtract(m, one), TOps.Add(m, one));
        TV z = TOps.Multiply(f, f);
        TV q;
        if (TOps.IsSingle)
        {
            q = TOps.MultiplyAdd(TOps.Broadcast(FastMath.AtanhD4), z, TOps.Broadcast(FastMath.AtanhD3));
        }
        else
        {
            q = TOps.MultiplyAdd(TOps.Broadcast(FastMath.AtanhD9), z, TOps.Broadcast(FastMath.AtanhD8));
            q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD7));
            q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD6));
            q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD5));
            q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD4));
            q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD3));
        }
        q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD2));
        q = TOps.MultiplyAdd(q, z, TOps.Broadcast(FastMath.AtanhD1));
        q = TOps.Multiply(q, z);
        // log2 m = (2/ln 2)·(f + f·q)
        TV f2 = TOps.Multiply(f, TOps.Broadcast(FastMath.TwoOverLn2));
        return TOps.Add(e, TOps.MultiplyAdd(f2, q, f2));
    }

    /// <summary>2^r on |r| ≤ ½ by Estrin's scheme: the degree-10 polynomial at a third of Horner's latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Exp2Chebyshev(TV r)
    {
        TV r2 = TOps.Multiply(r, r);
        TV r4 = TOps.Multiply(r2, r2);
        TV r8 = TOps.Multiply(r4, r4);
        TV p01 = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2D1), r, TOps.Broadcast(1.0));
        TV p23 = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2D3), r, TOps.Broadcast(FastMath.Exp2D2));
        TV p45 = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2D5), r, TOps.Broadcast(FastMath.Exp2D4));
        TV p67 = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2D7), r, TOps.Broadcast(FastMath.Exp2D6));
        TV p89 = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2D9), r, TOps.Broadcast(FastMath.Exp2D8));
        TV p03 = TOps.MultiplyAdd(p23, r2, p01);
        TV p47 = TOps.MultiplyAdd(p67, r2, p45);
        TV p810 = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2D10), r2, p89);
        return TOps.MultiplyAdd(p810, r8, TOps.MultiplyAdd(p47, r4, p03));
    }

    /// <summary>2^r on |r| ≤ ½ for float32 lanes: Taylor to degree 7 by Horner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Exp2Taylor(TV r)
    {
        TV p = TOps.MultiplyAdd(TOps.Broadcast(FastMath.Exp2T7), r, TOps.Broadcast(FastMath.Exp2T6));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(FastMath.Exp2T5));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(FastMath.Exp2T4));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(FastMath.Exp2T3));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(FastMath.Exp2T2));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(FastMath.Exp2T1));
        return TOps.MultiplyAdd(p, r, TOps.Broadcast(1.0));
    }
}
