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

/// <summary><c>bgmm fit DATA.csv</c>: a mixture for tabular data, with the library's prior defaults.</summary>
internal sealed class FitCommand
{
    private static readonly PriorDefaults Defaults = new(1.0, null, "D + 1",
        "library defaults: μ0 = 0, Σ0 = I assume data of order 1 near the origin");

    private readonly Argument<string[]> _data = new("data")
    {
        Description = "CSV file: one point per row, D = number of columns; optional header; ',' ';' or tab separated; '.' decimal point. " +
            "Several files (.csv, .npy, .parquet) are the parts of one data set, their rows in the given order.",
        Arity = ArgumentArity.OneOrMore,
    };
    private readonly Option<string?> _cluster = new("--cluster")
    {
        Description = "HOST:PORT[,HOST:PORT...] of 'bgmm worker' gateways: compute the E-steps of the parts on that cluster (the files must be on storage every worker sees). " +
            "The result is the local fit's, bit for bit.",
    };
    private readonly ModelOptions _model = new(Defaults);
    private readonly OutputOptions _output = new();

    public Command Build(CliConsole console, CancellationToken cancellationToken)
    {
        var command = new Command("fit",
            "Fit a Bayesian Gaussian mixture (MAP-EM) to the rows of a CSV file. Writes result.json, labels.csv and log_joint.png (and criterion.png with -k auto). " +
            "The default prior (μ0 = 0, Σ0 = I, κ0 = 1, ν0 = D + 1, α = 1) assumes data of order 1 near the origin: for other data use --prior empirical or set --mu0/--sigma0.");
        command.Arguments.Add(_data);
        InputList.RejectUnknownOptions(_data);
        _model.AddTo(command);
        command.Options.Add(_cluster);
        _output.AddTo(command);
        command.SetAction(result => BgmmApp.Guard(console, cancellationToken, () =>
        {
            _output.Apply(result, console);
            string[] paths = result.GetValue(_data)!;
            string? cluster = result.GetValue(_cluster);
            return paths.Length == 1 && cluster is null
                ? Run(console, paths[0], _model.Bind(result), result.GetValue(_output.Out), cancellationToken)
                : RunParts(console, paths, cluster, _model.Bind(result), result.GetValue(_output.Out), cancellationToken);
        }));
        return command;
    }

    private static int Run(CliConsole console, string path, ModelSettings settings, string? outDir, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (Directory.Exists(path)) throw new UserError($"{path}: is a folder; give a CSV file.");
        if (!File.Exists(path)) throw new UserError($"{path}: file not found; give the path of a CSV file.");
        CsvData.Table table = CsvData.Read(path, cancellationToken);
        var data = Dataset.WrapColumns(table.Columns);

        string folder = outDir ?? Path.Combine(".", Path.GetFileNameWithoutExtension(path) + "-bgmm");
        using var outputs = new OutputSet(folder, [path], cancellationToken);
        console.VerboseLine($"{path}: {table.Rows} rows, D = {data.Dimension}{(table.Header is null ? "" : ", header: " + string.Join(", ", table.Header))}");

        ModelFit modelFit = ModelFitting.Run(console, Path.GetFileName(path), data, settings, cancellationToken);
        FitResult fit = modelFit.Fit;
        int k = fit.Mixture.ComponentCount;
        TimeSpan fitTime = clock.Elapsed;

        int[] labels = fit.Mixture.Predict(data);
        string json = FitResultJson.Serialize(fit, w =>
        {
            w.WriteString("input", Path.GetFullPath(path));
            if (table.Header is not null)
            {
                w.WriteStartArray("columns");
                foreach (string h in table.Header) w.WriteStringValue(h);
                w.WriteEndArray();
            }
            if (modelFit.Selection is not null) SelectionJson.Write(w, modelFit.Selection);
        });
        outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        outputs.Add("labels.csv", stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            foreach (int label in labels) writer.Write(label.ToString(CultureInfo.InvariantCulture) + "\n");
        });
        outputs.Add("log_joint.png", TracePlot.Render(fit.LogJointTrace, $"{Path.GetFileName(path)}: log joint per EM iteration (K = {k})"));
        if (modelFit.Selection is not null) outputs.Add("criterion.png", () => ModelFitting.CriterionPng(modelFit.Selection, Path.GetFileName(path)));
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> written = outputs.Commit();

