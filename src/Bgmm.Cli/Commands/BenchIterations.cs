using System.Diagnostics;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Numerics;
using Spectre.Console;

namespace Bgmm.Cli.Commands;

/// <summary>
/// bgmm bench's iteration tables: ms per EM iteration (statistics pass + M-step) per image and K, on every
/// pixel and on the colour table, float64 and float32, one thread and all; and generated images of
/// 0.1–50 megapixels (--scaling).
/// </summary>
internal static class BenchIterations
{
    private static readonly MixturePrior ImagePrior = SegmentationOptions.StudyPrior;

    public static void Table(CliConsole console, IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> images,
        BenchCommand.Settings settings, CancellationToken cancellationToken)
    {
        int all = Environment.ProcessorCount;
        int[] threadCounts = all > 1 ? [1, all] : [1];
        var table = new Table().Title("ms per EM iteration (statistics pass + M-step), median; ns per row per component in brackets");
        table.AddColumn("image");
        table.AddColumn(new TableColumn("K").RightAligned());
        table.AddColumn("data");
        table.AddColumn(new TableColumn("rows").RightAligned());
        foreach (int t in threadCounts)
        {
            table.AddColumn(new TableColumn($"f64 {t}T").RightAligned());
            table.AddColumn(new TableColumn($"f32 {t}T").RightAligned());
        }
        if (settings.Threading && all > 1) table.AddColumn(new TableColumn($"f64 {all}T Parallel.For pass").RightAligned());
        foreach ((string name, RgbImage image, _) in images)
        {
            Dataset pixels = image.ToDataset();
            Dataset colours = image.ToCompressedDataset();
            foreach (int k in settings.Components)
            {
                foreach ((string label, Dataset data) in new[] { ("every pixel", pixels), ("colour table", colours) })
                {
                    if (data.Count < k) continue;
                    var cells = new List<string> { name, k.ToString(CultureInfo.InvariantCulture), label, data.Count.ToString("N0", CultureInfo.InvariantCulture) };
                    foreach (int t in threadCounts)
                    {
                        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            double ms = IterationMilliseconds(data, k, precision, t, settings);
                            cells.Add(Cell(ms, data.Count, k, t));
                        }
                    }
                    if (settings.Threading && all > 1) cells.Add(Cell(PassMilliseconds(data, k, all, parallelFor: true, settings), data.Count, k, all));
                    table.AddRow(cells.Select(c => new Text(c)).ToArray());
                }
            }
        }
        console.Human.Write(table);
        if (settings.Threading && all > 1)
        {
            console.Line("(the Parallel.For column times the statistics pass alone with the thread pool woken every pass; compare with a persistent-worker pass below)");
            foreach ((string name, RgbImage image, _) in images)
            {
                Dataset pixels = image.ToDataset();
                double persistent = PassMilliseconds(pixels, 2, all, parallelFor: false, settings);
                double pooled = PassMilliseconds(pixels, 2, all, parallelFor: true, settings);
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{name}, K = 2, every pixel, {all} threads: pass {persistent:F3} ms with persistent workers, {pooled:F3} ms with Parallel.For"));
            }
        }
    }

    private static string Cell(double ms, int rows, int k, int threads) =>
        string.Create(CultureInfo.InvariantCulture, $"{ms:F3} ({ms * 1e6 * threads / ((double)rows * k):F2})");

    /// <summary>
    /// Median over repeats of (fit with I iterations − fit with 0 iterations) / I, after one warm-up:
    /// the initialisation, the first pass and the pass setup cancel.
    /// </summary>
    internal static double IterationMilliseconds(Dataset data, int k, Precision precision, int threads, BenchCommand.Settings settings)
    {
        var options = new FitOptions(k) { Tolerance = 0, Seed = 1, Threads = threads, Precision = precision };
        double Time(int iterations)
        {
            var clock = Stopwatch.StartNew();
            MapEmFitter.Fit(data, ImagePrior, options with { MaxIterations = iterations });
            return clock.Elapsed.TotalMilliseconds;
        }
        Time(settings.Iterations);
        var samples = new double[settings.Repeats];
        for (int r = 0; r < settings.Repeats; r++)
        {
            double full = Time(settings.Iterations), empty = Time(0);
            samples[r] = Math.Max(0, full - empty) / settings.Iterations;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    /// <summary>Median time of one statistics pass (no M-step) on a long-lived pass object.</summary>
    private static double PassMilliseconds(Dataset data, int k, int threads, bool parallelFor, BenchCommand.Settings settings)
    {
        GaussianMixture mixture = MapEmFitter.Fit(data, ImagePrior, new FitOptions(k) { MaxIterations = 5, Tolerance = 0, Seed = 1 }).Mixture;
        using var pass = new DatasetSource(data, k, threads, Precision.Double, persistentWorkers: !parallelFor);
        for (int i = 0; i < 10; i++) pass.EStep(mixture, default);
        var samples = new double[settings.Repeats];
        for (int r = 0; r < samples.Length; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < settings.Iterations; i++) pass.EStep(mixture, default);
            samples[r] = clock.Elapsed.TotalMilliseconds / settings.Iterations;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    /// <summary>Random pixel planes (a few colour clusters) of 0.1–50 megapixels; time per iteration should grow linearly in N·K.</summary>
    public static void ScalingTable(CliConsole console, BenchCommand.Settings settings, CancellationToken cancellationToken)
    {
        int all = Environment.ProcessorCount;
        int[] ks = [2, 4, 8, 16];
        var table = new Table().Title($"generated images, every pixel, float64, {all} threads: ms per EM iteration (ns per pixel per component × threads)");
        table.AddColumn(new TableColumn("megapixels").RightAligned());
        foreach (int k in ks) table.AddColumn(new TableColumn($"K = {k}").RightAligned());
        foreach (double megapixels in new[] { 0.1, 1, 10, 50 })
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = (int)(megapixels * 1_000_000);
            Dataset data = RandomPlanes(n, 9);
            var cells = new List<string> { megapixels.ToString(CultureInfo.InvariantCulture) };
            foreach (int k in ks)
            {
                int iterations = Math.Max(2, Math.Min(settings.Iterations, (int)(20_000_000L / ((long)n * k) + 1)));
                var local = settings with { Iterations = iterations, Repeats = megapixels >= 10 ? 1 : settings.Repeats };
                double ms = IterationMilliseconds(data, k, Precision.Double, all, local);
                cells.Add(Cell(ms, n, k, all));
            }
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
            console.Line($"{megapixels} MP done");
        }
        console.Human.Write(table);
    }

    private static Dataset RandomPlanes(int n, ulong seed)
    {
        var rng = new RandomStream(seed);
        var columns = new double[3][];
        for (int j = 0; j < 3; j++) columns[j] = new double[n];
        double[][] centres = [[0.2, 0.3, 0.1], [0.7, 0.6, 0.5], [0.4, 0.8, 0.9], [0.9, 0.2, 0.3]];
        for (int i = 0; i < n; i++)
        {
            double[] c = centres[(int)(rng.NextUInt64() & 3)];
            for (int j = 0; j < 3; j++) columns[j][i] = Math.Clamp(c[j] + 0.08 * rng.NextGaussian(), 0, 1);
        }
        return Dataset.WrapColumns(columns);
    }
}
