using Bgmm.Spatial;
using System.CommandLine;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Spectre.Console;

namespace Bgmm.Cli.Commands;

/// <summary><c>bgmm segment IMAGE...</c>: the study's colour segmentation, one image or a batch.</summary>
internal sealed class SegmentCommand
{
    /// <summary>The image study's prior: α = 100, ν0 = 4 (κ0 = 1, μ0 = 0, Σ0 = I as the library's).</summary>
    internal static readonly PriorDefaults ImageDefaults = new(100.0, 4.0, "4",
        "the image study's prior: α = 100, ν0 = 4, κ0 = 1, μ0 = 0, Σ0 = I");

    private readonly Argument<string[]> _images = new("images")
    {
        Description = "Images (PNG, JPEG, WebP, BMP, GIF first frame) or folders of images.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly ModelOptions _model = new(ImageDefaults, partitionKind: "a label image (8-bit grey PNG whose values are the labels; bgmm's labels.png works)");
    private readonly OutputOptions _output = new();
    private readonly ImageOptions _image = new();
    private readonly Option<string?> _box = BoxRun.Option();

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("segment",
            "Segment colour images: every pixel's RGB in [0,1] is a point, fitted by MAP-EM with the image study's prior " +
            "(α = 100, ν0 = 4, κ0 = 1, μ0 = 0, Σ0 = I). Writes result.json, segments.png, labels.png, log_joint.png, mask.png, cutout.png and uncertainty.png per image (and criterion.png with -k auto).");
        command.Arguments.Add(_images);
        InputList.RejectUnknownOptions(_images);
        _model.AddTo(command);
        _image.AddTo(command);
        command.Options.Add(_box);
        _output.AddTo(command);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            _output.Apply(result, console);
            ModelSettings model = _model.Bind(result, cancellationToken);
            ImageSettings image = _image.Bind(result);
            IReadOnlyList<string> inputs = InputList.Expand(result.GetValue(_images) ?? []);
            if (result.GetValue(_box) is string box)
                return BoxRun.Run(console, inputs, result.GetValue(_output.Out), box, model, image, result.GetResult(_image.Smooth) is { Implicit: false }, cancellationToken);
            return RunBatch(console, inputs, result.GetValue(_output.Out), cancellationToken,
                (path, folder) => SegmentRun.Run(console, path, folder, model, image, cancellationToken, inputs));
        }));
        return command;
    }

    /// <summary>
    /// Runs every input; a failed input is reported and the rest still run. Exit code: 0 if all
    /// succeeded, else the worst failure's (1 unexpected, 2 bad input), 130 when interrupted.
    /// </summary>
    internal static int RunBatch(CliConsole console, IReadOnlyList<string> inputs, string? outDir, CancellationToken cancellationToken,
        Func<string, string, SegmentationOutcome> run)
    {
        IReadOnlyList<string> folders = InputList.OutputFolders(inputs, outDir);
        var outcomes = new List<SegmentationOutcome>();
        int worst = ExitCodes.Success;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                worst = ExitCodes.Interrupted;
                break;
            }
            if (inputs.Count > 1) console.Line($"[{i + 1}/{inputs.Count}] {inputs[i]}");
            SegmentationOutcome? outcome = null;
            int code = BgmmApp.Guard(console, cancellationToken, () =>
            {
                outcome = run(inputs[i], folders[i]);
                return ExitCodes.Success;
            });
            if (outcome is not null)
            {
                outcomes.Add(outcome);
                Report(console, outcome);
            }
            if (code == ExitCodes.Interrupted)
            {
                worst = ExitCodes.Interrupted;
                break;
            }
            if (code != ExitCodes.Success && worst != ExitCodes.Unexpected) worst = code;
        }
        if (inputs.Count > 1 || worst == ExitCodes.Interrupted)
        {
            int failed = inputs.Count - outcomes.Count;
            string finished = outcomes.Count == 0 ? "none" : string.Join(", ", outcomes.Select(o => Path.GetFileName(o.Input)));
            string summary = $"{outcomes.Count} of {inputs.Count} input{(inputs.Count == 1 ? "" : "s")} finished ({finished})" +
                (failed > 0 ? (worst == ExitCodes.Interrupted ? $"; {failed} did not finish" : $"; {failed} failed") : "");
            if (worst == ExitCodes.Success) console.Line(summary);
            else if (worst == ExitCodes.Interrupted) console.StandardError.WriteLine("bgmm: interrupted: " + summary);
            else console.StandardError.WriteLine("bgmm: " + summary);
        }
        if (console.JsonMode && outcomes.Count > 0)
        {
            console.Json(inputs.Count == 1 ? outcomes[0].Json : "[\n" + string.Join(",\n", outcomes.Select(o => o.Json)) + "\n]");
        }
        return worst;
    }

    internal static string ForegroundLine(ForegroundSplit split)
    {
        string rule = split.Rule == ForegroundRule.Frame ? "frame rule" : "--background";
        if (split.ForegroundComponents.Count == 0)
            return $"foreground: empty ({rule}); choose the background yourself with --background, or cut out an object with --box";
        return string.Create(CultureInfo.InvariantCulture,
            $"foreground: component{(split.ForegroundComponents.Count == 1 ? "" : "s")} {string.Join(", ", split.ForegroundComponents)}, {split.Share * 100:F1} % of the image ({rule})");
    }

    /// <summary>One line per component: its side and why (the frame rule's reasons).</summary>
    internal static IEnumerable<string> VerdictLines(ForegroundSplit split) =>
        split.Rule == ForegroundRule.Given ? [] : split.Verdicts.Select(v => $"  component {v.Component}: {(v.IsBackground ? "background" : "foreground")} — {v.Explanation}");

    private static void Report(CliConsole console, SegmentationOutcome o)
    {
        if (!console.ShowNormal) return;
        ImageSegmentation r = o.Result;
        if (r.Selection is not null) console.Human.Write(ModelFitting.SelectionTable(r.Selection));
        console.Human.Write(ResultTable.Components(r.Mixture, r.EmptyComponents, ["R", "G", "B"]));
        TimeSpan elapsed = o.Decode + r.Elapsed + o.Outputs;
        if (r.Fit is FitResult fit)
        {
            console.Line(r.Smoothing is null ? ResultTable.Summary(fit, elapsed) : ResultTable.Summary(fit, r.Smoothing, elapsed));
            foreach (string line in FitCommand.RestartLines(fit)) console.Line(line);
        }
        if (r.EmptyComponents.Count > 0) console.Line($"empty components (no pixels, at the prior): {string.Join(", ", r.EmptyComponents)}");
        foreach (string warning in r.Warnings) console.Warning(warning);
        console.Line(ForegroundLine(r.Foreground));
        foreach (string line in VerdictLines(r.Foreground)) console.Line(line);
        console.Line($"wrote {string.Join(", ", o.Files.Select(Path.GetFileName))} to {o.Folder}");
        console.VerboseLine(string.Create(CultureInfo.InvariantCulture,
            $"timings: decode {ResultTable.Seconds(o.Decode)}, fit {ResultTable.Seconds(r.Elapsed)}{(r.Fit is null ? "" : $" ({r.Fit.Iterations} iterations, kernel {r.Fit.KernelName})")}, outputs {ResultTable.Seconds(o.Outputs)}; {(r.Compressed ? $"{r.FittedRows} distinct colours fitted" : $"{r.FittedRows} pixels fitted")}"));
    }
}