        Report(console, modelFit, json, table.Header, written, outputs.Folder, clock, fitTime);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Several parts, or a cluster: the parts' rows in order are the data set, fitted by one source — this
    /// machine's (<see cref="FitParts.Local"/>) or the cluster's (<see cref="ClusterFit"/>), which give the same result.
    /// </summary>
    private static int RunParts(CliConsole console, string[] paths, string? cluster, ModelSettings settings, string? outDir, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (string path in paths)
        {
            if (Directory.Exists(path)) throw new UserError($"{path}: is a folder; give data files (.csv, .npy, .parquet).");
            if (!File.Exists(path)) throw new UserError($"{path}: file not found; give the path of a data file (.csv, .npy, .parquet).");
        }
        string folder = outDir ?? Path.Combine(".", Path.GetFileNameWithoutExtension(paths[0]) + "-bgmm");
        using var outputs = new OutputSet(folder, paths, cancellationToken);
        string label = Path.GetFileName(paths[0]) + (paths.Length > 1 ? $" (+{paths.Length - 1} parts)" : "");
        using FitParts parts = cluster is null ? FitParts.Local(paths, cancellationToken) : ClusterFit.Open(console, cluster, paths, settings.Fit.Model, cancellationToken);
        console.VerboseLine($"{label}: {parts.Rows.RowCount} rows, D = {parts.Rows.Dimension}");

        ModelFit modelFit = ModelFitting.Run(console, label, parts.Source, parts.Rows, settings, cancellationToken);
        FitResult fit = modelFit.Fit;
        TimeSpan fitTime = clock.Elapsed;
        string json = FitResultJson.Serialize(fit, w =>
        {
            w.WriteString("input", Path.GetFullPath(paths[0]));
            w.WriteStartArray("parts");
            foreach (string path in paths) w.WriteStringValue(Path.GetFullPath(path));
            w.WriteEndArray();
        });
        outputs.Add("result.json", Encoding.UTF8.GetBytes(json));
        outputs.Add("labels.csv", stream => Bgmm.Data.TableLabels.Write(parts.Tables, fit.Mixture, stream, FitParts.CsvMemoryBudget, cancellationToken: cancellationToken));
        outputs.Add("log_joint.png", TracePlot.Render(fit.LogJointTrace, $"{label}: log joint per EM iteration (K = {fit.Mixture.ComponentCount})"));
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> written = outputs.Commit();
        Report(console, modelFit, json, null, written, outputs.Folder, clock, fitTime);
        return ExitCodes.Success;
    }

    private static void Report(CliConsole console, ModelFit modelFit, string json, IReadOnlyList<string>? header, IReadOnlyList<string> written, string folder,
        Stopwatch clock, TimeSpan fitTime)
    {
        FitResult fit = modelFit.Fit;
        if (console.JsonMode) console.Json(json);
        if (console.ShowNormal)
        {
            if (modelFit.Selection is not null) console.Human.Write(ModelFitting.SelectionTable(modelFit.Selection));
            console.Human.Write(ResultTable.Components(fit, header));
            console.Line(ResultTable.Summary(fit, clock.Elapsed));
            foreach (string line in RestartLines(fit)) console.Line(line);
            if (fit.EmptyComponents.Count > 0)
                console.Line($"empty components (no data, at the prior): {string.Join(", ", fit.EmptyComponents)}");
            console.Line($"wrote {string.Join(", ", written.Select(Path.GetFileName))} to {folder}");
            console.VerboseLine($"fit {ResultTable.Seconds(fitTime)}, E-step kernel {fit.KernelName}");
        }
    }

    internal static IEnumerable<string> RestartLines(FitResult fit)
    {
        if (fit.RestartLogJoints.Count <= 1) yield break;
        yield return "restart log joints: " + string.Join(", ", fit.RestartLogJoints.Select((l, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{i}: {l:F4}{(i == fit.Restart ? " (best)" : "")}")));
    }
}
