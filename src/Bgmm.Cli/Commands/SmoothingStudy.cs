using Bgmm.Cli.Synthetic;
using System.Diagnostics;
using Bgmm.Imaging;
using Bgmm.Spatial;

namespace Bgmm.Cli.Commands;

/// <summary>
/// How much the Potts prior (SPEC §6) helps, measured against known segments: synthetic images
/// (<see cref="SyntheticSegmentation"/>) at several noise levels, each segmented by the
/// independent-pixel model (β = 0) and by mean-field EM from that fit for every β, scored by the
/// pixel error rate after matching labels to the truth by the best permutation.
/// </summary>
internal static class SmoothingStudy
{
    /// <summary>Images per noise level.</summary>
    public const int DefaultImages = 3;

    /// <summary>Classes per image (and K of every fit).</summary>
    public const int DefaultClasses = 3;

    /// <summary>Restarts of the independent fit, so that a poor local optimum does not pass for a smoothing effect.</summary>
    public const int IndependentRestarts = 3;

    /// <summary>One (noise level, model, β) cell of the study, over its images.</summary>
    /// <param name="Noise">Per-channel noise standard deviation of the images.</param>
    /// <param name="Neighbours">The Potts neighbourhood, or null for the independent-pixel model (β = 0).</param>
    /// <param name="Sweeps">Mean-field sweeps per E-step (0 for the independent model).</param>
    /// <param name="Beta">β.</param>
    /// <param name="ErrorRates">The pixel error rate of each image.</param>
    /// <param name="Iterations">EM iterations of each image's fit (for smoothing: after the independent fit).</param>
    /// <param name="Milliseconds">Wall time of each image's fit (for smoothing: the smoothing alone).</param>
    internal sealed record Row(double Noise, Neighbourhood? Neighbours, int Sweeps, double Beta,
        IReadOnlyList<double> ErrorRates, IReadOnlyList<int> Iterations, IReadOnlyList<double> Milliseconds)
    {
        public double MeanErrorRate => ErrorRates.Average();
        public double MeanIterations => Iterations.Average();
        public double MeanMilliseconds => Milliseconds.Average();
    }

    /// <summary>
    /// Runs the study on <paramref name="size"/>×<paramref name="size"/> images: for each noise level
    /// <see cref="DefaultImages"/> images of <see cref="DefaultClasses"/> classes, 4 neighbours,
    /// <see cref="SmoothingOptions.DefaultSweeps"/> sweeps. β = 0 in <paramref name="betas"/> is the
    /// independent-pixel model itself.
    /// </summary>
    public static IReadOnlyList<Row> Run(int size, double[] noiseLevels, double[] betas, ulong seed, int threads, CancellationToken ct) =>
        Run(size, noiseLevels, betas, seed, threads, ct, DefaultImages, DefaultClasses, [Neighbourhood.Four], [SmoothingOptions.DefaultSweeps]);

