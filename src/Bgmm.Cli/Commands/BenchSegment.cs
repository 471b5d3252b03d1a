using System.Diagnostics;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Imaging;
using Bgmm.Plotting;
using Spectre.Console;

namespace Bgmm.Cli.Commands;

/// <summary>bgmm bench's pipeline table: the segment command's work split into its stages.</summary>
internal static class BenchSegment
{
    /// <summary>The segment command's work (K = 2, the study's prior, 100 iterations, auto compression) split into its stages.</summary>
    public static void Table(CliConsole console, IReadOnlyList<(string Name, RgbImage Image, TimeSpan Decode)> images, CancellationToken cancellationToken)
    {
        const int k = 2;
        int all = Environment.ProcessorCount;
        var table = new Table().Title("segment pipeline, K = 2, 100 iterations (tol 0), --compress auto: wall time in ms");
        foreach (string column in new[] { "image", "threads", "fitted rows", "decode", "segment", "segments.png", "labels.png", "log_joint.png", "total" })
        {
            table.AddColumn(column == "image" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }
        foreach ((string name, RgbImage image, TimeSpan decode) in images)
        {
            // Warm-up (JIT, encoders' first use), not timed.
            ImageSegmenter.Segment(image, new SegmentationOptions { Fit = new FitOptions(k) { MaxIterations = 2, Tolerance = 0 } });
            foreach (int threads in all > 1 ? new[] { 1, all } : [1])
            {
                cancellationToken.ThrowIfCancellationRequested();
                var options = new SegmentationOptions { Fit = new FitOptions(k) { MaxIterations = 100, Tolerance = 0, Threads = threads } };
                ImageSegmentation result = ImageSegmenter.Segment(image, options, cancellationToken: cancellationToken);
                byte[] labels = result.Labels.ToArray();
                double segmentMs = result.Elapsed.TotalMilliseconds;
                double figureMs = Time(() => SegmentsFigure.EncodePng(image, labels, k));
                double labelPngMs = Time(() => LabelImage.EncodePng(image.Width, image.Height, labels, k));
                double traceMs = Time(() => TracePlot.Render(result.ObjectiveTrace, name));
                double decodeMs = decode.TotalMilliseconds;
                double total = decodeMs + segmentMs + figureMs + labelPngMs + traceMs;
                table.AddRow(new[] { name, threads.ToString(CultureInfo.InvariantCulture), result.FittedRows.ToString("N0", CultureInfo.InvariantCulture),
                    F(decodeMs), F(segmentMs), F(figureMs), F(labelPngMs), F(traceMs), F(total) }.Select(c => new Text(c)).ToArray());
            }
        }
        console.Human.Write(table);
        console.Line("decode is timed once per image (single-threaded); segment = preparing the colour table, the fit, labels and uncertainty.");
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string F(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture);
}
