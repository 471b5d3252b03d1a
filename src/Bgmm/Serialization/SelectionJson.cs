using System.Text.Json;

namespace Bgmm.Serialization;

/// <summary>A model selection's keys of result.json: <c>criterion</c> and <c>selection</c> [{components, bic, icl, log_joint}, …].</summary>
internal static class SelectionJson
{
    public static void Write(Utf8JsonWriter w, ModelSelectionResult selection)
    {
        w.WriteString("criterion", selection.Criterion == SelectionCriterion.Bic ? "bic" : "icl");
        w.WriteStartArray("selection");
        foreach (ModelCandidate c in selection.Candidates)
        {
            w.WriteStartObject();
            w.WriteNumber("components", c.ComponentCount);
            w.WriteNumber("bic", c.Bic);
            w.WriteNumber("icl", c.Icl);
            w.WriteNumber("log_joint", c.Fit.LogJoint);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
