using System.Diagnostics;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Spatial;
using Spectre.Console;

namespace Bgmm.Cli.Commands;

/// <summary>
/// What smoothing costs per EM iteration: one smoothed iteration (the E-step's sweeps + the M-step,
/// every pixel) against one unsmoothed iteration over every pixel, both timed in the same run,
/// interleaved, on all cores.
/// </summary>
internal static class BenchSmoothing
{
    private static readonly MixturePrior ImagePrior = MixturePrior.Create(3, alpha: 100, nu0: 4);

    public static void Table(CliConsole console, IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> images, int[] components,
        int iterations, int repeats, CancellationToken cancellationToken)
    {
        var table = new Table().Title($"smoothing cost: ms per EM iteration, every pixel, {Environment.ProcessorCount} threads (β = 2, 4 neighbours, {SmoothingOptions.DefaultSweeps} sweeps), median of {repeats}");
        table.AddColumn("image");
        table.AddColumn(new TableColumn("K").RightAligned());
        table.AddColumn(new TableColumn("unsmoothed").RightAligned());
        table.AddColumn(new TableColumn("smoothed").RightAligned());
        table.AddColumn(new TableColumn("ratio").RightAligned());
        foreach ((string name, RgbImage image, _) in images)
        {
            Dataset pixels = image.ToDataset();
            foreach (int k in components)
            {
                if (pixels.Count < k) continue;
                cancellationToken.ThrowIfCancellationRequested();
                (double plain, double smoothed, double ratio) = Measure(pixels, image.Width, image.Height, k, iterations, repeats);
                table.AddRow(name, k.ToString(CultureInfo.InvariantCulture), F(plain), F(smoothed), string.Create(CultureInfo.InvariantCulture, $"{ratio:F2}×"));
            }
        }
        console.Human.Write(table);
    }

    /// <summary>Medians of the per-iteration times (fit with I iterations − fit with 0, over I) and of their per-repeat ratio.</summary>
    internal static (double Plain, double Smoothed, double Ratio) Measure(Dataset pixels, int width, int height, int k, int iterations, int repeats)
    {
        FitResult independent = MapEmFitter.Fit(pixels, ImagePrior, new FitOptions(k) { Seed = 1, MaxIterations = 200 });
        var plainOptions = new FitOptions(k) { Tolerance = 0, Initialization = Initialization.FromMixture(independent.Mixture) };
        var smoothOptions = new SmoothingOptions { Beta = 2, Tolerance = 0 };
        double Plain(int n) => Time(() => MapEmFitter.Fit(pixels, ImagePrior, plainOptions with { MaxIterations = n }));
        double Smoothed(int n) => Time(() => MeanFieldEmFitter.Fit(pixels, width, height, independent.Mixture, ImagePrior, smoothOptions with { MaxIterations = n }));
        Plain(iterations);
        Smoothed(iterations);
        var plain = new double[repeats];
        var smoothed = new double[repeats];
        var ratios = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            plain[r] = Math.Max(0, Plain(iterations) - Plain(0)) / iterations;
            smoothed[r] = Math.Max(0, Smoothed(iterations) - Smoothed(0)) / iterations;
            ratios[r] = smoothed[r] / plain[r];
        }
        return (Median(plain), Median(smoothed), Median(ratios));
    }

    private static double Time(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    private static string F(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture);
}
