using System.Globalization;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>The prior defaults a command starts from (the image study's, or the library's).</summary>
internal sealed record PriorDefaults(double Alpha, double? Nu0, string Nu0Text, string Description);

/// <summary>
/// The model options of a command, parsed once into library values: the numbers of components to try
/// (one, or a range to choose from), the prior for any K, the EM settings with the initialisation loaded,
/// and the criterion.
/// </summary>
/// <param name="ComponentCounts">K, or the candidates of -k a..b / auto (capped at the distinct points when fitted).</param>
/// <param name="SelectComponents">Whether to choose among <paramref name="ComponentCounts"/> (a range or auto).</param>
/// <param name="Prior">The prior for a dataset and K.</param>
/// <param name="Fit">EM settings; <see cref="FitOptions.ComponentCount"/> is set per K.</param>
/// <param name="Criterion">How several K are compared.</param>
internal sealed record ModelSettings(IReadOnlyList<int> ComponentCounts, bool SelectComponents, PriorSettings Prior, FitOptions Fit,
    SelectionCriterion Criterion)
{
    internal static string ReadText(string path, string option) => Input.InputFiles.ReadJson(path, option);
}

/// <summary>
/// The prior as the user asked for it: the command's defaults, then a --prior file (already read) or
/// 'empirical', then the individual flags, each overriding the one before.
/// </summary>
internal sealed record PriorSettings(PriorDefaults Defaults, string? FileJson, bool Empirical, double? Alpha, double[]? Mu0, double? Kappa0,
    double? Nu0, double? Sigma0Scale)
{
    /// <summary>The prior for K components on <paramref name="data"/> (its dimension, and its moments when empirical).</summary>
    public MixturePrior For(Dataset data, int components) => For(data.Dimension, () => EmpiricalMoments(data, components));

    /// <summary>
    /// The prior for K components on the data behind <paramref name="source"/> (files, a cluster): when
    /// empirical, its moments come from one pass of the source at a single component (N, mean, scatter).
    /// </summary>
    public MixturePrior For(StatisticsSource source, int components, CancellationToken cancellationToken) =>
        For(source.Dimension, () => EmpiricalMoments(source, components, cancellationToken));

    private MixturePrior For(int dimension, Func<(double[] Mean, double[,] Scale)> empiricalMoments)
    {
        double? alpha = Defaults.Alpha, kappa0 = null, nu0 = Defaults.Nu0;
        double[]? mu0 = null;
        double[,]? sigma0 = null;
        if (FileJson is not null)
        {
            MixturePrior fromFile = FitResultJson.ReadPrior(FileJson, dimension);
            alpha = fromFile.WeightPrior.Alpha;
            mu0 = fromFile.ComponentPrior.Mu0.ToArray();
            kappa0 = fromFile.ComponentPrior.Kappa0;
            nu0 = fromFile.ComponentPrior.Nu0;
            sigma0 = fromFile.ComponentPrior.Sigma0;
        }
        else if (Empirical)
        {
            (mu0, sigma0) = empiricalMoments();
        }
        if (Alpha is double a) alpha = a;
        if (Kappa0 is double k) kappa0 = k;
        if (Nu0 is double n) nu0 = n;
        if (Mu0 is not null)
        {
            if (Mu0.Length != dimension)
                throw new UserError($"--mu0 has {Mu0.Length} value{(Mu0.Length == 1 ? "" : "s")} but the data has D = {dimension}; give {dimension} comma-separated values.");
            mu0 = Mu0;
        }
        if (Sigma0Scale is double s)
        {
            if (!(s > 0) || !double.IsFinite(s)) throw new UserError($"--sigma0 = {s.ToString(CultureInfo.InvariantCulture)}: it must be a finite number > 0 (Σ0 = S·I).");
            sigma0 = new double[dimension, dimension];
            for (int i = 0; i < dimension; i++) sigma0[i, i] = s;
        }
        return MixturePrior.Create(dimension, alpha, mu0, kappa0, nu0, sigma0);
    }

    /// <summary>
    /// mclust's empirical prior: μ0 = the data mean, Σ0 = the data covariance / K^(2/D) (a column of
    /// zero variance gets a tiny positive variance so that Σ0 stays positive definite).
    /// </summary>
    internal static (double[] Mean, double[,] Scale) EmpiricalMoments(Dataset data, int k)
    {
        int d = data.Dimension;
        var mean = new double[d];
        double total = data.TotalWeight;
        // Through the indexer, not Column(j): a byte-plane dataset (an 8-bit image) would build a
        // column of doubles per coordinate.
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int i = 0; i < data.Count; i++) s += data.Weight(i) * data[i, j];
            mean[j] = s / total;
        }
        var cov = new double[d, d];
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                double s = 0;
                for (int i = 0; i < data.Count; i++) s += data.Weight(i) * (data[i, a] - mean[a]) * (data[i, b] - mean[b]);
                cov[a, b] = cov[b, a] = s / total / Math.Pow(k, 2.0 / d);
            }
        }
        return (mean, Floored(mean, cov));
    }

    /// <summary>
    /// The same from a source: one E-step at a single component gives N, the data mean and the scatter
    /// about it (Σ0 = scatter / N / K^(2/D)), summed in the source's fixed order.
    /// </summary>
    internal static (double[] Mean, double[,] Scale) EmpiricalMoments(StatisticsSource source, int k, CancellationToken cancellationToken)
    {
        int d = source.Dimension;
        var identity = new double[d, d];
        for (int i = 0; i < d; i++) identity[i, i] = 1;
        var one = new GaussianMixture([1.0], [new double[d]], [identity]);
        source.Start(one, cancellationToken);
        MixtureStatistics statistics = source.EStep(one, cancellationToken).Statistics;
        double[] mean = statistics.Mean(0).ToArray();
        ReadOnlySpan<double> scatter = statistics.Scatter(0);
        double total = statistics.Count(0);
        var cov = new double[d, d];
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < d; b++) cov[a, b] = scatter[a * d + b] / total / Math.Pow(k, 2.0 / d);
        }
        return (mean, Floored(mean, cov));
    }

    /// <summary>A column of zero variance gets a tiny positive variance, so that Σ0 stays positive definite.</summary>
    private static double[,] Floored(double[] mean, double[,] cov)
    {
        for (int a = 0; a < mean.Length; a++)
        {
            double floor = 1e-12 * Math.Max(1.0, Math.Abs(mean[a]) * Math.Abs(mean[a]));
            if (!(cov[a, a] > floor)) cov[a, a] = floor;
        }
        return cov;
    }
}
