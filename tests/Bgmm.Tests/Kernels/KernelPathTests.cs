using Bgmm.Cli.Diagnostics;
using System.Runtime.Intrinsics;
using Bgmm.Kernels;

namespace Bgmm.Tests.Kernels;

/// <summary>
/// Every vectorised path (512/256/128-bit; float64 and float32; D = 3 specialised and the generic
/// loops at D = 1, 2, 3, 4, 5; K = 1..6; weighted and unweighted; a component of weight 0) against
/// <see cref="ScalarKernel"/> on every length 0..257, so every tail length of every width runs.
/// </summary>
public class KernelPathTests
{
    // float64: the paths differ from the reference only by (a) exp2/log2 polynomials, ≤ 3e-16 relative
    // (FastMathTests), (b) the bits scaling of Q and c (a few ulps of t, |t| ≲ 40 here, so ≲ 1e-14
    // relative in a responsibility), and (c) summation order over ≤ 257 rows (≤ 257 ε ≈ 3e-14 of the
    // largest sum). 1e-12 is two decades above that; measured worst ≈ 4e-15 (KernelDiagnostics.SelfCheck).
    private const double DoubleTolerance = 1e-12;

    // float32: every operand rounded to 24 bits (6e-8) and t of magnitude ≲ 40 bits: ~40·6e-8 = 2.4e-6
    // relative in a responsibility at worst; measured worst ≈ 6e-7. The contract is 5e-6.
    private const double SingleTolerance = 5e-6;

    public static TheoryData<string, Precision, int, bool> Paths()
    {
        var data = new TheoryData<string, Precision, int, bool>();
        foreach (string width in new[] { "Vector512", "Vector256", "Vector128" })
        {
            foreach (Precision precision in new[] { Precision.Double, Precision.Single })
            {
                data.Add(width, precision, 3, true);
                foreach (int d in new[] { 1, 2, 3, 4, 5 }) data.Add(width, precision, d, false);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Accumulate_EveryLength0To257_MatchesScalarReference(string widthName, Precision precision, int d, bool specialiseD3)
    {
        VectorWidth width = Enum.Parse<VectorWidth>(widthName);
        if (!VectorWidths.IsAccelerated(width)) Assert.Skip($"{width} is not accelerated on this machine (the child-process tests cover the ladder).");
        IStatisticsKernel kernel = KernelSelector.Create(width, precision, specialiseD3);
        double tolerance = precision == Precision.Double ? DoubleTolerance : SingleTolerance;
        double worst = 0;
        for (int k = 1; k <= 6; k++)
        {
            foreach (bool weighted in new[] { false, true })
            {
                (Dataset data, GaussianMixture mixture) = KernelDiagnostics.SelfCheckCase(d, k, weighted, 257, (ulong)(1000 * d + 10 * k + (weighted ? 1 : 0)));
                var model = new EStepModel(mixture);
                for (int n = 0; n <= 257; n++)
                {
                    double[] expected = Accumulate(ScalarKernel.Instance, model, data, 0, n);
                    double[] actual = Accumulate(kernel, model, data, 0, n);
                    double error = KernelDiagnostics.RelativeError(actual, expected);
                    worst = Math.Max(worst, error);
                    Assert.True(error <= tolerance, $"{kernel.Name} D={d} K={k} weighted={weighted} n={n}: relative error {error:E2}");
                    if (k >= 3)
                    {
                        // The component of weight 0 gets exactly nothing.
                        int stride = MixtureStatistics.Stride(d);
                        for (int i = 0; i < stride; i++) Assert.Equal(0.0, actual[stride + i]);
                    }
                }
                // A range that starts off a vector boundary, as a chunk never does but a caller may.
                Assert.True(KernelDiagnostics.RelativeError(Accumulate(kernel, model, data, 3, 250), Accumulate(ScalarKernel.Instance, model, data, 3, 250)) <= tolerance);
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{kernel.Name} D={d}: worst relative error {worst:E2}");
    }

    [Fact]
    public void Select_PicksTheWidestAcceleratedWidth_AndD3OnlyForD3()
    {
        string prefix = Vector512.IsHardwareAccelerated ? "v512" : Vector256.IsHardwareAccelerated ? "v256" : Vector128.IsHardwareAccelerated ? "v128" : "scalar";
        Assert.StartsWith(prefix, KernelSelector.Select(3).Name);
        if (prefix != "scalar")
        {
            Assert.Equal(prefix + "-f64-d3", KernelSelector.Select(3, Precision.Double).Name);
            Assert.Equal(prefix + "-f32-d3", KernelSelector.Select(3, Precision.Single).Name);
            Assert.Equal(prefix + "-f64-generic", KernelSelector.Select(4, Precision.Double).Name);
        }
    }

    [Fact]
    public void Accumulate_RowOutsideEveryComponent_FailsLikeTheReference_ButOnlyForPositiveWeight()
    {
        // A point so far away that ‖P(x − μ)‖² overflows: density 0 under every component.
        var mixture = new GaussianMixture([1.0], [[0.0, 0.0, 0.0]], [new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }]);
        var model = new EStepModel(mixture);
        double[][] columns = [new double[40], new double[40], new double[40]];
        columns[0][17] = 1e200;
        IStatisticsKernel kernel = KernelSelector.Select(3);
        var s = new double[MixtureStatistics.Length(1, 3)];
        Assert.Equal(17, Assert.Throws<RowOutOfRangeException>(() => kernel.Accumulate(model, Dataset.WrapColumns(columns), 0, 40, s)).Row);
        Assert.Equal(17, Assert.Throws<RowOutOfRangeException>(() => ScalarKernel.Instance.Accumulate(model, Dataset.WrapColumns(columns), 0, 40, s)).Row);

        double[] weights = [.. Enumerable.Repeat(1.0, 40)];
        weights[17] = 0;
        var weighted = Dataset.WrapColumns(columns, weights);
        double[] expected = Accumulate(ScalarKernel.Instance, model, weighted, 0, 40);
        double[] actual = Accumulate(kernel, model, weighted, 0, 40);
        Assert.True(KernelDiagnostics.RelativeError(actual, expected) <= DoubleTolerance);
    }

    internal static double[] Accumulate(IStatisticsKernel kernel, EStepModel model, Dataset data, int start, int end)
    {
        var s = new double[MixtureStatistics.Length(model.K, model.D)];
        kernel.Accumulate(model, data, start, end, s);
        return s;
    }
}
