using System.Text.Json;

namespace Bgmm.Spatial;

/// <summary>The JSON of a <see cref="ForegroundSplit"/>'s rule and reasons (inside result.json's <c>foreground</c> object).</summary>
public static class ForegroundJson
{
    /// <summary>
    /// Writes <c>rule</c> ("frame" or "given") and <c>verdicts</c>: per component {component, background,
    /// reason (spans_frame, enclosed, absent, given), sides, edge_shares {top, bottom, left, right}, colour, explanation}.
    /// </summary>
    public static void WriteVerdicts(Utf8JsonWriter writer, ForegroundSplit split)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(split);
        writer.WriteString("rule", split.Rule == ForegroundRule.Frame ? "frame" : "given");
        writer.WriteStartArray("verdicts");
        foreach (ComponentVerdict v in split.Verdicts)
        {
            writer.WriteStartObject();
            writer.WriteNumber("component", v.Component);
            writer.WriteBoolean("background", v.IsBackground);
            writer.WriteString("reason", Name(v.Reason));
            writer.WriteStartArray("sides");
            foreach (FrameSides side in new[] { FrameSides.Top, FrameSides.Bottom, FrameSides.Left, FrameSides.Right })
            {
                if (v.Sides.HasFlag(side)) writer.WriteStringValue(side.ToString().ToLowerInvariant());
            }
            writer.WriteEndArray();
            if (v.EdgeShares.Count == 4)
            {
                writer.WriteStartObject("edge_shares");
                writer.WriteNumber("top", v.EdgeShares[0]);
                writer.WriteNumber("bottom", v.EdgeShares[1]);
                writer.WriteNumber("left", v.EdgeShares[2]);
                writer.WriteNumber("right", v.EdgeShares[3]);
                writer.WriteEndObject();
            }
            writer.WriteStartArray("colour");
            foreach (int c in v.Colour) writer.WriteNumberValue(c);
            writer.WriteEndArray();
            writer.WriteString("explanation", v.Explanation);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static string Name(ForegroundReason reason) => reason switch
    {
        ForegroundReason.SpansFrame => "spans_frame",
        ForegroundReason.Enclosed => "enclosed",
        ForegroundReason.Absent => "absent",
        _ => "given",
    };
}
