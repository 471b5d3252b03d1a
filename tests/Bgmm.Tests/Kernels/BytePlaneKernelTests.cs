using Bgmm.Cli.Synthetic;
using Bgmm.Cli.Diagnostics;
using Bgmm.Imaging;
using Bgmm.Kernels;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Kernels;

/// <summary>
/// Byte planes (how an 8-bit image's pixels are stored, <see cref="Dataset.FromBytePlanes"/>) against
/// double columns holding the same values v/255: the same statistics on every kernel path and length,
/// the same labels, the same fits.
/// </summary>
public class BytePlaneKernelTests
{
    // float64. Both storages run the same kernel, which is within ~5e-15 of the scalar reference on
    // these cases (KernelPathTests' error budget: exp2/log2 ≤ 3e-16, the bits scaling of Q and c a few
    // ulps of t, summation order ≤ 257ε). Byte planes add, once per call, the rounding of 255·μ and of
    // Q/255 (one ulp of each entry, so a few ulps of t, as the bits scaling) and of the rescaling of
    // the sums by 1/255 and 1/255² (one ulp): the same order again. 1e-12 is two decades above the
    // measured worst (≈ 5e-15, bgmm bench --self-check). Byte vs double kernel and each vs the reference.
    private const double DoubleTolerance = 1e-12;

    // float32: the float contract against the float64 reference (measured ≤ 1.4e-6 on these cases).
    private const double SingleTolerance = 5e-6;

