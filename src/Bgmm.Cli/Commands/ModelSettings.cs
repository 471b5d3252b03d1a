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
    public MixturePrior For(Dataset data, int components)
    {
        int dimension = data.Dimension;
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
            (mu0, sigma0) = EmpiricalMoments(data, components);
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
    /// mclust's empirical prior (the core's <see cref="MixturePrior.Empirical"/>, always valid: a constant
    /// column or collinear columns, as in a grey image, get a tiny ridge): μ0 = the data mean, Σ0 = the
    /// data covariance / K^(2/D).
    /// </summary>
    internal static (double[] Mean, double[,] Scale) EmpiricalMoments(Dataset data, int k)
    {
        NormalInverseWishart empirical = MixturePrior.Empirical(data, k).ComponentPrior;
        return (empirical.Mu0.ToArray(), empirical.Sigma0);
    }
}
