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

    private readonly Option<string?> _writeLargePng = new("--write-large-png")
    {
        Description = "Write the synthetic image of the streamed-segmentation benchmark to a file and exit: WIDTHxHEIGHT:FILE, e.g. 40000x25000:/tmp/gigapixel.png (bench/gigapixel.sh).",
        Hidden = true,
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
        command.Options.Add(_writeLargePng);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            if (result.GetValue(_selfCheck)) return SelfCheck(console);
            if (result.GetValue(_writeLargePng) is string largePng) return BenchGigapixel.Write(console, largePng, cancellationToken);
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
                BenchIterations.Table(console, images, settings, cancellationToken);
                BenchSmoothing.Table(console, images, [.. ks.Where(k => k <= 3)], settings.Iterations, settings.Repeats, cancellationToken);
                BenchSegment.Table(console, images, cancellationToken);
            }
            if (result.GetValue(_scaling)) BenchIterations.ScalingTable(console, settings, cancellationToken);
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

    internal sealed record Settings(int[] Components, int Iterations, int Repeats, bool Threading);

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

}
