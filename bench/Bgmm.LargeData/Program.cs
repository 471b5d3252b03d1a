using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Bgmm;
using Bgmm.Data;
using Bgmm.Data.Npy;

namespace Bgmm.LargeData;

/// <summary>
/// The large-data benchmark of issue 12 (run by <c>bench/large-data.sh</c>, one process per fit so that
/// each one's peak resident memory is its own):
/// <c>write PATH ROWS</c> writes ROWS points of D = 3 from three Gaussian clusters as a float64 .npy;
/// <c>fit PATH memory|BUDGET ITERATIONS THREADS</c> fits K = 3 to it — in memory (the whole file read
/// into a dataset, <see cref="MapEmFitter.Fit"/>) or with <see cref="TableFitter"/> under a memory budget
/// of BUDGET bytes — and prints the milliseconds of every iteration and a digest of the result's bits.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "write" when args.Length == 3:
                Write(args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
                return 0;
            case "read" when args.Length is 2 or 3:
                Read(args[1], args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : TableSource.MaxBlockRows);
                return 0;
            case "fit" when args.Length == 5:
                Fit(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
                return 0;
            default:
                Console.Error.WriteLine("usage: write PATH ROWS | read PATH [BLOCKROWS] | fit PATH memory|BUDGET ITERATIONS THREADS");
                return 2;
        }
    }

    /// <summary>A standard normal draw (Box–Muller): the benchmark's data, not a library stream.</summary>
    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static void Write(string path, long rows)
    {
        double[][] centres = [[0, 0, 0], [4, 0, 1], [1, 5, -2]];
        var rng = new Random(12);
        const int block = 1 << 20;
        double[][] columns = [new double[block], new double[block], new double[block]];
        var clock = Stopwatch.StartNew();
        using var writer = new NpyWriter(new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20), 3);
        for (long done = 0; done < rows; done += block)
        {
            int count = (int)Math.Min(block, rows - done);
            for (int i = 0; i < count; i++)
            {
                double[] centre = centres[rng.Next(3)];
                for (int j = 0; j < 3; j++) columns[j][i] = centre[j] + Gaussian(rng) * (0.6 + 0.2 * j);
            }
            writer.WriteRows(columns, count);
        }
        writer.Complete();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {rows} rows ({new FileInfo(path).Length / 1e9:F2} GB) in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>Times the copy out of the page cache alone, then passes of reading blocks and of wrapping them as datasets.</summary>
    private static void Read(string path, int block)
    {
        using NpyReader table = NpyReader.Open(path);
        double[][] columns = [.. Enumerable.Range(0, table.ColumnCount).Select(_ => new double[block])];
        using (var raw = File.OpenHandle(path))
        {
            var buffer = new byte[NpyReader.ReadBufferBytes];
            long length = RandomAccess.GetLength(raw), t0 = Stopwatch.GetTimestamp();
            for (long at = 0; at < length;) at += RandomAccess.Read(raw, buffer, at);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"copy out of the page cache alone (pread of 1 MiB): {(Stopwatch.GetTimestamp() - t0) * 1e3 / Stopwatch.Frequency:F0} ms"));
        }
        for (int pass = 0; pass < 3; pass++)
        {
            long read = 0, wrap = 0;
            for (long first = 0; first + block <= table.RowCount; first += block)
            {
                long t0 = Stopwatch.GetTimestamp();
                table.ReadChunk(first, block, columns);
                long t1 = Stopwatch.GetTimestamp();
                _ = Dataset.WrapColumns(columns);
                read += t1 - t0;
                wrap += Stopwatch.GetTimestamp() - t1;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pass {pass}: read {read * 1e3 / Stopwatch.Frequency:F0} ms, wrap (finite check) {wrap * 1e3 / Stopwatch.Frequency:F0} ms for {table.RowCount / block * block} rows"));
        }
    }

    private static void Fit(string path, string mode, int iterations, int threads)
    {
        var options = new FitOptions(3) { MaxIterations = iterations, Tolerance = 0, Seed = 1, Threads = threads };
        var ticks = new List<long>();
        var cpu = new List<TimeSpan>();
        var progress = new Recorder(ticks, cpu);
        var clock = Stopwatch.StartNew();
        FitResult fit;
        string how;
        using (NpyReader table = NpyReader.Open(path))
        {
            if (mode == "memory")
            {
                Dataset data = Dataset.WrapColumns(ChunkedTable.ReadAll(table));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read into memory in {clock.Elapsed.TotalSeconds:F1} s"));
                fit = MapEmFitter.Fit(data, null, options, progress);
                how = "in memory (MapEmFitter.Fit on a dataset)";
            }
            else
            {
                long budget = long.Parse(mode, CultureInfo.InvariantCulture);
                using TableSource source = TableSource.Open([table], budget, threads);
                fit = MapEmFitter.FitSource(source, source, null, options, progress);
                how = source.IsStreamed ? $"streamed, budget {budget >> 20} MiB, blocks of {source.BlockRows} rows" : $"loaded, budget {budget >> 20} MiB";
            }
        }
        double[] perIteration = [.. ticks.Zip(ticks.Skip(1), (a, b) => (b - a) * 1000.0 / Stopwatch.Frequency)];
        double[] sorted = [.. perIteration.Order()];
        double[] cpuSorted = [.. cpu.Zip(cpu.Skip(1), (a, b) => (b - a).TotalMilliseconds).Order()];
        Console.WriteLine($"mode: {how}, threads {(threads == 0 ? Environment.ProcessorCount : threads)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total {clock.Elapsed.TotalSeconds:F1} s; ms per iteration: median {sorted[sorted.Length / 2]:F0}, min {sorted[0]:F0}, all [{string.Join(", ", perIteration.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}]; CPU ms per iteration (all threads): median {cpuSorted[cpuSorted.Length / 2]:F0}, min {cpuSorted[0]:F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log joint {fit.LogJoint:R}, weights {string.Join(" ", fit.Mixture.Weights.Select(w => w.ToString("F6", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine($"digest {Digest(fit)}");
    }

    /// <summary>SHA-256 of the bits of the trace, the weights, the means and the covariances.</summary>
    private static string Digest(FitResult fit)
    {
        var values = new List<double>(fit.LogJointTrace);
        values.AddRange(fit.Mixture.Weights);
        for (int k = 0; k < fit.Mixture.ComponentCount; k++)
        {
            values.AddRange(fit.Mixture.GetMean(k));
            values.AddRange(fit.Mixture.GetCovariance(k).Cast<double>());
        }
        byte[] bytes = [.. values.SelectMany(v => BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(v)))];
        return Convert.ToHexString(SHA256.HashData(bytes))[..16];
    }

    /// <summary>Records the time and the process's CPU time at every progress report (iteration 0 is the first E-step).</summary>
    private sealed class Recorder(List<long> ticks, List<TimeSpan> cpu) : IProgress<FitProgress>
    {
        public void Report(FitProgress value)
        {
            ticks.Add(Stopwatch.GetTimestamp());
            using var self = Process.GetCurrentProcess();
            cpu.Add(self.TotalProcessorTime);
        }
    }
}
