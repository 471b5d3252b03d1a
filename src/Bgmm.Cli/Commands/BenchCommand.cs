using Bgmm.Cli.Synthetic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bgmm.Cli.Diagnostics;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Kernels;
using Bgmm.Numerics;
using Bgmm.Plotting;
using Spectre.Console;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm bench [IMAGE...]</c>: how fast the EM iteration and the whole segmentation run here. Per
/// image and K: ms per EM iteration (statistics pass + M-step) on every pixel and on the
/// distinct-colour table, in float64 and float32, on one thread and on all; then the segment
/// pipeline split into decode / fit / outputs. <c>--scaling</c> times generated images of 0.1–50
/// megapixels with K = 2–16; <c>--self-check</c> (hidden) checks the selected kernels against the
/// scalar reference and says which ran.
/// </summary>
internal sealed class BenchCommand
{
    private static readonly MixturePrior ImagePrior = MixturePrior.Create(3, alpha: 100, nu0: 4);

    private readonly Argument<string[]> _images = new("images")
    {
        Description = "Images to time (default: the study's four images in ../shared/images, when present).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> _components = new("--k")
    {
        Description = "Comma-separated numbers of components.",
        DefaultValueFactory = _ => "2,3,4",
    };

    private readonly Option<int> _iterations = new("--iterations")
    {
        Description = "EM iterations per timed fit (the time per iteration is the difference against a 0-iteration fit, divided by this).",
        DefaultValueFactory = _ => 20,
    };

    private readonly Option<int> _repeats = new("--repeats")
    {
        Description = "Timed fits per figure after a warm-up; the median is reported.",
        DefaultValueFactory = _ => 5,
    };

    private readonly Option<bool> _scaling = new("--scaling")
    {
        Description = "Also time generated images of 0.1, 1, 10 and 50 megapixels with K = 2, 4, 8, 16 (needs ~2 GB of memory and a few minutes).",
    };

    private readonly Option<bool> _noImages = new("--no-images")
    {
        Description = "Skip the image benchmarks (with --scaling: only the scaling table).",
    };

    private readonly Option<bool> _selfCheck = new("--self-check")
    {
        Description = "Check the kernels this machine selects against the scalar float64 reference, print the vector hardware and the kernels, exit 1 on failure.",
        Hidden = true,
    };

    private readonly Option<bool> _threading = new("--threading")
    {
        Description = "Also compare persistent workers with Parallel.For per pass (2+ threads).",
    };

    private readonly Option<bool> _smoothing = new("--smoothing")
    {
        Description = "Also run the smoothing study: generated 192×192 images with known segments at two noise levels, pixel error rate of the independent model (β = 0) and of the Potts smoothing for β = 0.5, 1, 2, 4 (about a minute).",
    };

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("bench",
            "Time the EM iteration (per pixel and on the distinct-colour table, float64 and float32, one thread and all) " +
            "and the segment pipeline on the study's images or the given ones; --scaling for generated 0.1–50 megapixel images.");
        command.Arguments.Add(_images);
        command.Options.Add(_components);
        command.Options.Add(_iterations);
        command.Options.Add(_repeats);
        command.Options.Add(_scaling);
        command.Options.Add(_noImages);
        command.Options.Add(_threading);
        command.Options.Add(_smoothing);
        command.Options.Add(_selfCheck);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            if (result.GetValue(_selfCheck)) return SelfCheck(console);
            int[] ks = ParseComponents(result.GetValue(_components) ?? "2,3,4");
            int iterations = result.GetValue(_iterations);
            int repeats = result.GetValue(_repeats);
            if (iterations < 1) throw new UserError($"--iterations = {iterations}: it must be ≥ 1.");
            if (repeats < 1) throw new UserError($"--repeats = {repeats}: it must be ≥ 1.");
            var settings = new Settings(ks, iterations, repeats, result.GetValue(_threading));
            console.Line($"bgmm bench: {Environment.ProcessorCount} cores; {KernelDiagnostics.HardwareSummary}");
            console.Line($"kernels: float64 {KernelDiagnostics.SelectedKernel(3, Precision.Double)}, float32 {KernelDiagnostics.SelectedKernel(3, Precision.Single)} (D = 3)");
            if (!result.GetValue(_noImages))
            {
                IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> images = LoadImages(console, result.GetValue(_images) ?? []);
                if (images.Count == 0)
                {
                    console.Line("no images: timing a generated 800×534 scene (SyntheticScene) instead.");
                    var clock = Stopwatch.StartNew();
                    RgbImage scene = SyntheticScene.Generate(800, 534, 1).Image;
                    images = [("generated 800×534", scene, clock.Elapsed)];
                }
                IterationTable(console, images, settings, cancellationToken);
                BenchSmoothing.Table(console, images, [.. ks.Where(k => k <= 3)], settings.Iterations, settings.Repeats, cancellationToken);
                SegmentTable(console, images, cancellationToken);
            }
            if (result.GetValue(_scaling)) ScalingTable(console, settings, cancellationToken);
            if (result.GetValue(_smoothing))
            {
                console.Line("");
                console.Line("smoothing study: 192×192 generated images, 3 classes with overlapping colours, 3 images per noise level; pixel error rate after matching labels to the truth");
                IReadOnlyList<SmoothingStudy.Row> rows = SmoothingStudy.Run(192, [0.03, 0.06], [0, 0.5, 1, 2, 4], seed: 1, threads: 0, cancellationToken);
                console.Line(SmoothingStudy.FormatTable(rows));
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private sealed record Settings(int[] Components, int Iterations, int Repeats, bool Threading);

    private static int SelfCheck(CliConsole console)
    {
        KernelSelfCheck check = KernelDiagnostics.SelfCheck();
        console.Human.WriteLine(check.Hardware);
        console.Human.WriteLine($"kernel float64 d3: {check.DoubleD3}");
        console.Human.WriteLine($"kernel float64 generic: {check.DoubleGeneric}");
        console.Human.WriteLine($"kernel float32 d3: {check.SingleD3}");
        console.Human.WriteLine($"kernel float32 generic: {check.SingleGeneric}");
        console.Human.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max relative error float64: {check.MaxDoubleError:E3}"));
        console.Human.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max relative error float32: {check.MaxSingleError:E3}"));
        console.Human.WriteLine(check.Passed ? "self-check: passed" : "self-check: FAILED");
        return check.Passed ? ExitCodes.Success : ExitCodes.Unexpected;
    }

    private static int[] ParseComponents(string text)
    {
        var ks = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k < 1 || k > 255)
                throw new UserError($"--k: '{part}' is not a number of components between 1 and 255.");
            ks.Add(k);
        }
        if (ks.Count == 0) throw new UserError("--k: give at least one number of components, e.g. --k 2,3.");
        return [.. ks];
    }

