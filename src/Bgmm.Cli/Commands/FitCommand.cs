using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bgmm.Cli.Input;
using Bgmm.Cli.Output;
using Bgmm.Cli.Rendering;
using Bgmm.Plotting;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary><c>bgmm fit DATA...</c>: a mixture for tabular data (CSV, .npy, Parquet; one file or parts), with mclust's prior unless told otherwise.</summary>
internal sealed class FitCommand
{
    private static readonly PriorDefaults Defaults = new(1.0, null, "D + 1",
        "library defaults: μ0 = 0, Σ0 = I assume data of order 1 near the origin", EmpiricalWhenUnset: true);

    private readonly Argument<string[]> _data = new("data")
    {
        Description = "Data files, one point per row: CSV (D = number of columns; optional header; ',' ';' or tab separated; '.' decimal point), " +
            "NumPy .npy (float32/float64, shape (N, D), C or Fortran order) or Parquet (.parquet: numeric columns). Several files are the parts of one data set, their rows in the order given.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string?> _columns = new("--columns")
    {
        Description = "Parquet columns to fit, comma-separated, in the order wanted [default: every numeric column].",
    };

    private readonly Option<string?> _memory = new("--memory")
    {
        Description = "Memory the rows may take, e.g. 256M or 2G [default: a quarter of RAM]. Larger data is read from disk on every pass (a CSV converted once to a temporary binary file); the result is the same, bit for bit.",
    };

    private readonly Option<string?> _cluster = new("--cluster")
    {
        Description = "HOST:PORT[,HOST:PORT...] of 'bgmm worker' gateways: compute the E-steps of the files (the parts) on that cluster; the files must be on storage every worker sees. " +
            "The result is the local fit's, bit for bit.",
    };

    private readonly ModelOptions _model = new(Defaults);
    private readonly OutputOptions _output = new();

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("fit",
            "Fit a Bayesian Gaussian mixture (MAP-EM) to the rows of data files (CSV, .npy, Parquet). Writes result.json, labels.csv and log_joint.png (and criterion.png when models or K are compared). " +
            "Without --prior or hyperparameter flags the prior is mclust's default prior, on the data's scale; with flags, the library defaults (μ0 = 0, Σ0 = I, κ0 = 1, ν0 = D + 1, α = 1) are the starting point.");
        command.Arguments.Add(_data);
        InputList.RejectUnknownOptions(_data);
        command.Options.Add(_columns);
        command.Options.Add(_memory);
        command.Options.Add(_cluster);
        _model.AddTo(command);
        _output.AddTo(command);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            _output.Apply(result, console);
            string? columns = result.GetValue(_columns);
            string? memory = result.GetValue(_memory);
            return Run(console, result.GetValue(_data)!, _model.Bind(result, cancellationToken),
                columns?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                memory is null ? MemorySize.Default : MemorySize.Parse(memory), result.GetValue(_cluster), result.GetValue(_output.Out), cancellationToken);
        }));
        return command;
    }

    private static int Run(CliConsole console, IReadOnlyList<string> paths, ModelSettings settings, IReadOnlyList<string>? columns, long memoryBudget,
        string? cluster, string? outDir, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string first = paths[0];
        string folder = outDir ?? Path.Combine(".", Path.GetFileNameWithoutExtension(first) + "-bgmm");
        using FitData data = FitData.Open(paths, columns, memoryBudget, settings.Fit.Threads, cancellationToken);
        // Orleans is loaded only on this branch (ClusterFit), so other fits never pay for it.
        if (cluster is not null) data.ComputeElsewhere(ClusterFit.Open(console, cluster, paths, data.Tables, columns ?? [], cancellationToken));
        using var outputs = new OutputSet(folder, paths, cancellationToken);
        IReadOnlyList<string>? names = data.ColumnNames;
        console.VerboseLine($"{first}: {data.Description}{(names is null ? "" : ", columns: " + string.Join(", ", names))}; prior: {settings.Prior.Origin}");

        string title = paths.Count == 1 ? Path.GetFileName(first) : $"{Path.GetFileName(first)} and {paths.Count - 1} more";
        ModelFit modelFit = ModelFitting.Run(console, title, data, settings, cancellationToken);
        FitResult fit = modelFit.Fit;
        int k = fit.Mixture.ComponentCount;
        TimeSpan fitTime = clock.Elapsed;

        string json = FitResultJson.Serialize(fit, w =>
        {
            w.WriteStartArray("inputs");
            foreach (string p in paths) w.WriteStringValue(Path.GetFullPath(p));
            w.WriteEndArray();
            if (paths.Count == 1) w.WriteString("input", Path.GetFullPath(first));
            if (names is not null)
            {
                w.WriteStartArray("columns");
                foreach (string h in names) w.WriteStringValue(h);
                w.WriteEndArray();
            }
            w.WriteBoolean("streamed", data.Source.IsStreamed);
            if (modelFit.Selection is not null) SelectionJson.Write(w, modelFit.Selection);
            if (modelFit.Warnings.Count > 0)
            {
                w.WriteStartArray("warnings");
                foreach (string warning in modelFit.Warnings) w.WriteStringValue(warning);
                w.WriteEndArray();
            }
        });
        outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        outputs.Add("labels.csv", stream => data.WriteLabels(fit.Mixture, stream, cancellationToken));
        outputs.Add("log_joint.png", TracePlot.Render(fit.LogJointTrace, $"{title}: log joint per EM iteration ({fit.Options.Model}, K = {k})"));
        if (modelFit.Selection is not null) outputs.Add("criterion.png", () => ModelFitting.CriterionPng(modelFit.Selection, title));
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> written = outputs.Commit();

        foreach (string warning in modelFit.Warnings) console.Warning(warning);
        if (console.JsonMode) console.Json(json);
        if (console.ShowNormal)
        {
            if (modelFit.Selection is not null) console.Human.Write(ModelFitting.SelectionTable(modelFit.Selection));
            console.Human.Write(ResultTable.Components(fit, names));
            console.Line(ResultTable.Summary(fit, clock.Elapsed));
            foreach (string line in RestartLines(fit)) console.Line(line);
            if (fit.EmptyComponents.Count > 0)
                console.Line($"empty components (no data, at the prior): {string.Join(", ", fit.EmptyComponents)}");
            console.Line($"wrote {string.Join(", ", written.Select(Path.GetFileName))} to {outputs.Folder}");
            console.VerboseLine($"fit {ResultTable.Seconds(fitTime)}, E-step kernel {fit.KernelName}");
        }
        return ExitCodes.Success;
    }

    internal static IEnumerable<string> RestartLines(FitResult fit)
    {
        if (fit.RestartLogJoints.Count <= 1) yield break;
        yield return "restart log joints: " + string.Join(", ", fit.RestartLogJoints.Select((l, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{i}: {l:F4}{(i == fit.Restart ? " (best)" : "")}")));
    }
}
