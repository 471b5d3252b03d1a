using System.Globalization;
using System.Runtime.CompilerServices;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>
/// The prior defaults a command starts from (the image study's, or the library's); with
/// <paramref name="EmpiricalWhenUnset"/>, no hyperparameter flag and no --prior give mclust's default prior.
/// </summary>
internal sealed record PriorDefaults(double Alpha, double? Nu0, string Nu0Text, string Description, bool EmpiricalWhenUnset = false);

/// <summary>
/// The model options of a command, parsed once into library values: the numbers of components to try
/// (one, or a range to choose from), the covariance models, the prior for any model and K, the EM settings
/// with the initialisation loaded, and the criterion.
/// </summary>
/// <param name="ComponentCounts">K, or the candidates of -k a..b / auto (capped at the distinct points when fitted).</param>
/// <param name="SelectComponents">Whether to choose among <paramref name="ComponentCounts"/> (a range or auto).</param>
/// <param name="Prior">The prior for a dataset, model and K.</param>
/// <param name="Fit">EM settings; <see cref="FitOptions.ComponentCount"/> and <see cref="FitOptions.Model"/> are set per fit.</param>
/// <param name="Criterion">How several fits are compared.</param>
/// <param name="Models">--model as given: a name, a comma-separated list or "all" (resolved with the data's D).</param>
internal sealed record ModelSettings(IReadOnlyList<int> ComponentCounts, bool SelectComponents, PriorSettings Prior, FitOptions Fit,
    SelectionCriterion Criterion, string Models = "VVV")
{
    internal static string ReadText(string path, string option) => Input.InputFiles.ReadJson(path, option);

    /// <summary>The covariance models of --model for D-dimensional data.</summary>
    public IReadOnlyList<CovarianceModel> ModelsFor(int dimension)
    {
        try
        {
            return CovarianceModel.ParseList(Models, dimension);
        }
        catch (ModelInputException e)
        {
            throw new UserError($"--model {Models}: {e.Message}");
        }
    }

    /// <summary>Whether a model × K table is fitted (several K or several models) rather than one fit.</summary>
    public bool Selects(int dimension) => SelectComponents || ModelsFor(dimension).Count > 1;
}

/// <summary>
/// The prior as the user asked for it: the command's defaults, then a --prior file (already read) or
/// 'mclust'/'empirical', then the individual flags, each overriding the one before. A command whose defaults
/// say so (<c>fit</c>) falls back to mclust's prior when nothing is given.
/// </summary>
internal sealed record PriorSettings(PriorDefaults Defaults, string? FileJson, bool Empirical, double? Alpha, double[]? Mu0, double? Kappa0,
    double? Nu0, double? Sigma0Scale)
{
    private readonly ConditionalWeakTable<Dataset, DataMoments> _moments = [];

    /// <summary>Whether the prior is mclust's default prior, asked for or by the command's fallback.</summary>
    public bool IsEmpirical => Empirical || (Defaults.EmpiricalWhenUnset && FileJson is null && Alpha is null && Mu0 is null && Kappa0 is null
        && Nu0 is null && Sigma0Scale is null);

    /// <summary>How the prior was chosen, for --verbose.</summary>
    public string Origin => Empirical ? "mclust's default prior (--prior mclust)"
        : IsEmpirical ? "mclust's default prior from the data (no hyperparameter given)"
        : FileJson is not null ? "--prior file" : Defaults.Description;

    /// <summary>The prior for <paramref name="model"/> with K components on <paramref name="data"/> (its moments are computed once).</summary>
    public MixturePrior For(Dataset data, CovarianceModel model, int components) =>
        For(data.Dimension, () => _moments.GetValue(data, DataMoments.Of), model, components);

    /// <summary>The prior for <paramref name="model"/> with K components on data of these moments.</summary>
    public MixturePrior For(DataMoments moments, CovarianceModel model, int components) => For(moments.Dimension, () => moments, model, components);

    private MixturePrior For(int dimension, Func<DataMoments> moments, CovarianceModel model, int components)
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
        else if (IsEmpirical)
        {
            // mclust has no prior on the weights: α stays the command's (1 for fit) unless --alpha says otherwise.
            MixturePrior mclust = MixturePrior.Empirical(moments(), components, model, Alpha ?? Defaults.Alpha);
            if (Mu0 is null && Kappa0 is null && Nu0 is null && Sigma0Scale is null) return mclust;
            alpha = mclust.WeightPrior.Alpha;
            mu0 = mclust.ComponentPrior.Mu0.ToArray();
            kappa0 = mclust.ComponentPrior.Kappa0;
            nu0 = mclust.ComponentPrior.Nu0;
            sigma0 = mclust.ComponentPrior.Sigma0;
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
}