/// <summary>Options of image inputs: size limit, compression, precision and the background components.</summary>
internal sealed class ImageOptions
{
    public Option<long> MaxPixels { get; } = new("--max-pixels")
    {
        Description = "The most pixels held in memory (checked from the header before decoding): the whole image when it is segmented in memory (about 30 bytes per pixel; always with --smooth), and, when streamed, the distinct colours of a 16-bit image or an image that cannot be decoded row by row. A larger image is streamed (--stream auto).",
        DefaultValueFactory = _ => ImageLoader.DefaultMaxPixels,
    };

    public Option<string> Stream { get; } = new("--stream")
    {
        Description = "Read the image row by row instead of decoding it whole, for images of any size (the same result, bit for bit; two or more passes over the file): auto (when the image exceeds --max-pixels or its in-memory segmentation would not fit in the available memory), on, off. --smooth always runs in memory.",
        DefaultValueFactory = _ => "auto",
    };

    public Option<string> Compress { get; } = new("--compress")
    {
        Description = "Fit the table of distinct colours weighted by their pixel counts instead of every pixel (the same fit, exactly, with less work): auto (when distinct colours ≤ 70 % of pixels), on, off.",
        DefaultValueFactory = _ => "auto",
    };

    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "E-step arithmetic. double: float64 throughout; per-iteration statistics within 1e-9 of a scalar float64 reference, the log-likelihood within 1e-10. single: float32 inside blocks of pixels with float64 sums, faster; statistics within 5e-6 per iteration, so stop at --tol ≥ 1e-6 (docs/performance.md has the measured figures).",
        DefaultValueFactory = _ => "double",
    };

    public Option<string?> Background { get; } = new("--background")
    {
        Description = "Components to treat as background, e.g. 0 or 0,2 [default: the frame rule: a colour that holds 10 % or more of two edges of the frame is background, see docs/segmentation.md].",
    };

    public Option<double> Smooth { get; } = new("--smooth")
    {
        Description = "Spatial smoothing strength β per neighbour pair (Potts prior on the labels, mean-field EM, started from the independent fit); 0 = independent pixels. 2 is a good value: it removes isolated mislabelled pixels.",
        DefaultValueFactory = _ => 0.0,
    };

    public Option<int> Neighbours { get; } = new("--neighbours")
    {
        Description = "Neighbourhood of the smoothing: 4 (left, right, up, down) or 8 (with diagonals; about half the β gives the same strength).",
        DefaultValueFactory = _ => 4,
    };

    public Option<int> Sweeps { get; } = new("--sweeps")
    {
        Description = "Mean-field sweeps over the image per E-step of the smoothing (2 converges as fast as more, and faster than 1, on the study's images).",
        DefaultValueFactory = _ => Bgmm.Spatial.SmoothingOptions.DefaultSweeps,
    };

    public ImageOptions()
    {
        Neighbours.AcceptOnlyFromAmong("4", "8");
        Compress.AcceptOnlyFromAmong("auto", "on", "off");
        Stream.AcceptOnlyFromAmong("auto", "on", "off");
        Precision.AcceptOnlyFromAmong("double", "single");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(MaxPixels);
        command.Options.Add(Stream);
        command.Options.Add(Compress);
        command.Options.Add(Precision);
        command.Options.Add(Background);
        command.Options.Add(Smooth);
        command.Options.Add(Neighbours);
        command.Options.Add(Sweeps);
    }

    public ImageSettings Bind(ParseResult result)
    {
        long maxPixels = result.GetValue(MaxPixels);
        if (maxPixels < 1) throw new UserError($"--max-pixels = {maxPixels}: it must be ≥ 1.");
        return new ImageSettings(
            maxPixels,
            result.GetValue(Compress) switch { "on" => ColourCompression.On, "off" => ColourCompression.Off, _ => ColourCompression.Auto },
            result.GetValue(Precision) == "single" ? Bgmm.Precision.Single : Bgmm.Precision.Double,
            ParseComponents(result.GetValue(Background)),
            SmoothingSettings(result),
            ParseStream(result.GetValue(Stream)));
    }

    private Bgmm.Spatial.SmoothingOptions? SmoothingSettings(ParseResult result)
    {
        double beta = result.GetValue(Smooth);
        int sweeps = result.GetValue(Sweeps);
        if (!double.IsFinite(beta) || beta < 0 || beta > Bgmm.Spatial.SmoothingOptions.MaxBeta)
            throw new UserError($"--smooth = {beta.ToString(CultureInfo.InvariantCulture)}: β must be a number in 0 … {Bgmm.Spatial.SmoothingOptions.MaxBeta:G} (0 = no smoothing; 2 is a good value).");
        if (sweeps < 1) throw new UserError($"--sweeps = {sweeps}: it must be ≥ 1.");
        if (beta == 0) return null;
        return new Bgmm.Spatial.SmoothingOptions
        {
            Beta = beta,
            Neighbours = result.GetValue(Neighbours) == 8 ? Bgmm.Spatial.Neighbourhood.Eight : Bgmm.Spatial.Neighbourhood.Four,
            Sweeps = sweeps,
        };
    }

    internal static StreamMode ParseStream(string? text) => text switch { "on" => StreamMode.On, "off" => StreamMode.Off, _ => StreamMode.Auto };

    internal static IReadOnlyList<int>? ParseComponents(string? text)
    {
        if (text is null) return null;
        var list = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k < 0)
                throw new UserError($"--background: \"{part}\" is not a component number; give comma-separated numbers such as 0 or 0,2.");
            list.Add(k);
        }
        return list;
    }
}
