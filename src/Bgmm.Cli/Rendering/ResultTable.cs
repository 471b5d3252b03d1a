using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bgmm.Cli.Rendering;

/// <summary>The study's printout: per component π_k, μ_k and Σ_k with 4 decimals, then the fit's summary.</summary>
internal static class ResultTable
{
    public static IRenderable Components(FitResult fit, IReadOnlyList<string>? coordinateNames = null) =>
        Components(fit.Mixture, fit.EmptyComponents, coordinateNames);

    public static IRenderable Components(GaussianMixture m, IReadOnlyList<int> emptyComponents, IReadOnlyList<string>? coordinateNames = null)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("component").RightAligned());
        table.AddColumn(new TableColumn("weight π").RightAligned());
        table.AddColumn(new TableColumn("mean μ" + (coordinateNames is null ? "" : $" ({string.Join(", ", coordinateNames)})")));
        table.AddColumn(new TableColumn("covariance Σ"));
        var empty = new HashSet<int>(emptyComponents);
        for (int k = 0; k < m.ComponentCount; k++)
        {
            string label = k.ToString(CultureInfo.InvariantCulture) + (empty.Contains(k) ? " (empty)" : "");
            table.AddRow(
                new Text(label),
                new Text(F4(m.Weights[k])),
                new Text(Vector(m.GetMean(k))),
                new Text(Matrix(m.GetCovariance(k))));
        }
        return table;
    }

    public static string Summary(FitResult independent, Bgmm.Spatial.SmoothedFitResult smoothed, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{independent.Iterations + smoothed.Iterations} iterations in all, {(smoothed.Converged ? "converged" : "not converged")}; final mean-field objective F {smoothed.Objective:F4} (independent-pixel log-likelihood at θ {smoothed.LogLikelihood:F4}, log prior {smoothed.LogPrior:F4}); {Seconds(elapsed)}");

    public static string Summary(FitResult fit, TimeSpan elapsed)
    {
        string converged = fit.Converged
            ? "converged"
            : fit.Options.Tolerance == 0 ? "fixed iteration count (tolerance 0)" : "not converged (iteration limit reached)";
        string restarts = fit.RestartLogJoints.Count > 1 ? $", best of {fit.RestartLogJoints.Count} restarts (restart {fit.Restart})" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{fit.Iterations} iterations, {converged}{restarts}; final log joint {fit.LogJoint:F4} (log-likelihood {fit.LogLikelihood:F4}, log prior {fit.LogPrior:F4}); {Seconds(elapsed)}");
    }

    public static string Vector(double[] v) => "[" + string.Join(", ", v.Select(F4)) + "]";

    public static string Matrix(double[,] m)
    {
        int d = m.GetLength(0);
        var rows = new string[d];
        for (int i = 0; i < d; i++) rows[i] = "[" + string.Join(", ", Enumerable.Range(0, d).Select(j => F4(m[i, j]))) + "]";
        return string.Join("\n", rows);
    }

    public static string F4(double x)
    {
        string s = x.ToString("F4", CultureInfo.InvariantCulture);
        return s == "-0.0000" ? "0.0000" : s;
    }

    public static string Seconds(TimeSpan t) => t.TotalSeconds < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:F1} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F2} s");
}
