using System.Globalization;
using Spectre.Console;

namespace Bgmm.Cli.Rendering;

/// <summary>
/// Shows a fit's progress: a live bar (restart, iteration, log joint) on an interactive terminal,
/// plain lines when output is redirected (one every few seconds of a long fit; every 100 iterations
/// with <c>--verbose</c>), nothing with <c>--quiet</c>.
/// </summary>
internal static class FitProgressDisplay
{
    public static T Run<T>(CliConsole console, string label, int maxIterations, int restarts, Func<IProgress<FitProgress>?, T> work)
    {
        if (!console.ShowNormal) return work(null);
        if (!console.Interactive) return work(new PlainLines(console, label));

        T result = default!;
        console.Human.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(1, (double)maxIterations * restarts));
                var progress = new LiveBar(task, label, maxIterations);
                result = work(progress);
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>
    /// As <see cref="Run{T}"/> for work of several phases (the fits of several K, then the smoothing),
    /// each shown as its own bar, labelled with <paramref name="label"/> and the phase.
    /// </summary>
    public static T RunPhases<T>(CliConsole console, string label, Func<IProgress<Bgmm.Imaging.SegmentationProgress>?, T> work) =>
        RunPhases<Bgmm.Imaging.SegmentationProgress, T>(console, label, p => (p.Phase, p.MaxIterations, p.Fit), work);

    /// <summary>As <see cref="RunPhases{T}(CliConsole, string, Func{IProgress{Bgmm.Imaging.SegmentationProgress}?, T})"/> for a model selection's fits, one bar per model and K.</summary>
    public static T RunSelection<T>(CliConsole console, string label, int maxIterations, bool showModel, Func<IProgress<SelectionProgress>?, T> work) =>
        RunPhases<SelectionProgress, T>(console, label,
            p => (showModel ? $"{p.Model} K = {p.ComponentCount}" : $"K = {p.ComponentCount}", maxIterations, p.Fit), work);

    private static T RunPhases<TProgress, T>(CliConsole console, string label, Func<TProgress, (string Phase, int MaxIterations, FitProgress Fit)> describe,
        Func<IProgress<TProgress>?, T> work)
    {
        if (!console.ShowNormal) return work(null);
        if (!console.Interactive)
        {
            var lines = new Dictionary<string, PlainLines>(StringComparer.Ordinal);
            return work(new Phases<TProgress>(value =>
            {
                var p = describe(value);
                (lines.TryGetValue(p.Phase, out PlainLines? l) ? l : lines[p.Phase] = new PlainLines(console, $"{label} {p.Phase}")).Report(p.Fit);
            }));
        }
        T result = default!;
        console.Human.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var bars = new Dictionary<string, (ProgressTask Task, LiveBar Bar)>(StringComparer.Ordinal);
                result = work(new Phases<TProgress>(value =>
                {
                    var p = describe(value);
                    if (!bars.TryGetValue(p.Phase, out var bar))
                    {
                        foreach (var done in bars.Values) done.Task.Value = done.Task.MaxValue;
                        ProgressTask task = ctx.AddTask(Markup.Escape($"{label} {p.Phase}"), maxValue: Math.Max(1, (double)p.MaxIterations * p.Fit.Restarts));
                        bars[p.Phase] = bar = (task, new LiveBar(task, $"{label} {p.Phase}", p.MaxIterations));
                    }
                    bar.Bar.Report(p.Fit);
                }));
                foreach (var done in bars.Values) done.Task.Value = done.Task.MaxValue;
            });
        return result;
    }

    private sealed class Phases<TProgress>(Action<TProgress> report) : IProgress<TProgress>
    {
        public void Report(TProgress value) => report(value);
    }

    private sealed class LiveBar(ProgressTask task, string label, int maxIterations) : IProgress<FitProgress>
    {
        public void Report(FitProgress p)
        {
            task.Value = (double)p.Restart * maxIterations + p.Iteration;
            string restart = p.Restarts > 1 ? $"restart {p.Restart + 1}/{p.Restarts}, " : "";
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {restart}iteration {p.Iteration}, log joint {p.LogJoint:F2}"));
        }
    }

    private sealed class PlainLines(CliConsole console, string label) : IProgress<FitProgress>
    {
        /// <summary>A redirected long fit says how it is doing this often.</summary>
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _last;

        public void Report(FitProgress p)
        {
            bool hundred = console.ShowVerbose && p.Iteration % 100 == 0 && p.Iteration > 0;
            if (!hundred && _clock.Elapsed - _last < Interval) return;
            _last = _clock.Elapsed;
            string restart = p.Restarts > 1 ? $"restart {p.Restart + 1}/{p.Restarts}, " : "";
            console.Line(string.Create(CultureInfo.InvariantCulture, $"{label}: {restart}iteration {p.Iteration}, log joint {p.LogJoint:F4}"));
        }
    }
}
