using BenchmarkDotNet.Attributes;
using Bgmm.Numerics;

namespace Bgmm.Benchmarks;

/// <summary>Labelling every pixel of a 50-megapixel image (the fast byte path).</summary>
[Config(typeof(IsaConfig))]
public class LabelBenchmarks
{
    private Dataset? _data;
    private GaussianMixture? _mixture;
    private byte[] _labels = [];

    [Params(2, 8)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int n = 50_000_000;
        var rng = new RandomStream(3);
        var columns = new double[3][];
        for (int j = 0; j < 3; j++)
        {
            columns[j] = new double[n];
            for (int i = 0; i < n; i++) columns[j][i] = rng.NextDouble();
        }
        _data = Dataset.WrapColumns(columns);
        Dataset sample = Dataset.WrapColumns([.. columns.Select(c => c[..100_000])]);
        _mixture = MapEmFitter.Fit(sample, null, new FitOptions(K) { MaxIterations = 5, Tolerance = 0, Seed = 1 }).Mixture;
        _labels = new byte[n];
    }

    [Benchmark]
    public void Predict() => _mixture!.Predict(_data!, _labels);
}
