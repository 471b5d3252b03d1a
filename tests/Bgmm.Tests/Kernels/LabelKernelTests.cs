using Bgmm.Cli.Diagnostics;
using Bgmm.Imaging;
using Bgmm.Kernels;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Kernels;

/// <summary>The fast labelling path equals the scalar argmax of <see cref="GaussianMixture.Predict(ReadOnlySpan{double})"/>.</summary>
public class LabelKernelTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 4)]
    [InlineData(2, 3)]
    [InlineData(5, 6)]
    public void Predict_RandomData_EqualsScalarArgmaxOnEveryWidth(int d, int k)
    {
        (Dataset data, GaussianMixture mixture) = KernelDiagnostics.SelfCheckCase(d, k, weighted: false, 3001, seed: (ulong)(d * 7 + k));
        int[] expected = ScalarLabels(mixture, data);
        var model = new EStepModel(mixture);
        foreach (VectorWidth width in Enum.GetValues<VectorWidth>())
        {
            if (!VectorWidths.IsAccelerated(width)) continue;
            var labels = new byte[data.Count];
            LabelKernel.LabelRange(model, data, 0, data.Count, labels, width);
            Assert.Equal(expected, labels.Select(b => (int)b));
        }
        Assert.Equal(expected, mixture.Predict(data));
        var bytes = new byte[data.Count];
        mixture.Predict(data, bytes);
        Assert.Equal(expected, bytes.Select(b => (int)b));
    }

    [Fact]
    public void Predict_SharedImage_EqualsScalarArgmax()
    {
        Dataset data = ImageLoader.Load(SharedFiles.RequireShared("images", "zebra.png")).ToDataset();
        FitResult fit = MapEmFitter.Fit(data, MixturePrior.Create(3, alpha: 100, nu0: 4), new FitOptions(4) { MaxIterations = 20, Seed = 1 });
        var labels = new byte[data.Count];
        fit.Mixture.Predict(data, labels);
        Assert.Equal(ScalarLabels(fit.Mixture, data), labels.Select(b => (int)b));
    }

    [Fact]
    public void Predict_WrongLengthOrTooManyComponents_IsAClearError()
    {
        (Dataset data, GaussianMixture mixture) = KernelDiagnostics.SelfCheckCase(3, 2, weighted: false, 10, seed: 1);
        Assert.Throws<ArgumentException>(() => mixture.Predict(data, new byte[9]));
    }

    private static int[] ScalarLabels(GaussianMixture mixture, Dataset data)
    {
        var x = new double[data.Dimension];
        return [.. Enumerable.Range(0, data.Count).Select(i =>
        {
            data.CopyRow(i, x);
            return mixture.Predict(x);
        })];
    }
}
