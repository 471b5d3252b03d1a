namespace Bgmm.Kernels;

/// <summary>
/// Constants of the vectorised exp2 and log2 (<see cref="Simd{TOps, TV}"/>).
/// </summary>
/// <remarks>
/// <para><b>exp2(t), t ≤ 0.</b> t = n + r with n = round(t) and |r| ≤ ½; 2^r by a polynomial, then n is
/// added to the exponent. float64: the degree-10 Chebyshev fit (Estrin's scheme), 4.7e-16 relative on
/// [−½, ½]. float32: Taylor to degree 7, truncation 4e-9, so float rounding (6e-8) dominates. Results
/// below 2^−600 (float: 2^−64) are flushed to exactly 0 (see <see cref="Exp2MinDouble"/>), and so is −∞.</para>
/// <para><b>log2(s), s a positive normal number.</b> s = 2^e·m with m ∈ [√½, √2) (the exponent boundary
/// moved by adding the bits of 1 − √½), f = (m − 1)/(m + 1), |f| ≤ 0.172, and
/// ln m = 2 atanh f = 2f (1 + f²/3 + … + f^18/19): truncation ≤ 0.0295^10/21 ≈ 1e-17 relative;
/// float32 stops at f^8/9 (2e-8).</para>
/// </remarks>
internal static class FastMath
{
    /// <summary>
    /// exp2 flushes results below 2^−600 (≈ 2e−181) to exactly 0. Such a responsibility changes no
    /// statistic by more than ~1e−160 relative, and keeping it lets subnormal numbers into the products
    /// r·d·dᵀ, which CPUs handle in microcode (docs/performance.md).
    /// </summary>
    public const double Exp2MinDouble = -600.0;

    /// <summary>The float32 flush: 2^−64 ≈ 5e−20, far above float's subnormals (1.2e−38) even after r·d·dᵀ.</summary>
    public const float Exp2MinSingle = -64f;

    /// <summary>1.5·2^52: adding it rounds a double of magnitude &lt; 2^51 to an integer (to nearest).</summary>
    public const double RoundShifterDouble = 6755399441055744.0;

    /// <summary>1.5·2^23, the float analogue.</summary>
    public const float RoundShifterSingle = 12582912f;

    // 2^r on [−½, ½]: the degree-10 Chebyshev (near-minimax) fit of mpmath.chebyfit, absolute error
    // 2.2e-16, relative 4.7e-16 evaluated in double (Taylor's degree 11 truncates at 6.5e-15).
    public const double Exp2D1 = 0.69314718055995, Exp2D2 = 0.24022650695910097, Exp2D3 = 0.05550410866444772;
    public const double Exp2D4 = 0.009618129107606888, Exp2D5 = 0.0013333558230164974, Exp2D6 = 0.0001540353044173605;
    public const double Exp2D7 = 1.5252657260200837e-05, Exp2D8 = 1.321544258792169e-06, Exp2D9 = 1.0208690299958306e-07;
    public const double Exp2D10 = 7.072585949269223e-09;

    // float32: the Taylor coefficients ln(2)^k/k! to degree 7 (truncation 4e-9, below float rounding).
    public const double Exp2T1 = 0.69314718055994530942, Exp2T2 = 0.24022650695910071233, Exp2T3 = 0.055504108664821579953;
    public const double Exp2T4 = 0.0096181291076284771620, Exp2T5 = 0.0013333558146428443424, Exp2T6 = 0.00015403530393381609955;
    public const double Exp2T7 = 1.5252733804059840280e-5;

    /// <summary>Bits of √½ (double), and those of 1 minus them: adding the latter to a double's bits moves its exponent boundary from 1 to √½.</summary>
    public const ulong SqrtHalfBitsDouble = 0x3FE6A09E667F3BCDUL, OneMinusSqrtHalfBitsDouble = 0x00095F619980C433UL;

    public const ulong MantissaMaskDouble = 0x000FFFFFFFFFFFFFUL;

    /// <summary>Bits of 2^52: OR-ing a small integer into them and subtracting 2^52 (+ the exponent bias) converts it to double.</summary>
    public const ulong TwoTo52Bits = 0x4330000000000000UL;

    public const double TwoTo52PlusBiasDouble = 4503599627370496.0 + 1023.0;

    public const uint SqrtHalfBitsSingle = 0x3F3504F3u, OneMinusSqrtHalfBitsSingle = 0x004AFB0Du;
    public const uint MantissaMaskSingle = 0x007FFFFFu;
    public const uint TwoTo23Bits = 0x4B000000u;
    public const float TwoTo23PlusBiasSingle = 8388608f + 127f;

    // 1/(2j + 1)
    public const double AtanhD1 = 1.0 / 3, AtanhD2 = 1.0 / 5, AtanhD3 = 1.0 / 7, AtanhD4 = 1.0 / 9, AtanhD5 = 1.0 / 11;
    public const double AtanhD6 = 1.0 / 13, AtanhD7 = 1.0 / 15, AtanhD8 = 1.0 / 17, AtanhD9 = 1.0 / 19;

    public const double TwoOverLn2 = 2.8853900817779268147;

    /// <summary>ln 2: the kernels sum log-likelihoods in bits and convert once per chunk.</summary>
    public const double Ln2 = 0.69314718055994530942;

    /// <summary>log2(e).</summary>
    public const double Log2E = 1.4426950408889634074;
}
