namespace Bgmm.Kernels;

/// <summary>
/// The primitive operations of one vector type <typeparamref name="TV"/> (a <c>Vector512/256/128</c> of
/// double or float, or a single double): the one vector layer every kernel is written against. Each
/// width implements only primitives (Vectors/VectorOps.cs); everything built from them — exp2,
/// log2, component scores, moment sums — is written once, generically (<see cref="Simd{TOps, TV}"/>,
/// <see cref="Simd{TOps, TV}"/>, <see cref="Simd{TOps, TV}"/>), and the JIT
/// specialises it per width (the TensorPrimitives pattern: <c>ISimdVector</c> is not public in .NET 10).
/// </summary>
/// <remarks>
/// Numeric policy, the same for every width: IEEE add, subtract, multiply and divide; multiply-add fused
/// where the hardware has FMA (x64 with FMA3 or AVX-512, Arm) and two roundings elsewhere, so widths
/// agree to a few ulps, not bitwise. Data arrive as double columns, float columns of q, or byte planes
/// (<see cref="IPlaneReader"/>); the float variants narrow doubles in registers and widen their sums back
/// to double (<see cref="AddToLanes"/>), so every kernel's per-chunk results are float64.
/// </remarks>
internal interface IVectorOps<TV>
    where TV : unmanaged
{
    /// <summary>Lanes per vector (rows processed together).</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware on this machine.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>"v512-f64", "v128-f32", "scalar-f64", ….</summary>
    static abstract string Name { get; }

    /// <summary>Whether the lanes are float32 (then loads of doubles narrow, and a block keeps its converted coordinates).</summary>
    static abstract bool IsSingle { get; }

    /// <summary>
    /// The largest power of two a running product of per-row normalisers may reach before its exponent
    /// is taken (float: 2^127, double: 2^1023, with a margin).
    /// </summary>
    static abstract int ProductExponentLimit { get; }

    static abstract TV Zero { get; }

    static abstract TV Broadcast(double value);

    /// <summary><see cref="Count"/> consecutive doubles (narrowed to float in the float variants).</summary>
    static abstract TV LoadPlane(ref double source);

    /// <summary><see cref="Count"/> consecutive bytes, each converted exactly to a lane (0..255).</summary>
    static abstract TV LoadBytes(ref byte source);

    /// <summary><see cref="Count"/> consecutive floats, widened exactly in the double variants.</summary>
    static abstract TV LoadSingles(ref float source);

    /// <summary>Stores the lanes as <see cref="Count"/> consecutive floats (rounded to nearest in the double variants).</summary>
    static abstract void StoreSingles(TV value, ref float destination);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    /// <summary>c − a·b, fused where the hardware has FMA.</summary>
    static abstract TV NegatedMultiplyAdd(TV a, TV b, TV c);

    static abstract TV Divide(TV a, TV b);

    static abstract TV Max(TV a, TV b);

    static abstract TV Min(TV a, TV b);

    /// <summary>Lane-wise a &gt; b ? ifGreater : otherwise.</summary>
    static abstract TV SelectGreater(TV a, TV b, TV ifGreater, TV otherwise);

    /// <summary>Whether any lane is −∞.</summary>
    static abstract bool AnyNegativeInfinity(TV v);

    /// <summary>Each lane rounded to the nearest integer (ties to even), for |t| &lt; 2^22.</summary>
    static abstract TV Round(TV t);

    /// <summary>p·2^n for integral n, where the result is a normal number.</summary>
    static abstract TV ScaleB(TV p, TV n);

    /// <summary>
    /// s = 2^e·m with e integral and m ∈ [√½, √2), for positive normal s (the split the log2 polynomial needs).
    /// </summary>
    static abstract void Decompose(TV s, out TV exponent, out TV mantissa);

    /// <summary>lanes[0..Count) += v, widened to double.</summary>
    static abstract void AddToLanes(ref double lanes, TV v);

    /// <summary>Lane i of <paramref name="v"/> as a double.</summary>
    static abstract double Lane(TV v, int i);
}
