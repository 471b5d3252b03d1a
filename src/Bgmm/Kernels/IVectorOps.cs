namespace Bgmm.Kernels;

/// <summary>
/// The arithmetic the vectorised kernels need, over one vector type <typeparamref name="TV"/> (a
/// <c>Vector512/256/128</c> of double or float). Implemented by small structs; the kernels are generic
/// methods over the struct, which the JIT specialises per width, so every call below inlines to one or
/// a few instructions (the TensorPrimitives pattern: <c>ISimdVector</c> is not public in .NET 10).
/// </summary>
/// <remarks>
/// Data arrive as double columns or byte planes (<see cref="IPlaneReader"/>); the float variants narrow
/// doubles in registers (<see cref="LoadPlane"/> reads <see cref="Count"/> doubles), every variant
/// widens bytes exactly (<see cref="LoadBytes"/>), and the float variants widen their block sums back to
/// double (<see cref="AddToLanes"/>), so the per-chunk statistics are float64 in every variant.
/// </remarks>
internal interface IVectorOps<TV>
    where TV : unmanaged
{
    /// <summary>Lanes per vector (rows processed together).</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware on this machine (otherwise it must not be selected).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>"v512-f64", "v128-f32", …</summary>
    static abstract string Name { get; }

    /// <summary>
    /// Whether <see cref="LoadPlane"/> converts (float32 variants): then a block's coordinates are
    /// converted once and kept, instead of loaded again for every component.
    /// </summary>
    static abstract bool NarrowsOnLoad { get; }

    /// <summary>
    /// The largest power of two a running product of per-row normalisers may reach before its
    /// exponent is taken (float: 2^127, double: 2^1023, with a margin).
    /// </summary>
    static abstract int ProductExponentLimit { get; }

    static abstract TV Zero { get; }

    static abstract TV Broadcast(double value);

    /// <summary><see cref="Count"/> consecutive doubles from <paramref name="source"/> (narrowed to float in the float variants).</summary>
    static abstract TV LoadPlane(ref double source);

    /// <summary><see cref="Count"/> consecutive bytes from <paramref name="source"/>, each converted exactly to a lane (0..255).</summary>
    static abstract TV LoadBytes(ref byte source);

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

    /// <summary>2^t for t ≤ 0 (t = −∞ gives exactly 0; results below the smallest normal are flushed to 0).</summary>
    static abstract TV Exp2(TV t);

    /// <summary>log2 s for finite s ≥ 1.</summary>
    static abstract TV Log2(TV s);

    /// <summary>lanes[0..Count) += v, widened to double.</summary>
    static abstract void AddToLanes(ref double lanes, TV v);

    /// <summary>Lane i of <paramref name="v"/> as a double.</summary>
    static abstract double Lane(TV v, int i);
}
