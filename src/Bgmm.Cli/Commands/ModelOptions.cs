using System.CommandLine;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Serialization;

namespace Bgmm.Cli.Commands;

/// <summary>
/// The options shared by <c>segment</c>, <c>fit</c> and <c>apply</c>-like commands, defined once
/// (one declarative place per program, as mlpack does) with the command's own defaults.
/// </summary>
internal sealed class ModelOptions
{
    private readonly PriorDefaults _defaults;

    /// <param name="defaults">The command's prior defaults.</param>
    /// <param name="componentsDefault">-k's default.</param>
    /// <param name="partitionKind">What --init takes as a partition, in words ("labels.csv: one label per row", "a label image").</param>
    public ModelOptions(PriorDefaults defaults, string componentsDefault = "2", string partitionKind = "labels.csv (one label 0..K−1 per row)")
    {
        _defaults = defaults;
        Model = new Option<string>("--model")
        {
            Description = "Covariance model: mclust's EII, VII, EEI, VEI, EVI, VVI, EEE, EEV, VEV, VVV (E or V in one dimension), scikit-learn's spherical, diag, tied or full; " +
                "a comma-separated list, or all. Several models (or a range of K) are all fitted and the best by --criterion kept, the whole table printed.",
            DefaultValueFactory = _ => "VVV",
        };
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
            Description = "Hyperparameters from a JSON file (the \"hyperparameters\" object of a result.json, or the whole file), or mclust (alias empirical): mclust's default prior " +
                "for each model and K (κ0 = 0.01, ν0 = D + 2, μ0 = data mean, Σ0 from the data covariance / K^(2/D)). Flags override it." +
                (defaults.EmpiricalWhenUnset ? " Without --prior and hyperparameter flags, mclust's prior is used." : ""),
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
            Description = $"Initialisation: random (K distinct data points), kmeans++, FILE.json with weights, means and covariances (a result.json works), or a partition to start from with an M-step, as mclust does: {partitionKind}. One start: not with --restarts.",
            DefaultValueFactory = _ => "random",
        };
        Threads = new Option<int>("--threads")
        {
            Description = "Worker threads; 0 = all cores. Results are identical for any value.",
            DefaultValueFactory = _ => 0,
        };
    }

    public Option<string> Components { get; }
    public Option<string> Model { get; }
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
        foreach (Option o in new Option[] { Components, Model, Criterion, Alpha, Mu0, Kappa0, Nu0, Sigma0, Prior, MaxIterations, Tolerance, Restarts, Seed, Init, Threads })
        {
            command.Options.Add(o);
        }
        command.Validators.Add(result => OptionRules.RefuseRestartsWithInitFile(result, Init, Restarts));
    }

    /// <summary>The typed settings: -k parsed, the --prior and --init files read and checked now, before any work.</summary>
    public ModelSettings Bind(ParseResult result, CancellationToken cancellationToken = default)
    {
        (int[] counts, bool select) = ComponentCandidates.Parse(result.GetValue(Components) ?? "2");
        string? prior = result.GetValue(Prior);
        bool empirical = prior is not null && prior.ToLowerInvariant() is "empirical" or "mclust";
        var priorSettings = new PriorSettings(_defaults, empirical || prior is null ? null : ModelSettings.ReadText(prior, "--prior"), empirical,
            result.GetValue(Alpha), ParseVector(result.GetValue(Mu0), "--mu0"), result.GetValue(Kappa0), result.GetValue(Nu0), result.GetValue(Sigma0));
        string models = result.GetValue(Model) ?? "VVV";
        CheckModelNames(models);
        string init = result.GetValue(Init) ?? "random";
        Initialization initialization;
        switch (init.ToLowerInvariant())
        {
            case "random":
                initialization = Initialization.Random;
                break;
            case "kmeans++" or "kmeanspp":
                initialization = Initialization.KMeansPlusPlus;
                break;
            default:
                if (Input.PartitionFile.IsPartition(init))
                {
                    (int[] labels, int k) = Input.PartitionFile.Read(init, cancellationToken);
                    counts = PartitionComponents(result, init, k, select, counts);
                    select = false;
                    initialization = Initialization.FromPartition(labels);
                }
                else
                {
                    initialization = Initialization.FromMixture(FitResultJson.ReadMixture(ModelSettings.ReadText(init, "--init")));
                }
                break;
        }
        var fit = new FitOptions(counts[0])
        {
            MaxIterations = result.GetValue(MaxIterations),
            Tolerance = result.GetValue(Tolerance),
            Restarts = result.GetValue(Restarts),
            Seed = result.GetValue(Seed),
            Threads = result.GetValue(Threads),
            Initialization = initialization,
        };
        return new ModelSettings(counts, select, priorSettings, fit, result.GetValue(Criterion) == "bic" ? SelectionCriterion.Bic : SelectionCriterion.Icl, models);
    }

    /// <summary>K of a start from a partition: its number of classes, which -k may repeat but not contradict.</summary>
    private int[] PartitionComponents(ParseResult result, string init, int k, bool select, int[] counts)
    {
        bool given = result.GetResult(Components) is { Implicit: false };
        if (given && (select || counts[0] != k))
        {
            throw new UserError($"--init {init} is a partition into K = {k} classes (labels 0..{k - 1}), which fixes K; " +
                $"-k {result.GetValue(Components)} contradicts it: leave -k out (or give -k {k}). To compare models from this start, use --model with a list or all.");
        }
        return [k];
    }

    /// <summary>Refuses an unknown model name before any work (whether a model fits D is checked with the data).</summary>
    private static void CheckModelNames(string text)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return;
        string[] names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new UserError($"--model \"{text}\": give a model name (e.g. VVV), a comma-separated list, or all.");
        foreach (string name in names)
        {
            try
            {
                CovarianceModel.Parse(name);
            }
            catch (ModelInputException e)
            {
                throw new UserError($"--model: {e.Message}");
            }
        }
    }

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
