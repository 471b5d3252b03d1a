using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Plotting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bgmm.Cli.Commands;

/// <summary>A fit, and when K was to be chosen, the model selection that produced it.</summary>
internal sealed record ModelFit(FitResult Fit, ModelSelectionResult? Selection, MixturePrior Prior);

/// <summary>
/// The fitting stage shared by <c>segment</c> and <c>fit</c>: one K, or every K of <c>-k auto</c> /
/// <c>-k a..b</c> compared by BIC or ICL, with progress on the terminal.
/// </summary>
internal static class ModelFitting
{
    public static ModelFit Run(CliConsole console, string label, Dataset data, ModelSettings settings, CancellationToken cancellationToken)
    {
        if (!settings.SelectComponents)
        {
            int k = settings.ComponentCounts[0];
            MixturePrior prior = settings.Prior.For(data, k);
            return new ModelFit(FitOne(console, label, data, prior, settings.Fit with { ComponentCount = k }, cancellationToken), null, prior);
        }

        int[] candidates = ComponentCandidates.Cap(settings.ComponentCounts, data.CountDistinctRows(settings.ComponentCounts.Max()));
        var fitted = new List<(ModelCandidate Candidate, MixturePrior Prior)>();
        foreach (int k in candidates)
        {
            MixturePrior prior = settings.Prior.For(data, k);
            FitResult fit = FitOne(console, $"{label} K = {k}", data, prior, settings.Fit with { ComponentCount = k }, cancellationToken);
            fitted.Add((ModelSelection.Evaluate(fit, data), prior));
        }
        ModelSelectionResult selection = ModelSelection.Choose([.. fitted.Select(f => f.Candidate)], settings.Criterion);
        MixturePrior chosenPrior = fitted.First(f => f.Candidate == selection.Chosen).Prior;
        return new ModelFit(selection.Chosen.Fit, selection, chosenPrior);
    }

    /// <summary>
    /// One K fitted to the data behind a source (parts read from files, or computed on a cluster), the
    /// initial mixtures drawn from <paramref name="rows"/>.
    /// </summary>
    public static ModelFit Run(CliConsole console, string label, StatisticsSource source, IRowReader rows, ModelSettings settings, CancellationToken cancellationToken)
    {
        if (settings.SelectComponents)
            throw new UserError("-k with a range or 'auto' compares fits on data held in memory; for several parts or --cluster give one K (e.g. -k 3).");
        int k = settings.ComponentCounts[0];
        MixturePrior prior = settings.Prior.For(source, k, cancellationToken);
        FitOptions options = settings.Fit with { ComponentCount = k };
        FitResult fit = FitProgressDisplay.Run(console, label, options.MaxIterations, options.Restarts,
            progress => MapEmFitter.FitSource(source, rows, prior, options, progress, cancellationToken));
        return new ModelFit(fit, null, prior);
    }

    private static FitResult FitOne(CliConsole console, string label, Dataset data, MixturePrior prior, FitOptions options, CancellationToken cancellationToken) =>
        FitProgressDisplay.Run(console, label, options.MaxIterations, options.Restarts,
            progress => MapEmFitter.Fit(data, prior, options, progress, cancellationToken));

    /// <summary>criterion.png: the criterion against K, the chosen K marked.</summary>
    public static byte[] CriterionPng(ModelSelectionResult selection, string title)
    {
        string name = selection.Criterion == SelectionCriterion.Bic ? "BIC" : "ICL";
        return CriterionPlot.Render(
            [.. selection.Candidates.Select(c => c.ComponentCount)],
            [.. selection.Candidates.Select(c => c.Score(selection.Criterion))],
            selection.Chosen.ComponentCount, $"{name} ({title})");
    }

    /// <summary>The selection table: K against BIC, ICL and the log joint, the chosen K marked.</summary>
    public static IRenderable SelectionTable(ModelSelectionResult selection)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("K").RightAligned());
        table.AddColumn(new TableColumn("BIC").RightAligned());
        table.AddColumn(new TableColumn("ICL").RightAligned());
        table.AddColumn(new TableColumn("log joint").RightAligned());
        table.AddColumn(new TableColumn(""));
        foreach (ModelCandidate c in selection.Candidates)
        {
            table.AddRow(
                new Text(c.ComponentCount.ToString(CultureInfo.InvariantCulture)),
                new Text(c.Bic.ToString("F2", CultureInfo.InvariantCulture)),
                new Text(c.Icl.ToString("F2", CultureInfo.InvariantCulture)),
                new Text(c.Fit.LogJoint.ToString("F2", CultureInfo.InvariantCulture)),
                new Text(c == selection.Chosen ? $"← chosen by {(selection.Criterion == SelectionCriterion.Bic ? "BIC" : "ICL")}" : ""));
        }
        return table;
    }
}