    /// <summary>The study with every dimension chosen.</summary>
    public static IReadOnlyList<Row> Run(int size, double[] noiseLevels, double[] betas, ulong seed, int threads, CancellationToken ct,
        int images, int classes, IReadOnlyList<Neighbourhood> neighbourhoods, IReadOnlyList<int> sweeps)
    {
        ArgumentNullException.ThrowIfNull(noiseLevels);
        ArgumentNullException.ThrowIfNull(betas);
        MixturePrior prior = MixturePrior.Create(3, alpha: 100, nu0: 4);
        var rows = new List<Row>();
        for (int level = 0; level < noiseLevels.Length; level++)
        {
            double noise = noiseLevels[level];
            var scenes = new SyntheticSegmentation[images];
            var data = new Dataset[images];
            var independent = new FitResult[images];
            var errors = new double[images];
            var iterations = new int[images];
            var times = new double[images];
            for (int i = 0; i < images; i++)
            {
                ct.ThrowIfCancellationRequested();
                scenes[i] = SyntheticSegmentation.Generate(size, size, classes, noise, seed + (ulong)(1000 * level + i));
                data[i] = scenes[i].Image.ToDataset();
                var clock = Stopwatch.StartNew();
                independent[i] = MapEmFitter.Fit(data[i], prior,
                    new FitOptions(classes) { Restarts = IndependentRestarts, Seed = seed + (ulong)i, Threads = threads, Tolerance = 1e-8 },
                    cancellationToken: ct);
                times[i] = clock.Elapsed.TotalMilliseconds;
                iterations[i] = independent[i].Iterations;
                byte[] labels = [.. independent[i].Mixture.Predict(data[i]).Select(l => (byte)l)];
                errors[i] = ErrorRate(labels, scenes[i].Truth, classes);
            }
            if (betas.Contains(0.0)) rows.Add(new Row(noise, null, 0, 0.0, errors, iterations, times));

            foreach (Neighbourhood neighbourhood in neighbourhoods)
            {
                foreach (int sweepCount in sweeps)
                {
                    foreach (double beta in betas.Where(b => b > 0))
                    {
                        var e = new double[images];
                        var it = new int[images];
                        var t = new double[images];
                        for (int i = 0; i < images; i++)
                        {
                            var clock = Stopwatch.StartNew();
                            SmoothedFitResult fit = MeanFieldEmFitter.Fit(data[i], size, size, independent[i].Mixture, prior,
                                new SmoothingOptions { Beta = beta, Neighbours = neighbourhood, Sweeps = sweepCount, Threads = threads },
                                cancellationToken: ct);
                            t[i] = clock.Elapsed.TotalMilliseconds;
                            it[i] = fit.Iterations;
                            e[i] = ErrorRate(fit.Labels, scenes[i].Truth, classes);
                        }
                        rows.Add(new Row(noise, neighbourhood, sweepCount, beta, e, it, t));
                    }
                }
            }
        }
        return rows;
    }

    /// <summary>
    /// The rows as a Markdown table: noise, model, sweeps, β, mean error rate, each image's error
    /// rate, mean iterations and mean fit time.
    /// </summary>
    public static string FormatTable(IReadOnlyList<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new System.Text.StringBuilder();
        text.AppendLine("| noise σ | model | sweeps | β | error rate | per image | iterations | fit ms |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            string model = r.Neighbours switch
            {
                null => "independent",
                Neighbourhood.Four => "Potts, 4 neighbours",
                _ => "Potts, 8 neighbours",
            };
            string images = string.Join(" ", r.ErrorRates.Select(e => Percent(e)));
            text.AppendLine(FormattableString.Invariant(
                $"| {r.Noise:0.###} | {model} | {(r.Sweeps == 0 ? "–" : r.Sweeps)} | {r.Beta:0.###} | {Percent(r.MeanErrorRate)} | {images} | {r.MeanIterations:0.#} | {r.MeanMilliseconds:0} |"));
        }
        return text.ToString();

        static string Percent(double x) => (100 * x).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " %";
    }

    /// <summary>
    /// The fraction of pixels whose label differs from the truth after relabelling by the permutation
    /// of 0..K−1 that agrees with the truth most (labels and truth both in 0..K−1, K ≤ 8).
    /// </summary>
    public static double ErrorRate(ReadOnlySpan<byte> labels, ReadOnlySpan<byte> truth, int k)
    {
        if (labels.Length != truth.Length) throw new ArgumentException("labels and truth differ in length", nameof(labels));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 8);
        var confusion = new long[k, k];
        for (int i = 0; i < labels.Length; i++) confusion[truth[i], labels[i]]++;
        int[] permutation = [.. Enumerable.Range(0, k)];
        long best = 0;
        Search(0);
        return 1.0 - (double)best / labels.Length;

        void Search(int position)
        {
            if (position == k)
            {
                long agree = 0;
                for (int c = 0; c < k; c++) agree += confusion[c, permutation[c]];
                best = Math.Max(best, agree);
                return;
            }
            for (int i = position; i < k; i++)
            {
                (permutation[position], permutation[i]) = (permutation[i], permutation[position]);
                Search(position + 1);
                (permutation[position], permutation[i]) = (permutation[i], permutation[position]);
            }
        }
    }
}