    public static TheoryData<string, Precision, int, bool> Paths() => KernelPathTests.Paths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void Accumulate_BytePlanes_EveryLength0To257_MatchesDoubleColumnsOfTheSameValues(string widthName, Precision precision, int d, bool specialiseD3)
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
                (Dataset bytes, GaussianMixture mixture) = KernelDiagnostics.SelfCheckByteCase(d, k, weighted, 257, (ulong)(1000 * d + 10 * k + (weighted ? 1 : 0)));
                Dataset doubles = DoubleColumns(bytes);
                var model = new EStepModel(mixture);
                for (int n = 0; n <= 257; n++)
                {
                    double[] expected = KernelPathTests.Accumulate(ScalarKernel.Instance, model, doubles, 0, n);
                    // The scalar kernel reads bytes through the table: bit for bit the double columns.
                    Assert.Equal(expected, KernelPathTests.Accumulate(ScalarKernel.Instance, model, bytes, 0, n));
                    double[] actual = KernelPathTests.Accumulate(kernel, model, bytes, 0, n);
                    double error = KernelDiagnostics.RelativeError(actual, expected);
                    if (precision == Precision.Double)
                    {
                        error = Math.Max(error, KernelDiagnostics.RelativeError(actual, KernelPathTests.Accumulate(kernel, model, doubles, 0, n)));
                    }
                    worst = Math.Max(worst, error);
                    Assert.True(error <= tolerance, $"{kernel.Name} D={d} K={k} weighted={weighted} n={n}: relative error {error:E2}");
                    if (k >= 3)
                    {
                        // The component of weight 0 gets exactly nothing.
                        int stride = MixtureStatistics.Stride(d);
                        for (int i = 0; i < stride; i++) Assert.Equal(0.0, actual[stride + i]);
                    }
                }
                // A range that starts off a vector boundary.
                Assert.True(KernelDiagnostics.RelativeError(KernelPathTests.Accumulate(kernel, model, bytes, 3, 250),
                    KernelPathTests.Accumulate(ScalarKernel.Instance, model, doubles, 3, 250)) <= tolerance);
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{kernel.Name} D={d} byte planes: worst relative error {worst:E2}");
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 4)]
    [InlineData(2, 3)]
    [InlineData(5, 6)]
    public void Label_BytePlanes_EqualDoubleColumnsOnEveryWidthAndLength(int d, int k)
    {
        (Dataset bytes, GaussianMixture mixture) = KernelDiagnostics.SelfCheckByteCase(d, k, weighted: false, 3001, seed: (ulong)(d * 7 + k));
        Dataset doubles = DoubleColumns(bytes);
        var model = new EStepModel(mixture);
        var x = new double[d];
        int[] scalar = [.. Enumerable.Range(0, bytes.Count).Select(i =>
        {
            bytes.CopyRow(i, x);
            return mixture.Predict(x);
        })];
        foreach (VectorWidth width in Enum.GetValues<VectorWidth>())
        {
            if (!VectorWidths.IsAccelerated(width)) continue;
            var expected = new byte[bytes.Count];
            var actual = new byte[bytes.Count];
            // Every tail length: rows [0, n) for n = 0..257, then all rows.
            foreach (int n in Enumerable.Range(0, 258).Append(bytes.Count))
            {
                LabelKernel.LabelRange(model, doubles, 0, n, expected, width);
                LabelKernel.LabelRange(model, bytes, 0, n, actual, width);
                Assert.Equal(expected.AsSpan(0, n), actual.AsSpan(0, n));
            }
            // The division v/255 in registers gives the double columns' values exactly, so labels are
            // identical, not merely equal away from ties; and they are the scalar argmax here.
            Assert.Equal(scalar, actual.Select(b => (int)b));
        }
        Assert.Equal(mixture.Predict(doubles), mixture.Predict(bytes));
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void Fit_ImageBytePlanes_MatchesTheFitOnDoubleColumns(Precision precision)
    {
        RgbImage image = SyntheticSegmentation.Generate(160, 120, 3, 0.06, seed: 5).Image;
        Dataset bytes = image.ToDataset();
        Assert.True(bytes.HasBytePlanes);
        Dataset doubles = DoubleColumns(bytes);
        MixturePrior prior = MixturePrior.Create(3, alpha: 100, nu0: 4);
        var options = new FitOptions(3) { MaxIterations = 100, Tolerance = 0, Seed = 4, Precision = precision };
        // float64: per-iteration statistics agree to ~1e-14 (above), and EM does not amplify such
        // differences on a well-separated fit: 1e-10 on every trace entry and 1e-9 on the parameters
        // (the fixtures' own tolerance). float32: each pass is within 5e-6 of float64 whatever the
        // storage, so the traces agree to ~1e-6 relative (bound 1e-5) and the parameters to the float
        // fixed-point contract, 1e-4 (measured 1.8e-5: float rounding of the data's scatter).
        double traceTolerance = precision == Precision.Double ? 1e-10 : 1e-5;
        double parameterTolerance = precision == Precision.Double ? 1e-9 : 1e-4;
        foreach ((Dataset b, Dataset c) in new[] { (bytes, doubles), (bytes.Compress(), doubles.Compress()) })
        {
            FitResult fromBytes = MapEmFitter.Fit(b, prior, options);
            FitResult fromDoubles = MapEmFitter.Fit(c, prior, options);
            Assert.Equal(fromDoubles.LogJointTrace.Count, fromBytes.LogJointTrace.Count);
            for (int t = 0; t < fromDoubles.LogJointTrace.Count; t++)
            {
                Assert.True(Norms.Relative(fromBytes.LogJointTrace[t], fromDoubles.LogJointTrace[t]) <= traceTolerance,
                    $"trace[{t}]: {fromBytes.LogJointTrace[t]:R} vs {fromDoubles.LogJointTrace[t]:R}");
            }
            GaussianMixture m = fromDoubles.Mixture;
            double error = Norms.MixtureRelative(fromBytes.Mixture, m.Weights, [.. Enumerable.Range(0, 3).Select(m.GetMean)],
                [.. Enumerable.Range(0, 3).Select(m.GetCovariance)]);
            TestContext.Current.TestOutputHelper?.WriteLine($"{precision}{(b.IsCompressed ? " compressed" : "")}: parameters within {error:E2}");
            Assert.True(error <= parameterTolerance, $"{error:E2}");
        }
        // The same mixture labels both storages identically.
        FitResult fit = MapEmFitter.Fit(bytes, prior, options);
        var fromByteLabels = new byte[bytes.Count];
        var fromDoubleLabels = new byte[bytes.Count];
        fit.Mixture.Predict(bytes, fromByteLabels);
        fit.Mixture.Predict(doubles, fromDoubleLabels);
        Assert.Equal(fromDoubleLabels, fromByteLabels);
    }

    [Fact]
    public void Pass_BytePlanes_IsBitIdenticalOnOneAndTwoThreads()
    {
        (Dataset data, GaussianMixture mixture) = KernelDiagnostics.SelfCheckByteCase(3, 4, weighted: false, 50_000, seed: 12);
        var model = new EStepModel(mixture);
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            using var one = new StatisticsPass(4, 3, 1, KernelSelector.Select(3, precision));
            using var two = new StatisticsPass(4, 3, 2, KernelSelector.Select(3, precision));
            double[] expected = one.Run(data, model).Raw.ToArray();
            for (int i = 0; i < 5; i++) Assert.Equal(expected, two.Run(data, model).Raw.ToArray());
        }
    }

    /// <summary>The same values as double columns (v/255 from the table, via <see cref="Dataset.Column"/>).</summary>
    internal static Dataset DoubleColumns(Dataset data)
    {
        Assert.True(data.HasBytePlanes);
        double[][] columns = [.. Enumerable.Range(0, data.Dimension).Select(j => data.Column(j).ToArray())];
        Dataset doubles = data.IsWeighted ? Dataset.WrapColumns(columns, data.PointWeights.ToArray()) : Dataset.WrapColumns(columns);
        Assert.False(doubles.HasBytePlanes);
        return doubles;
    }
}