    private static IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> LoadImages(CliConsole console, string[] given)
    {
        IReadOnlyList<string> paths;
        if (given.Length > 0)
        {
            paths = InputList.Expand(given);
        }
        else
        {
            string? folder = SharedImagesFolder();
            string[] study = ["fox.png", "cow.png", "owl.png", "zebra.png"];
            var found = new List<string>();
            foreach (string name in study)
            {
                string? path = folder is null ? null : Path.Combine(folder, name);
                if (path is not null && File.Exists(path)) found.Add(path);
                else console.Line($"skipping {name}: ../shared/images/{name} is absent (the study's images are not in the repository).");
            }
            paths = found;
        }
        var images = new List<(string, RgbImage, TimeSpan)>();
        foreach (string path in paths)
        {
            var clock = Stopwatch.StartNew();
            RgbImage image = ImageLoader.Load(path);
            images.Add((Path.GetFileName(path), image, clock.Elapsed));
        }
        return images;
    }

    /// <summary>../shared/images beside the repository (found upwards from here or from the program), or $BGMM_SHARED/images.</summary>
    private static string? SharedImagesFolder()
    {
        string? env = Environment.GetEnvironmentVariable("BGMM_SHARED");
        if (env is not null) return Path.Combine(env, "images");
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (string? dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "Bgmm.slnx")))
                {
                    string shared = Path.GetFullPath(Path.Combine(dir, "..", "shared", "images"));
                    if (Directory.Exists(shared)) return shared;
                }
            }
        }
        return null;
    }

    private static void IterationTable(CliConsole console, IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> images,
        Settings settings, CancellationToken cancellationToken)
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
    private static double IterationMilliseconds(Dataset data, int k, Precision precision, int threads, Settings settings)
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
    private static double PassMilliseconds(Dataset data, int k, int threads, bool parallelFor, Settings settings)
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

    /// <summary>The segment command's work (K = 2, α = 100, ν0 = 4, 100 iterations, auto compression) split into its stages.</summary>
    private static void SegmentTable(CliConsole console, IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> images, CancellationToken cancellationToken)
    {
        const int k = 2;
        int all = Environment.ProcessorCount;
        var table = new Table().Title("segment pipeline, K = 2, 100 iterations (tol 0), --compress auto: wall time in ms");
        foreach (string column in new[] { "image", "threads", "fitted rows", "decode", "fit", "labels", "segments.png", "labels.png", "log_joint.png", "total" })
        {
            table.AddColumn(column == "image" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }
        foreach ((string name, RgbImage image, TimeSpan decode) in images)
        {
            // Warm-up (JIT, encoders' first use), not timed.
            ImageSegmentation.PixelLabels(MapEmFitter.Fit(ImageSegmentation.Prepare(image, CompressionMode.Auto).Data, ImagePrior,
                new FitOptions(k) { MaxIterations = 2, Tolerance = 0 }).Mixture, image.ToDataset(), image);
            foreach (int threads in all > 1 ? new[] { 1, all } : [1])
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                (Dataset data, bool _) = ImageSegmentation.Prepare(image, CompressionMode.Auto);
                var options = new FitOptions(k) { MaxIterations = 100, Tolerance = 0, Threads = threads };
                FitResult fit = MapEmFitter.Fit(data, ImagePrior, options);
                double fitMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                byte[] labels = ImageSegmentation.PixelLabels(fit.Mixture, data, image);
                double labelMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                SegmentsFigure.EncodePng(image, labels, k);
                double figureMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                LabelImage.EncodePng(image.Width, image.Height, labels, k);
                double labelPngMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                TracePlot.Render(fit.LogJointTrace, name);
                double traceMs = clock.Elapsed.TotalMilliseconds;
                double decodeMs = decode.TotalMilliseconds;
                double total = decodeMs + fitMs + labelMs + figureMs + labelPngMs + traceMs;
                table.AddRow(new[] { name, threads.ToString(CultureInfo.InvariantCulture), data.Count.ToString("N0", CultureInfo.InvariantCulture),
                    F(decodeMs), F(fitMs), F(labelMs), F(figureMs), F(labelPngMs), F(traceMs), F(total) }.Select(c => new Text(c)).ToArray());
            }
        }
        console.Human.Write(table);
        console.Line("decode is timed once per image (single-threaded); the fit includes preparing the colour table; labels use every core in both rows.");
    }

    private static string F(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Random pixel planes (a few colour clusters) of 0.1–50 megapixels; time per iteration should grow linearly in N·K.</summary>
    private static void ScalingTable(CliConsole console, Settings settings, CancellationToken cancellationToken)
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
