using BenchmarkDotNet.Running;

namespace Bgmm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Bgmm.Benchmarks -- --filter '*'</c>: the statistics pass
/// alone (the kernel and its threading), on generated fox-sized data and on fox.png when ../shared
/// exists, K = 2, 3, 4, float64 and float32, under three instruction-set jobs (AVX-512, AVX2 only,
/// no SIMD). For whole iterations and the segment pipeline see <c>bgmm bench</c>.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
