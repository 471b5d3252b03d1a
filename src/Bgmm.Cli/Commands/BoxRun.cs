using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Plotting;
using Bgmm.Spatial;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm segment IMAGE --box x,y,w,h</c>: the GrabCut-style cut-out (<see cref="ImageCutout"/>) of one image:
/// decode → two-class fit → result.json, mask.png, cutout.png, uncertainty.png, log_joint.png, written atomically.
/// </summary>
internal static class BoxRun
{
    public static Option<string?> Option() => new("--box")
    {
        Description = "Cut out the object inside the rectangle x,y,w,h (pixels; x,y the top-left corner): outside is background; inside, " +
            "foreground and background are two Bayesian mixtures of 5 components each, fitted with the Potts prior on the labels until " +
            "no pixel changes side. One image only; -k is ignored; --smooth sets β (default 2).",
    };

    /// <summary>Parses x,y,w,h.</summary>
    public static PixelBox Parse(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[4];
        if (parts.Length != 4 || !parts.Select((p, i) => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
            throw new UserError($"--box \"{text}\": give the rectangle as four whole numbers x,y,w,h, e.g. --box 120,40,300,260.");
        return new PixelBox(values[0], values[1], values[2], values[3]);
    }

    public static int Run(CliConsole console, IReadOnlyList<string> inputs, string? outDir, string boxText, ModelSettings model, ImageSettings settings,
        bool smoothGiven, CancellationToken cancellationToken)
    {
        if (inputs.Count != 1)
            throw new UserError($"--box cuts one object out of one image, but {inputs.Count} inputs were given: name a single image.");
        PixelBox box = Parse(boxText);
        string path = inputs[0];
        string folder = InputList.OutputFolders(inputs, outDir)[0];
        var clock = Stopwatch.StartNew();
        using var outputs = new OutputSet(folder, inputs, cancellationToken);
        RgbImage image = ImageLoader.Load(path, settings.MaxPixels, cancellationToken);
        TimeSpan decode = clock.Elapsed;
        var options = new BoxCutoutOptions
        {
            Beta = smoothGiven ? settings.Smoothing?.Beta ?? 0 : SmoothingOptions.RecommendedBeta,
            Sweeps = settings.Smoothing?.Sweeps ?? SmoothingOptions.DefaultSweeps,
            Seed = model.Fit.Seed,
            Threads = model.Fit.Threads,
        };
        string name = Path.GetFileName(path);
        ImageCutoutResult cut = FitProgressDisplay.RunPhases(console, name, progress => ImageCutout.Cut(image, box, options, progress, cancellationToken));
        BoxCutoutResult r = cut.Result;
        string json = cut.ToJson(w => SegmentRun.WriteRunProperties(w, path, decode, cut.Elapsed));
        byte[] mask = r.Mask.ToArray();
        float[] uncertainty = r.Uncertainty.ToArray();
        bool[] background = [true, false];
        outputs.AddAll(
        [
            ("result.json", () => Encoding.UTF8.GetBytes(json)),
            ("mask.png", () => MaskImage.EncodePng(image.Width, image.Height, mask, background)),
            ("cutout.png", () => Cutout.EncodePng(image, mask, background)),
            ("uncertainty.png", () => HeatMap.EncodePng(image.Width, image.Height, uncertainty, 0, Math.Log(2))),
            ("log_joint.png", () => TracePlot.Render(r.ObjectiveTrace, $"{name}: the objective F of the box cut-out per EM iteration")),
        ]);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        if (console.JsonMode) console.Json(json);
        console.Line(string.Create(CultureInfo.InvariantCulture,
            $"box {box}: foreground {r.ForegroundShare * 100:F1} % of the image; {r.Foreground.ComponentCount} + {r.Background.ComponentCount} components; {r.Iterations} iterations{(r.Converged ? " (no pixel changed side in the last)" : " (the iteration limit; pixels were still changing side)")}"));
        console.Line($"wrote {string.Join(", ", files.Select(Path.GetFileName))} to {outputs.Folder}");
        return ExitCodes.Success;
    }
}
