using System.CommandLine;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>The prior defaults a command starts from (the image study's, or the library's).</summary>
internal sealed record PriorDefaults(double Alpha, double? Nu0, string Nu0Text, string Description);

/// <summary>What the user asked for, before the data's dimension is known.</summary>
internal sealed record ModelSettings(
    string Components,
    double? Alpha,
    double[]? Mu0,
    double? Kappa0,
    double? Nu0,
    double? Sigma0Scale,
    string? PriorSource,
    int MaxIterations,
    double Tolerance,
    int Restarts,
    ulong Seed,
    string Init,
    int Threads,
    SelectionCriterion Criterion,
    PriorDefaults Defaults)
{
    /// <summary>K as a number (when no selection was asked for).</summary>
    public int ComponentCount =>
        int.TryParse(Components, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k)
            ? k
            : throw new UserError($"-k/--components: \"{Components}\" is not a whole number; give K ≥ 1 (e.g. -k 3), a range (-k 1..6) or -k auto.");

    /// <summary>
    /// The prior for D-dimensional data: the command's defaults, then a --prior file, then the
    /// individual flags, each overriding the one before. "empirical" is handled by the caller.
    /// </summary>
    public MixturePrior Prior(int dimension, Dataset? dataForEmpirical, int components)
    {
        double? alpha = Defaults.Alpha, kappa0 = null, nu0 = Defaults.Nu0;
        double[]? mu0 = null;
        double[,]? sigma0 = null;
        if (PriorSource is not null && !PriorSource.Equals("empirical", StringComparison.OrdinalIgnoreCase))
        {
            MixturePrior fromFile = FitResultJson.ReadPrior(ReadText(PriorSource, "--prior"), dimension);
            alpha = fromFile.WeightPrior.Alpha;
            mu0 = fromFile.ComponentPrior.Mu0.ToArray();
            kappa0 = fromFile.ComponentPrior.Kappa0;
            nu0 = fromFile.ComponentPrior.Nu0;
            sigma0 = fromFile.ComponentPrior.Sigma0;
        }
        else if (PriorSource is not null)
        {
            if (dataForEmpirical is null) throw new UserError("--prior empirical needs the data; it is not available for this command.");
            (mu0, sigma0) = Empirical(dataForEmpirical, components);
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

    /// <summary>The fit options for K components and the given initialisation.</summary>
    public FitOptions CreateFitOptions(int components) => new(components)
    {
        MaxIterations = MaxIterations,
        Tolerance = Tolerance,
        Restarts = Restarts,
        Seed = Seed,
        Threads = Threads,
        Initialization = Init.ToLowerInvariant() switch
        {
            "random" => Initialization.Random,
            "kmeans++" or "kmeanspp" => Initialization.KMeansPlusPlus,
            _ => Initialization.FromMixture(FitResultJson.ReadMixture(ReadText(Init, "--init"))),
        },
    };

    /// <summary>
    /// mclust's empirical prior: μ0 = the data mean, Σ0 = the data covariance / K^(2/D) (a column of
    /// zero variance gets a tiny positive variance so that Σ0 stays positive definite).
    /// </summary>
    internal static (double[] Mean, double[,] Scale) Empirical(Dataset data, int k)
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
        for (int a = 0; a < d; a++)
        {
            double floor = 1e-12 * Math.Max(1.0, Math.Abs(mean[a]) * Math.Abs(mean[a]));
            if (!(cov[a, a] > floor)) cov[a, a] = floor;
        }
        return (mean, cov);
    }

    internal static string ReadText(string path, string option) => Input.InputFiles.ReadJson(path, option);
}

/// <summary>
/// The options shared by <c>segment</c>, <c>fit</c> and <c>apply</c>-like commands, defined once
/// (one declarative place per program, as mlpack does) with the command's own defaults.
/// </summary>
internal sealed class ModelOptions
{
    private readonly PriorDefaults _defaults;

    public ModelOptions(PriorDefaults defaults, string componentsDefault = "2")
    {
        _defaults = defaults;
        Components = new Option<string>("--components", "-k")
        {
            Description = "Number of mixture components K (≥ 1); or a range a..b, or auto (1..6, capped at the number of distinct points): fit each and keep the best by --criterion.",
            DefaultValueFactory = _ => componentsDefault,
        };
        Criterion = new Option<string>("--criterion")
        {
            Description = "How -k auto / a..b chooses K: icl (BIC plus twice the classification entropy: prefers well-separated segments) or bic (density fit; with many pixels it tends to add components).",
            DefaultValueFactory = _ => "icl",
        };
        Criterion.AcceptOnlyFromAmong("icl", "bic");
        Alpha = new Option<double?>("--alpha")
        {
            Description = $"Dirichlet concentration α on the weights (≥ 1) [default: {defaults.Alpha.ToString(CultureInfo.InvariantCulture)}]",
        };
        Mu0 = new Option<string?>("--mu0") { Description = "Prior mean μ0 as D comma-separated numbers, e.g. 0.5,0.5,0.5 [default: 0]" };
        Kappa0 = new Option<double?>("--kappa0") { Description = "Prior strength κ0 of μ0 in pseudo-points (> 0) [default: 1]" };
        Nu0 = new Option<double?>("--nu0") { Description = $"Inverse-Wishart degrees of freedom ν0 (> D − 1) [default: {defaults.Nu0Text}]" };
        Sigma0 = new Option<double?>("--sigma0") { Description = "Inverse-Wishart scale Σ0 = S·I; give S (> 0) [default: 1]" };
        Prior = new Option<string?>("--prior")
        {
            Description = "Hyperparameters from a JSON file (the \"hyperparameters\" object of a result.json, or the whole file), or 'empirical': μ0 = data mean, Σ0 = data covariance / K^(2/D). Flags override it.",
        };
        MaxIterations = new Option<int>("--max-iter")
        {
            Description = "Maximum EM iterations (≥ 0).",
            DefaultValueFactory = _ => FitOptions.DefaultMaxIterations,
        };
        Tolerance = new Option<double>("--tol")
        {
            Description = "Stop when |L_t − L_(t−1)| ≤ tol·|L_t|; 0 runs exactly --max-iter iterations.",
            DefaultValueFactory = _ => FitOptions.DefaultTolerance,
        };
        Restarts = new Option<int>("--restarts")
        {
            Description = "Initialisations to run; the one with the highest final log joint wins.",
            DefaultValueFactory = _ => 1,
        };
        Seed = new Option<ulong>("--seed")
        {
            Description = "Random seed; restart i uses (seed, i) alone.",
            DefaultValueFactory = _ => 0,
        };
        Init = new Option<string>("--init")
        {
            Description = "Initialisation: random (K distinct data points), kmeans++, or FILE.json with weights, means and covariances (a result.json works).",
            DefaultValueFactory = _ => "random",
        };
        Threads = new Option<int>("--threads")
        {
            Description = "Worker threads; 0 = all cores. Results are identical for any value.",
            DefaultValueFactory = _ => 0,
        };
    }

    public Option<string> Components { get; }
    public Option<string> Criterion { get; }
    public Option<double?> Alpha { get; }
    public Option<string?> Mu0 { get; }
    public Option<double?> Kappa0 { get; }
    public Option<double?> Nu0 { get; }
    public Option<double?> Sigma0 { get; }
    public Option<string?> Prior { get; }
    public Option<int> MaxIterations { get; }
    public Option<double> Tolerance { get; }
    public Option<int> Restarts { get; }
    public Option<ulong> Seed { get; }
    public Option<string> Init { get; }
    public Option<int> Threads { get; }

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Components, Criterion, Alpha, Mu0, Kappa0, Nu0, Sigma0, Prior, MaxIterations, Tolerance, Restarts, Seed, Init, Threads })
        {
            command.Options.Add(o);
        }
        command.Validators.Add(result => OptionRules.RefuseRestartsWithInitFile(result, Init, Restarts));
    }

    public ModelSettings Bind(ParseResult result) => new(
        result.GetValue(Components) ?? "2",
        result.GetValue(Alpha),
        ParseVector(result.GetValue(Mu0), "--mu0"),
        result.GetValue(Kappa0),
        result.GetValue(Nu0),
        result.GetValue(Sigma0),
        result.GetValue(Prior),
        result.GetValue(MaxIterations),
        result.GetValue(Tolerance),
        result.GetValue(Restarts),
        result.GetValue(Seed),
        result.GetValue(Init) ?? "random",
        result.GetValue(Threads),
        result.GetValue(Criterion) == "bic" ? SelectionCriterion.Bic : SelectionCriterion.Icl,
        _defaults);

    private static double[]? ParseVector(string? text, string option)
    {
        if (text is null) return null;
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var v = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new UserError($"{option}: \"{parts[i]}\" is not a finite number; give comma-separated numbers with '.' as the decimal point, e.g. {option} 0.5,0.5,0.5.");
        }
        return v;
    }
}

/// <summary>Options about output shared by every command that writes files.</summary>
internal sealed class OutputOptions
{
    public Option<string?> Out { get; } = new("--out", "-o") { Description = "Output folder [default: ./<input name>-bgmm/]" };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print exactly one JSON document (the result) on standard output; tables, progress and messages go to standard error.",
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print nothing but errors." };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Print more detail (timings, kernel, compression; stack traces of internal errors)." };

    public void AddTo(Command command, bool withJson = true)
    {
        command.Options.Add(Out);
        if (withJson) command.Options.Add(Json);
        command.Options.Add(Quiet);
        command.Options.Add(Verbose);
    }

    public void Apply(ParseResult result, CliConsole console)
    {
        bool quiet = result.GetValue(Quiet), verbose = result.GetValue(Verbose);
        if (quiet && verbose) throw new UserError("--quiet and --verbose contradict each other; give one of them.");
        console.Verbosity = quiet ? Verbosity.Quiet : verbose ? Verbosity.Verbose : Verbosity.Normal;
        console.JsonMode = result.GetResult(Json) is not null && result.GetValue(Json);
    }
}
