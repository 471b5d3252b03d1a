using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Columns;
using Bgmm.Imaging;
using Bgmm.Kernels;
using Bgmm.Numerics;

namespace Bgmm.Benchmarks;

/// <summary>One statistics pass (E-step + accumulation, no M-step) on a long-lived pass, as a fit runs it.</summary>
[Config(typeof(IsaConfig))]
public class StatisticsPassBenchmarks
{
    private DatasetSource? _source;
    private GaussianMixture? _mixture;

    /// <summary>
    /// "generated" (427 200 random colour pixels, fox's size, double columns), "fox.png" (its byte
    /// planes, as RgbImage.ToDataset gives them) or "fox.png doubles" (the same values as double
    /// columns); generated data when ../shared is absent.
    /// </summary>
    [Params("generated", "fox.png", "fox.png doubles")]
    public string Data { get; set; } = "generated";

    [Params(2, 3, 4)]
    public int K { get; set; }

    [Params(Precision.Double, Precision.Single)]
    public Precision Precision { get; set; }

    /// <summary>0 = every core.</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Dataset data = Data == "generated" ? Generated(427_200) : LoadShared(Data.Split(' ')[0], asDoubles: Data.EndsWith(" doubles", StringComparison.Ordinal));
        _mixture = MapEmFitter.Fit(data, MixturePrior.Create(3, alpha: 100, nu0: 4), new FitOptions(K) { MaxIterations = 10, Tolerance = 0, Seed = 1 }).Mixture;
        _source = new DatasetSource(data, K, Threads, Precision);
    }

    [GlobalCleanup]
    public void Cleanup() => _source?.Dispose();

    [Benchmark]
    public double Pass() => _source!.EStep(_mixture!, default).DataTerm;

    private static Dataset LoadShared(string file, bool asDoubles)
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Bgmm.slnx")))
            {
                string path = Path.Combine(dir, "..", "shared", "images", file);
                if (!File.Exists(path)) break;
                Dataset pixels = ImageLoader.Load(path).ToDataset();
                return asDoubles ? Dataset.WrapColumns([.. Enumerable.Range(0, 3).Select(j => pixels.Column(j).ToArray())]) : pixels;
            }
        }
        Console.WriteLine($"../shared/images/{file} is absent: timing generated data under its name instead.");
        return Generated(427_200);
    }

    private static Dataset Generated(int n)
    {
        var rng = new RandomStream(11);
        var columns = new double[3][];
        for (int j = 0; j < 3; j++) columns[j] = new double[n];
        for (int i = 0; i < n; i++)
        {
            double centre = (i / 5000 % 3) * 0.3 + 0.15;
            for (int j = 0; j < 3; j++) columns[j][i] = Math.Clamp(centre + 0.1 * rng.NextGaussian(), 0, 1);
        }
        return Dataset.WrapColumns(columns);
    }
}

/// <summary>Jobs per instruction set, switched off by the runtime's knobs (the names .NET 10 honours).</summary>
public sealed class IsaConfig : ManualConfig
{
    public IsaConfig()
    {
        Job baseJob = Job.ShortRun;
        AddJob(baseJob.WithId("AVX-512"));
        AddJob(baseJob.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId("AVX2"));
        AddJob(baseJob.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableHWIntrinsic", "0")).WithId("no SIMD"));
        AddColumn(StatisticColumn.Median);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
