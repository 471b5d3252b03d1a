namespace Bgmm.Spatial;

/// <summary>
/// The pixel grid of the Potts prior: which pixels are neighbours, each unordered edge once, and
/// the colouring that splits the pixels into classes without internal edges.
/// </summary>
/// <remarks>
/// Pixel (x, y) is index y·width + x (row-major, as <c>RgbImage.ToDataset</c> orders them).
/// Neighbours outside the image are absent (free boundary). Colouring: for 4 neighbours the
/// checkerboard, colour (x + y) mod 2; for 8 neighbours colour (x mod 2) + 2·(y mod 2), so a
/// neighbour at offset (dx, dy) differs in the x-parity bit when dx is odd and in the y-parity bit
/// when dy is odd — every neighbour of a pixel has another colour.
/// </remarks>
internal sealed class PottsGrid
{
    private static readonly (int Dx, int Dy)[] FourOffsets = [(0, -1), (-1, 0), (1, 0), (0, 1)];
    private static readonly (int Dx, int Dy)[] EightOffsets = [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)];
    private static readonly (int Dx, int Dy)[] FourForward = [(1, 0), (0, 1)];
    private static readonly (int Dx, int Dy)[] EightForward = [(1, 0), (-1, 1), (0, 1), (1, 1)];

    public PottsGrid(int width, int height, Neighbourhood neighbourhood)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (neighbourhood is not (Neighbourhood.Four or Neighbourhood.Eight))
            throw new ArgumentOutOfRangeException(nameof(neighbourhood));
        Width = width;
        Height = height;
        Neighbourhood = neighbourhood;
    }

    public int Width { get; }
    public int Height { get; }
    public Neighbourhood Neighbourhood { get; }
    public int PixelCount => Width * Height;

    /// <summary>2 for 4 neighbours (checkerboard), 4 for 8 neighbours.</summary>
    public int ColourCount => Neighbourhood == Neighbourhood.Four ? 2 : 4;

    /// <summary>Offsets of all neighbours, in the fixed order every neighbour sum uses.</summary>
    public ReadOnlySpan<(int Dx, int Dy)> Offsets => Neighbourhood == Neighbourhood.Four ? FourOffsets : EightOffsets;

    /// <summary>Half of <see cref="Offsets"/>: each unordered edge {n, m} is (n, n + offset) for exactly one of these.</summary>
    public ReadOnlySpan<(int Dx, int Dy)> ForwardOffsets => Neighbourhood == Neighbourhood.Four ? FourForward : EightForward;

    public int Colour(int x, int y) => Neighbourhood == Neighbourhood.Four ? (x + y) & 1 : (x & 1) | ((y & 1) << 1);

    /// <summary>Whether row y holds pixels of colour c.</summary>
    public bool RowHasColour(int y, int colour) => Neighbourhood == Neighbourhood.Four || (y & 1) == colour >> 1;

    /// <summary>The smallest x of colour c in row y (a row's pixels of one colour are every second pixel from it).</summary>
    public int FirstX(int y, int colour) => Neighbourhood == Neighbourhood.Four ? (colour + y) & 1 : colour & 1;

    /// <summary>The colour of the neighbour at <paramref name="offset"/> of a pixel of colour c.</summary>
    public int NeighbourColour(int colour, (int Dx, int Dy) offset) => Neighbourhood == Neighbourhood.Four
        ? colour ^ ((offset.Dx + offset.Dy) & 1)
        : colour ^ (offset.Dx & 1) ^ ((offset.Dy & 1) << 1);

    public bool Contains(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height;

    /// <summary>The number of unordered neighbour pairs.</summary>
    public long EdgeCount
    {
        get
        {
            long w = Width, h = Height;
            long edges = (w - 1) * h + w * (h - 1);
            if (Neighbourhood == Neighbourhood.Eight) edges += 2 * (w - 1) * (h - 1);
            return edges;
        }
    }

    /// <summary>Every unordered neighbour pair once, as (n, m) pixel indices with n &lt; m.</summary>
    public IEnumerable<(int N, int M)> Edges()
    {
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                foreach ((int dx, int dy) in ForwardOffsetsArray)
                {
                    int nx = x + dx, ny = y + dy;
                    if (Contains(nx, ny)) yield return (y * Width + x, ny * Width + nx);
                }
            }
        }
    }

    private (int Dx, int Dy)[] ForwardOffsetsArray => Neighbourhood == Neighbourhood.Four ? FourForward : EightForward;
}
