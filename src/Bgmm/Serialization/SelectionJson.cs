using System.Text.Json;

namespace Bgmm.Serialization;

/// <summary>
/// A model selection's keys of result.json: <c>criterion</c> ("bic" or "icl") and <c>selection</c>, one object
/// per fit of the model × K table, K by K and model by model in mclust's order: <c>{model, components, bic, icl,
/// log_joint, log_likelihood, parameters}</c>, or <c>{model, components, failure}</c> for a fit that failed.
/// </summary>
internal static class SelectionJson
{
    public static void Write(Utf8JsonWriter w, ModelTable table)
    {
        w.WriteString("criterion", table.Criterion == SelectionCriterion.Bic ? "bic" : "icl");
        w.WriteStartArray("selection");
        foreach (ModelTableEntry e in table.Entries)
        {
            w.WriteStartObject();
            w.WriteString("model", e.Model.Name);
            w.WriteNumber("components", e.ComponentCount);
            if (e.Candidate is ModelCandidate c)
            {
                w.WriteNumber("bic", c.Bic);
                w.WriteNumber("icl", c.Icl);
                w.WriteNumber("log_joint", c.Fit.LogJoint);
                w.WriteNumber("log_likelihood", c.Fit.LogLikelihood);
                w.WriteNumber("parameters", e.Model.ParameterCount(e.ComponentCount, c.Fit.Mixture.Dimension));
            }
            else
            {
                w.WriteString("failure", e.Failure);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
