using System.Globalization;
using System.Text;
using Bgmm.Cli.Input;
using Bgmm.Cli.Rendering;
using Bgmm.Plotting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bgmm.Cli.Commands;

/// <summary>A fit, the model × K table that chose it (when several fits were compared), and what is wrong with its prior.</summary>
internal sealed record ModelFit(FitResult Fit, ModelTable? Selection, IReadOnlyList<string> Warnings);

/// <summary>
/// The fitting stage of <c>fit</c>: one fit, or every model × K of <c>--model LIST|all</c> and <c>-k a..b|auto</c>
/// compared by BIC or ICL (<see cref="ModelSelection"/>), with progress on the terminal; and the selection's table
/// and plot, which <c>segment</c> shows too.
/// </summary>
internal static class ModelFitting
{
    public static ModelFit Run(CliConsole console, string label, FitData data, ModelSettings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<CovarianceModel> models = settings.ModelsFor(data.Dimension);
        DataMoments moments = data.Moments(cancellationToken);
        MixturePrior PriorFor(CovarianceModel model, int k) => settings.Prior.For(moments, model, k);
        if (!settings.SelectComponents && models.Count == 1)
        {
            FitOptions options = settings.Fit with { ComponentCount = settings.ComponentCounts[0], Model = models[0] };
            MixturePrior prior = PriorFor(models[0], options.ComponentCount);
            FitResult fit = FitProgressDisplay.Run(console, label, options.MaxIterations, options.Restarts,
                progress => MapEmFitter.FitSource(data.EStep, data.Source, prior, options, progress, cancellationToken));
            return new ModelFit(fit, null, Warnings(prior, moments));
        }
        ModelTable table = FitProgressDisplay.RunSelection(console, label, settings.Fit.MaxIterations, models.Count > 1,
            progress => ModelSelection.Select(data.EStep, data.Source, m => data.Entropy(m, cancellationToken), PriorFor, settings.Fit,
                settings.ComponentCounts, models, settings.Criterion, progress: progress, cancellationToken: cancellationToken));
        FitResult chosen = table.Chosen.Candidate!.Fit;
        return new ModelFit(chosen, table, Warnings(chosen.Prior, moments));
    }

    /// <summary>The prior's scale warnings, with the command line's way out.</summary>
    public static IReadOnlyList<string> Warnings(MixturePrior prior, DataMoments moments) =>
        [.. prior.ScaleWarnings(moments).Select(w => w.TrimEnd('.') + " (--prior mclust).")];

    /// <summary>criterion.png: the criterion against K, one line per model, the chosen fit marked.</summary>
    public static byte[] CriterionPng(ModelTable table, string title)
    {
        string name = CriterionName(table.Criterion);
        CriterionSeries[] series = [.. table.Models
            .Select(m => table.Entries.Where(e => ReferenceEquals(e.Model, m) && e.Succeeded).ToList())
            .Where(fits => fits.Count > 0)
            .Select(fits => new CriterionSeries(fits[0].Model.Name, [.. fits.Select(e => e.ComponentCount)], [.. fits.Select(e => e.Score(table.Criterion)!.Value)]))];
        return CriterionPlot.Render(series, table.Chosen.Model.Name, table.Chosen.ComponentCount, $"{name} ({title})");
    }

    /// <summary>
    /// The selection table as mclust's <c>summary(mclustBIC)</c> prints it: K as rows, models as columns, the
    /// criterion in each cell (lower is better; "—" for a fit that failed), the chosen cell marked "*"; then the
    /// best three and the failures. Plain fixed-width text, so that a wide table is never wrapped cell by cell.
    /// </summary>
    public static IRenderable SelectionTable(ModelTable table)
    {
        string name = CriterionName(table.Criterion);
        string[] header = ["K", .. table.Models.Select(m => m.Name)];
        var rows = new List<string[]>();
        foreach (int k in table.ComponentCounts)
        {
            var row = new List<string> { k.ToString(CultureInfo.InvariantCulture) };
            foreach (CovarianceModel m in table.Models)
            {
                ModelTableEntry e = table[m, k];
                string text = e.Score(table.Criterion) is double v ? v.ToString("F2", CultureInfo.InvariantCulture) : "—";
                row.Add(text + (ReferenceEquals(e, table.Chosen) ? "*" : " "));
            }
            rows.Add([.. row]);
        }
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(c => Math.Max(header[c].Length + (c == 0 ? 0 : 1), rows.Max(r => r[c].Length)))];
        string Line(IReadOnlyList<string> cells, bool isHeader) => string.Join("  ", cells.Select((t, c) =>
            (isHeader && c > 0 ? t + " " : t).PadLeft(widths[c]))).TrimEnd();
        var lines = new StringBuilder();
        lines.AppendLine($"{name} of every model and K (lower is better; * = chosen by {name}):");
        lines.AppendLine(Line(header, true));
        foreach (string[] row in rows) lines.AppendLine(Line(row, false));
        IEnumerable<string> best = table.Entries.Where(e => e.Succeeded).OrderBy(e => e.Score(table.Criterion)).Take(3)
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Model},{e.ComponentCount} ({e.Score(table.Criterion):F2})"));
        lines.AppendLine($"best by {name}: {string.Join(", ", best)}");
        foreach (ModelTableEntry e in table.Entries.Where(e => !e.Succeeded)) lines.AppendLine($"failed (—): {e.Model},{e.ComponentCount}: {e.Failure}");
        return new Text(lines.ToString());
    }

    private static string CriterionName(SelectionCriterion criterion) => criterion == SelectionCriterion.Bic ? "BIC" : "ICL";
}
