using Bgmm.Cli.Synthetic;
using System.CommandLine;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm demo</c>: the main job on a built-in default, with no files at all — a generated
/// photo-like scene is segmented and the toy check is run; everything goes under ./bgmm-demo/.
/// </summary>
internal sealed class DemoCommand
{
    internal const int SceneWidth = 480, SceneHeight = 320;

    private readonly Option<string?> _out = new("--out", "-o") { Description = "Output folder [default: ./bgmm-demo/]" };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print nothing but errors." };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Print more detail." };

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("demo",
            "Run everything on built-in data, no files needed: segment a generated photo-like scene (a textured object on a textured " +
            "background) with K = 2 and the image study's prior, and run the toy check. Writes under ./bgmm-demo/.");
        command.Options.Add(_out);
        command.Options.Add(_quiet);
        command.Options.Add(_verbose);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            bool quiet = result.GetValue(_quiet), verbose = result.GetValue(_verbose);
            console.Verbosity = quiet ? Verbosity.Quiet : verbose ? Verbosity.Verbose : Verbosity.Normal;
            return Run(console, result.GetValue(_out) ?? Path.Combine(".", "bgmm-demo"), cancellationToken);
        }));
        return command;
    }

    private static int Run(CliConsole console, string folder, CancellationToken cancellationToken)
    {
        OutputSet.CheckFolderName(folder);
        string root = Path.GetFullPath(folder);
        console.Line($"bgmm demo: generating a {SceneWidth}×{SceneHeight} scene and segmenting it (K = 2, α = 100, ν0 = 4)");
        SyntheticScene scene = SyntheticScene.Generate(SceneWidth, SceneHeight, seed: 1);
        string scenePath = Path.Combine(root, "scene.png");
        using (var input = new OutputSet(root, []))
        {
            input.Add("scene.png", ImagePng.Encode(scene.Image));
            input.Commit();
        }

        var model = new ModelSettings([2], false, new PriorSettings(SegmentCommand.ImageDefaults, null, false, null, null, null, null, null),
            new FitOptions(2), SelectionCriterion.Icl);
        var image = new ImageSettings(ImageLoader.DefaultMaxPixels, ColourCompression.Auto, Precision.Double);
        string sceneFolder = Path.Combine(root, "scene");
        int code = SegmentCommand.RunBatch(console, [scenePath], sceneFolder, cancellationToken,
            (path, f) => SegmentRun.Run(console, path, f, model, image, cancellationToken, [path]));
        if (code != ExitCodes.Success) return code;

        console.Line("");
        ToyCommand.Run(console, 0, Path.Combine(root, "toy"), cancellationToken);
        console.Line("");
        console.Line($"demo outputs are in {root}: scene.png (the generated input), scene/ (its segmentation: segments.png, labels.png, mask.png, cutout.png, uncertainty.png, log_joint.png, result.json), toy/ (toy.png, log_joint.png, result.json)");
        return ExitCodes.Success;
    }
}
