namespace Bgmm.Spatial;

/// <summary>The four edges of the frame.</summary>
[Flags]
public enum FrameSides
{
    /// <summary>No edge.</summary>
    None = 0,

    /// <summary>The first row.</summary>
    Top = 1,

    /// <summary>The last row.</summary>
    Bottom = 2,

    /// <summary>The first column.</summary>
    Left = 4,

    /// <summary>The last column.</summary>
    Right = 8,
}

/// <summary>
/// What the foreground split reads from a preview label map (<see cref="LabelPreview"/>), per colour group
/// (<see cref="ColourGroups"/>): its area and how much of each edge of the frame it holds. The map is first cleaned by one 3×3 majority
/// filter, so that isolated pixels neither touch an edge nor link groups.
/// </summary>
internal sealed class FrameEvidence
{
    /// <summary>A group touches an edge when it holds at least this fraction of the edge's pixels.</summary>
    public const double TouchFraction = 0.1;

    public FrameEvidence(ReadOnlySpan<byte> preview, int width, int height, int[] groupOf)
    {
        Width = width;
        Height = height;
        GroupOf = groupOf;
        int k = groupOf.Length;
        byte[] map = Majority(preview, width, height);
        Area = new long[k];
        Edge = new long[k, 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int g = groupOf[map[y * width + x]];
                Area[g]++;
                if (y == 0) Edge[g, 0]++;
                if (y == height - 1) Edge[g, 1]++;
                if (x == 0) Edge[g, 2]++;
                if (x == width - 1) Edge[g, 3]++;
            }
        }
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The group of each component.</summary>
    public int[] GroupOf { get; }

    /// <summary>Preview pixels per group (indexed by group = its smallest component).</summary>
    public long[] Area { get; }

    /// <summary>Pixels of each edge (top, bottom, left, right) per group.</summary>
    public long[,] Edge { get; }

    public long PixelCount => (long)Width * Height;

    /// <summary>The edges group g touches (holds at least <see cref="TouchFraction"/> of).</summary>
    public FrameSides Touches(int g)
    {
        var sides = FrameSides.None;
        if (Edge[g, 0] >= TouchFraction * Width) sides |= FrameSides.Top;
        if (Edge[g, 1] >= TouchFraction * Width) sides |= FrameSides.Bottom;
        if (Edge[g, 2] >= TouchFraction * Height) sides |= FrameSides.Left;
        if (Edge[g, 3] >= TouchFraction * Height) sides |= FrameSides.Right;
        return sides;
    }

    /// <summary>The fraction of each edge (top, bottom, left, right) group g holds.</summary>
    public double[] EdgeShares(int g) =>
        [(double)Edge[g, 0] / Width, (double)Edge[g, 1] / Width, (double)Edge[g, 2] / Height, (double)Edge[g, 3] / Height];

    /// <summary>Whether the sides are two edges or more: opposite edges (a colour across the picture) or edges meeting at a corner (scenery filling a corner).</summary>
    public static bool Spans(FrameSides sides) => System.Numerics.BitOperations.PopCount((uint)sides) >= 2;

    /// <summary>Each pixel takes the label most of its 3×3 neighbourhood (inside the map) holds; ties keep its own.</summary>
    private static byte[] Majority(ReadOnlySpan<byte> labels, int width, int height)
    {
        var result = new byte[labels.Length];
        Span<int> seen = stackalloc int[9];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int own = labels[y * width + x], count = 0;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int yy = y + dy;
                    if ((uint)yy >= (uint)height) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int xx = x + dx;
                        if ((uint)xx < (uint)width) seen[count++] = labels[yy * width + xx];
                    }
                }
                int best = own, bestVotes = Votes(seen[..count], own);
                for (int i = 0; i < count; i++)
                {
                    int votes = Votes(seen[..count], seen[i]);
                    if (votes > bestVotes) (best, bestVotes) = (seen[i], votes);
                }
                result[y * width + x] = (byte)best;
            }
        }
        return result;
    }

    private static int Votes(ReadOnlySpan<int> seen, int label)
    {
        int votes = 0;
        foreach (int l in seen) votes += l == label ? 1 : 0;
        return votes;
    }
}
