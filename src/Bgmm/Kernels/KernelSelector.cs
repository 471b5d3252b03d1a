using System.Runtime.Intrinsics;

namespace Bgmm.Kernels;

/// <summary>The vector widths of the kernel ladder, widest first.</summary>
internal enum KernelWidth
{
    Vector512,
    Vector256,
    Vector128,
    Scalar,
}

/// <summary>
/// Chooses the fastest E-step kernel this machine runs for the data's dimension: the ladder
/// Vector512 → Vector256 → Vector128 → scalar, each rung only where the runtime reports it
/// hardware-accelerated (so the runtime's switches <c>DOTNET_EnableAVX512=0</c>,
/// <c>DOTNET_PreferredVectorBitWidth=256</c>, <c>DOTNET_EnableAVX2=0</c> and
/// <c>DOTNET_EnableHWIntrinsic=0</c> step down the ladder), with D = 3 specialised.
/// </summary>
internal static class KernelSelector
{
    private static readonly IStatisticsKernel[] Kernels =
    [
        new SimdKernel<Ops512Double, Vector512<double>>(true), new SimdKernel<Ops512Double, Vector512<double>>(false),
        new SimdKernel<Ops256Double, Vector256<double>>(true), new SimdKernel<Ops256Double, Vector256<double>>(false),
        new SimdKernel<Ops128Double, Vector128<double>>(true), new SimdKernel<Ops128Double, Vector128<double>>(false),
        new SimdKernel<Ops512Single, Vector512<float>>(true), new SimdKernel<Ops512Single, Vector512<float>>(false),
        new SimdKernel<Ops256Single, Vector256<float>>(true), new SimdKernel<Ops256Single, Vector256<float>>(false),
        new SimdKernel<Ops128Single, Vector128<float>>(true), new SimdKernel<Ops128Single, Vector128<float>>(false),
    ];

    /// <summary>The widest width that runs in hardware here.</summary>
    public static KernelWidth BestWidth =>
        Vector512.IsHardwareAccelerated ? KernelWidth.Vector512
        : Vector256.IsHardwareAccelerated ? KernelWidth.Vector256
        : Vector128.IsHardwareAccelerated ? KernelWidth.Vector128
        : KernelWidth.Scalar;

    public static IStatisticsKernel Select(int dimension, Precision precision = Precision.Double) =>
        Create(BestWidth, precision, specialiseD3: dimension == 3);

    /// <summary>
    /// The kernel of one rung (for tests and benchmarks; a width this machine does not accelerate
    /// still runs, emulated, and slowly). The scalar rung is <see cref="ScalarKernel"/> in either
    /// precision.
    /// </summary>
    public static IStatisticsKernel Create(KernelWidth width, Precision precision, bool specialiseD3)
    {
        if (width == KernelWidth.Scalar) return ScalarKernel.Instance;
        int index = (precision == Precision.Single ? 6 : 0) + 2 * (int)width + (specialiseD3 ? 0 : 1);
        return Kernels[index];
    }

    /// <summary>Whether the runtime accelerates <paramref name="width"/> on this machine.</summary>
    public static bool IsAccelerated(KernelWidth width) => width switch
    {
        KernelWidth.Vector512 => Vector512.IsHardwareAccelerated,
        KernelWidth.Vector256 => Vector256.IsHardwareAccelerated,
        KernelWidth.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };
}
