namespace Bgmm.Serialization;

/// <summary>What result.json records of a fit (its keys: <see cref="FitResultJson"/>).</summary>
internal sealed record FitRecord(
    GaussianMixture Mixture,
    MixturePrior Prior,
    long Points,
    double TotalWeight,
    double LogJoint,
    double LogLikelihood,
    double LogPrior,
    IReadOnlyList<double> Trace,
    int Iterations,
    bool Converged,
    int Restart,
    IReadOnlyList<double> RestartLogJoints,
    ulong Seed,
    string Initialization,
    double Tolerance,
    int MaxIterations,
    IReadOnlyList<int> EmptyComponents,
    IReadOnlyList<double> ComponentCounts,
    double Bic)
{
    /// <summary>The covariance model of the fit, written as <c>model</c> (name and own parameters); null writes none.</summary>
    public CovarianceModel? Model { get; init; }

    public static FitRecord From(FitResult fit) => new(fit.Mixture, fit.Prior, fit.Points, fit.TotalWeight, fit.LogJoint,
        fit.LogLikelihood, fit.LogPrior, fit.LogJointTrace, fit.Iterations, fit.Converged, fit.Restart, fit.RestartLogJoints,
        fit.Seed, fit.Options.Initialization.Name, fit.Options.Tolerance, fit.Options.MaxIterations, fit.EmptyComponents,
        fit.ComponentCounts, fit.Bic) { Model = fit.Options.Model };
}
