using System.Text.Json;
using Bgmm.Serialization;

namespace Bgmm.Spatial;

/// <summary>
/// The JSON form of a smoothing that continued an independent fit, in the keys of
/// <see cref="FitResultJson"/>: the smoothed mixture; <c>log_joint_trace</c> the independent fit's L
/// followed by F; <c>log_joint</c> the final F; <c>log_likelihood</c> and <c>bic</c> of the smoothed
/// mixture as an independent-pixel model; <c>iterations</c> both phases'; restarts, seed and
/// initialisation of the independent phase; and a <c>smoothing</c> object {beta, neighbours, sweeps,
/// iterations, converged, objective, trace_start, independent_iterations, independent_log_joint}.
/// </summary>
public static class SmoothedFitJson
{
    /// <summary>The combined fit as an indented JSON document; <paramref name="extra"/> may add properties before it closes.</summary>
    /// <param name="independent">The independent-pixel fit the smoothing started from.</param>
    /// <param name="smoothed">The smoothing.</param>
    /// <param name="extra">Writes further properties.</param>
    public static string Serialize(FitResult independent, SmoothedFitResult smoothed, Action<Utf8JsonWriter>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(independent);
        ArgumentNullException.ThrowIfNull(smoothed);
        var record = new FitRecord(smoothed.Mixture, smoothed.Prior, smoothed.Points, independent.TotalWeight, smoothed.Objective,
            smoothed.LogLikelihood, smoothed.LogPrior, [.. independent.LogJointTrace, .. smoothed.ObjectiveTrace],
            independent.Iterations + smoothed.Iterations, smoothed.Converged, independent.Restart, independent.RestartLogJoints,
            independent.Seed, independent.Options.Initialization.Name, independent.Options.Tolerance, independent.Options.MaxIterations,
            smoothed.EmptyComponents, smoothed.ComponentCounts, smoothed.Bic);
        return FitResultJson.Serialize(record, w =>
        {
            w.WriteStartObject("smoothing");
            w.WriteNumber("beta", smoothed.Options.Beta);
            w.WriteNumber("neighbours", (int)smoothed.Options.Neighbours);
            w.WriteNumber("sweeps", smoothed.Options.Sweeps);
            w.WriteNumber("iterations", smoothed.Iterations);
            w.WriteBoolean("converged", smoothed.Converged);
            w.WriteNumber("objective", smoothed.Objective);
            w.WriteNumber("trace_start", independent.LogJointTrace.Count);
            w.WriteNumber("independent_iterations", independent.Iterations);
            w.WriteNumber("independent_log_joint", independent.LogJoint);
            w.WriteEndObject();
            extra?.Invoke(w);
        });
    }
}
