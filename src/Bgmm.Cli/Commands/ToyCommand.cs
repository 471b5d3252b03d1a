using Bgmm.Cli.Synthetic;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Plotting;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm toy</c>: the study's toy check — two 2-D clusters at (5,5) and (8,8) with identity
/// covariances, 200 points each, fitted with α = 1, ν0 = 3, κ0 = 1, μ0 = 0, Σ0 = I for 300 iterations.
/// </summary>
internal sealed class ToyCommand
{
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of the generated clusters and of the fit's initialisation.", DefaultValueFactory = _ => 0 };
    private readonly OutputOptions _output = new();

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("toy",
            "The study's toy check: two 2-D clusters at (5,5) and (8,8) (identity covariances, 200 points each), fitted with α = 1, ν0 = 3, " +
            "κ0 = 1, μ0 = 0, Σ0 = I for 300 iterations. Prints the components and writes toy.png (points by label, means, 1σ and 2σ ellipses), " +
            "log_joint.png and result.json [default folder: ./bgmm-toy/].");
        command.Options.Add(_seed);
        _output.AddTo(command);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            _output.Apply(result, console);
            Outcome o = Run(console, result.GetValue(_seed), result.GetValue(_output.Out) ?? Path.Combine(".", "bgmm-toy"), cancellationToken);
            if (console.JsonMode) console.Json(o.Json);
            return ExitCodes.Success;
        }));
        return command;
    }

    internal sealed record Outcome(FitResult Fit, string Json, string Folder, IReadOnlyList<string> Files);

    internal static Outcome Run(CliConsole console, ulong seed, string folder, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var outputs = new OutputSet(folder, [], cancellationToken);
        double[][] points = ToyData.Generate(seed);
        var data = Dataset.FromRows(points);
        FitOptions options = ToyData.Options(seed);
        FitResult fit = FitProgressDisplay.Run(console, "toy", options.MaxIterations, options.Restarts,
            progress => MapEmFitter.Fit(data, ToyData.Prior(), options, progress, cancellationToken));
        int[] labels = fit.Mixture.Predict(data);
        string json = FitResultJson.Serialize(fit, w => w.WriteString("input", "toy: two 2-D clusters at (5,5) and (8,8), identity covariances, 200 points each"));
        outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        outputs.Add("toy.png", ToyPlot.Render(points, labels, fit.Mixture));
        outputs.Add("log_joint.png", TracePlot.Render(fit.LogJointTrace, "toy: log joint per EM iteration (K = 2)"));
        IReadOnlyList<string> files = outputs.Commit();
        if (console.ShowNormal)
        {
            console.Line("toy check: two 2-D clusters at (5,5) and (8,8), identity covariances, 200 points each; α = 1, ν0 = 3, κ0 = 1, μ0 = 0, Σ0 = I");
            console.Human.Write(ResultTable.Components(fit, ["x1", "x2"]));
            console.Line(ResultTable.Summary(fit, clock.Elapsed));
            console.Line($"wrote {string.Join(", ", files.Select(Path.GetFileName))} to {outputs.Folder}");
        }
        return new Outcome(fit, json, outputs.Folder, files);
    }
}
