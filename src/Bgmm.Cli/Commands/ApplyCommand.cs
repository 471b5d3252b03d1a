using Bgmm.Spatial;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm apply MODEL.json IMAGE...</c>: label new images with an already-fitted mixture (no refit),
/// e.g. frames of a video or a batch of similar photos.
/// </summary>
internal sealed class ApplyCommand
{
    private readonly Argument<string> _model = new("model") { Description = "A fitted model: a result.json of 'bgmm segment' (weights, means, covariances; D = 3)." };
    private readonly Argument<string[]> _images = new("images") { Description = "Images or folders of images to label.", Arity = ArgumentArity.OneOrMore };
    private readonly OutputOptions _output = new();
    private readonly ImageOptions _image = new();

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("apply",
            "Label images with an already-fitted model, without refitting: each pixel gets the component of highest posterior probability. " +
            "Writes result.json (the model and this image's log-likelihood), segments.png, labels.png, mask.png, cutout.png and uncertainty.png per image.");
        command.Arguments.Add(_model);
        command.Arguments.Add(_images);
        InputList.RejectUnknownOptions(_images);
        command.Options.Add(_image.MaxPixels);
        command.Options.Add(_image.Stream);
        command.Options.Add(_image.Background);
        _output.AddTo(command);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            _output.Apply(result, console);
            string modelPath = result.GetValue(_model)!;
            string text = ModelSettings.ReadText(modelPath, "model");
            GaussianMixture mixture = FitResultJson.ReadMixture(text);
            if (mixture.Dimension != 3)
                throw new UserError($"{modelPath}: the model has D = {mixture.Dimension}; image models have D = 3 (R, G, B).");
            MixturePrior? prior = TryReadPrior(text);
            long maxPixels = result.GetValue(_image.MaxPixels);
            if (maxPixels < 1) throw new UserError($"--max-pixels = {maxPixels}: it must be ≥ 1.");
            var settings = new ImageSettings(maxPixels, ColourCompression.Auto, Precision.Double, ImageOptions.ParseComponents(result.GetValue(_image.Background)),
                Stream: ImageOptions.ParseStream(result.GetValue(_image.Stream)));
            IReadOnlyList<string> inputs = InputList.Expand(result.GetValue(_images) ?? []);
            return SegmentCommand.RunBatch(console, inputs, result.GetValue(_output.Out), cancellationToken,
                (path, folder) => Apply(path, folder, modelPath, mixture, prior, settings, [modelPath, .. inputs], cancellationToken));
        }));
        return command;
    }

    private static MixturePrior? TryReadPrior(string json)
    {
        try
        {
            return FitResultJson.ReadPrior(json, 3);
        }
        catch (ModelInputException)
        {
            return null;
        }
    }

    private static SegmentationOutcome Apply(string path, string folder, string modelPath, GaussianMixture mixture, MixturePrior? prior,
        ImageSettings settings, IReadOnlyList<string> allInputs, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var outputs = new OutputSet(folder, allInputs, cancellationToken);
        bool streamed = SegmentRun.Streamed(path, settings);
        RgbImage? image = streamed ? null : ImageLoader.Load(path, settings.MaxPixels, cancellationToken);
        TimeSpan decode = clock.Elapsed;
        ImageSegmentation result = image is null
            ? SegmentRun.Stream(outputs, streams => StreamedSegmenter.Apply(path, mixture, prior, settings.Background, streams, settings.MaxPixels, threads: 0, cancellationToken))
            : ImageSegmenter.Apply(image, mixture, prior, settings.Background, threads: 0, cancellationToken);
        var outputClock = Stopwatch.StartNew();
        string json = result.ToJson(w =>
        {
            w.WriteString("model", Path.GetFullPath(modelPath));
            SegmentRun.WriteRunProperties(w, path, decode, result.Elapsed);
        });
        if (streamed) outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        else SegmentRun.WriteImageOutputs(outputs, result, json, traceTitle: "");
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> files = outputs.Commit();
        return new SegmentationOutcome(path, outputs.Folder, result, json, files, decode, outputClock.Elapsed);
    }
}
