using System.Text.Json;
using Bgmm.Imaging.Files;

namespace Bgmm.Cli.Output;

/// <summary>
/// What bgmm wrote into an output folder (<c>.bgmm/manifest.json</c>): for every file, the size,
/// modification time and inode it had when bgmm renamed it into place, so that a later run
/// replaces a file only if it is still bgmm's own, unchanged; and the names of the last set that was
/// committed completely (null while a commit is under way).
/// </summary>
internal sealed record OutputManifest(IReadOnlyList<OutputManifest.Entry> Files, IReadOnlyList<string>? Complete)
{
    private const string Format = "bgmm output manifest 1";

    public static readonly OutputManifest Empty = new([], null);

    /// <summary>One file as bgmm wrote it.</summary>
    public sealed record Entry(string Name, long Size, long ModifiedTicks, ulong Inode)
    {
        public static Entry Of(string name, FileNode node) => new(name, node.Size, node.ModifiedTicks, node.Inode);

        public bool Matches(FileNode node) =>
            node.Kind == FileKind.Regular && node.Size == Size && node.ModifiedTicks == ModifiedTicks && node.Inode == Inode;
    }

    /// <summary>Whether <paramref name="node"/>, found under <paramref name="name"/>, is a file bgmm wrote there and nobody changed since.</summary>
    public bool Owns(string name, FileNode node) => Files.Any(e => e.Name == name && e.Matches(node));

    /// <summary>
    /// Reads the manifest; a missing, unreadable or foreign one owns nothing (so nothing is
    /// replaced on its word).
    /// </summary>
    public static OutputManifest Read(string path)
    {
        byte[] bytes;
        try
        {
            FileNode? node = FileNode.Of(path, followLinks: false);
            if (node is not { Kind: FileKind.Regular, Size: <= 1 << 24 }) return Empty;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Empty;
        }
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
                return Empty;
            var files = new List<Entry>();
            foreach (JsonElement f in root.GetProperty("files").EnumerateArray())
            {
                files.Add(new Entry(f.GetProperty("name").GetString() ?? "", f.GetProperty("size").GetInt64(),
                    f.GetProperty("modified").GetInt64(), f.GetProperty("inode").GetUInt64()));
            }
            List<string>? complete = root.TryGetProperty("complete", out JsonElement c) && c.ValueKind == JsonValueKind.Array
                ? [.. c.EnumerateArray().Select(n => n.GetString() ?? "")]
                : null;
            return new OutputManifest(files, complete);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return Empty;
        }
    }

    /// <summary>Writes the manifest to <paramref name="path"/> atomically, through <paramref name="staging"/>.</summary>
    public void Write(string path, string staging)
    {
        using (var stream = new FileStream(staging, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("format", Format);
                if (Complete is null)
                {
                    w.WriteNull("complete");
                }
                else
                {
                    w.WriteStartArray("complete");
                    foreach (string name in Complete) w.WriteStringValue(name);
                    w.WriteEndArray();
                }
                w.WriteStartArray("files");
                foreach (Entry e in Files)
                {
                    w.WriteStartObject();
                    w.WriteString("name", e.Name);
                    w.WriteNumber("size", e.Size);
                    w.WriteNumber("modified", e.ModifiedTicks);
                    w.WriteNumber("inode", e.Inode);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(staging, path, overwrite: true);
    }
}
