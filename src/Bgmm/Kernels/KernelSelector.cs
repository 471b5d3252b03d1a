using System.Runtime.Intrinsics;

namespace Bgmm.Kernels;

/// <summary>
/// The statistics kernel for a dimension and precision: the widest accelerated rung of
/// <see cref="VectorWidths"/> (the scalar rung is <see cref="ScalarKernel"/>), with D = 3 specialised.
/// </summary>
internal static class KernelSelector
{
    private static readonly IStatisticsKernel[] Kernels =
    [
        new StatisticsKernel<Ops512Double, Vector512<double>>(true), new StatisticsKernel<Ops512Double, Vector512<double>>(false),
        new StatisticsKernel<Ops256Double, Vector256<double>>(true), new StatisticsKernel<Ops256Double, Vector256<double>>(false),
        new StatisticsKernel<Ops128Double, Vector128<double>>(true), new StatisticsKernel<Ops128Double, Vector128<double>>(false),
        new StatisticsKernel<Ops512Single, Vector512<float>>(true), new StatisticsKernel<Ops512Single, Vector512<float>>(false),
        new StatisticsKernel<Ops256Single, Vector256<float>>(true), new StatisticsKernel<Ops256Single, Vector256<float>>(false),
        new StatisticsKernel<Ops128Single, Vector128<float>>(true), new StatisticsKernel<Ops128Single, Vector128<float>>(false),
    ];

    public static IStatisticsKernel Select(int dimension, Precision precision = Precision.Double) =>
        Create(VectorWidths.Best, precision, specialiseD3: dimension == 3);

    /// <summary>
    /// The kernel of one rung (for tests and benchmarks; a width this machine does not accelerate
    /// still runs, emulated, and slowly). The scalar rung is <see cref="ScalarKernel"/> in either precision.
    /// </summary>
    public static IStatisticsKernel Create(VectorWidth width, Precision precision, bool specialiseD3)
    {
        if (width == VectorWidth.Scalar) return ScalarKernel.Instance;
        int index = (precision == Precision.Single ? 6 : 0) + 2 * (int)width + (specialiseD3 ? 0 : 1);
        return Kernels[index];
    }
}
