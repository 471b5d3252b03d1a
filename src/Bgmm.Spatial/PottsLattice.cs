namespace Bgmm.Spatial;

/// <summary>
/// The pixel grid of the Potts prior stored by colour: the four sub-lattices of pixels with the same
/// parities (x mod 2, y mod 2), each a dense grid of half the width and height. A colour class of the
/// site updates (<see cref="PottsGrid"/>: the checkerboard for 4 neighbours, a parity class for 8) is
/// one or two whole sub-lattices, and a site's neighbours in any direction are one row of another
/// sub-lattice, shifted by at most one: every access of a sweep is a contiguous vector.
/// </summary>
/// <remarks>
/// Sub-lattice s = a + 2b holds the pixels (2i + a, 2j + b), w_a = ⌈(W − a)/2⌉ by h_b = ⌈(H − b)/2⌉.
/// q is one float array: for each component, for each sub-lattice, a plane of h_b + 2 rows of
/// <see cref="RowStride"/> floats whose valid sites sit at rows 1 … h_b and columns
/// <see cref="Pad"/> … Pad + w_a − 1. Everything else is 0 and stays 0, so a neighbour outside the image
/// contributes exactly 0 to every sum, with no branch. The pixels themselves are copied once into the
/// same order (<see cref="PixelOrder"/>, sub-lattice by sub-lattice, row by row), padded at the end so
/// that a vector load past the last site stays in bounds.
/// </remarks>
internal sealed class PottsLattice
{
    /// <summary>Zero floats before each row's first site (one is needed for the left neighbour; 16 keep 64-byte alignment).</summary>
    public const int Pad = 16;

    /// <summary>Extra sites after the last one in the pixel copy, and zero floats after each row's last site: at least one vector of the widest width.</summary>
    public const int Slack = 16;

    public PottsLattice(PottsGrid grid, int components)
    {
        Grid = grid;
        ComponentCount = components;
        int width = grid.Width, height = grid.Height;
        for (int s = 0; s < 4; s++)
        {
            SubWidth[s] = (width - (s & 1) + 1) >> 1;
            SubHeight[s] = (height - (s >> 1) + 1) >> 1;
        }
        RowStride = (Pad + SubWidth[0] + Slack + 15) & ~15;
        _planeOffset = new long[4 * components];
        long offset = 0, sites = 0;
        for (int k = 0; k < components; k++)
        {
            for (int s = 0; s < 4; s++)
            {
                _planeOffset[k * 4 + s] = offset;
                offset += (long)(SubHeight[s] + 2) * RowStride;
            }
        }
        for (int s = 0; s < 4; s++)
        {
            SiteStart[s] = (int)sites;
            sites += (long)SubWidth[s] * SubHeight[s];
        }
        if (offset > Array.MaxLength) throw new OverflowException("q does not fit in one array.");
        Marginals = new float[offset];
        PixelOrder = new int[sites + Slack];
        for (int s = 0; s < 4; s++)
        {
            int a = s & 1, b = s >> 1, at = SiteStart[s];
            for (int j = 0; j < SubHeight[s]; j++)
            {
                for (int i = 0; i < SubWidth[s]; i++) PixelOrder[at++] = (2 * j + b) * width + 2 * i + a;
            }
        }
    }

    /// <summary>The floats q takes for a W×H image and K components (for the fitter's validation and memory estimate).</summary>
    public static long Floats(int width, int height, int components)
    {
        long stride = (Pad + ((width + 1) >> 1) + Slack + 15) & ~15;
        long rows = ((height + 1) >> 1) + 2 + (height >> 1) + 2;
        return components * 2 * rows * stride;
    }

    public PottsGrid Grid { get; }

    public int ComponentCount { get; }

    /// <summary>w of each sub-lattice.</summary>
    public int[] SubWidth { get; } = new int[4];

    /// <summary>h of each sub-lattice.</summary>
    public int[] SubHeight { get; } = new int[4];

    /// <summary>Floats per row of every plane of q.</summary>
    public int RowStride { get; }

    /// <summary>q: K × 4 padded planes.</summary>
    public float[] Marginals { get; }

    /// <summary>The pixel index of each site in sub-lattice order, then <see cref="Slack"/> copies of pixel 0.</summary>
    public int[] PixelOrder { get; }

    /// <summary>Where each sub-lattice's sites start in <see cref="PixelOrder"/>.</summary>
    public int[] SiteStart { get; } = new int[4];

    private readonly long[] _planeOffset;

    /// <summary>Where q of component k, sub-lattice s, row j's first site is.</summary>
    public long RowOffset(int k, int s, int j) => _planeOffset[k * 4 + s] + (long)(j + 1) * RowStride + Pad;

    /// <summary>The sub-lattice, column and row of a pixel.</summary>
    public (int Sub, int I, int J) SiteOf(int pixel)
    {
        int x = pixel % Grid.Width, y = pixel / Grid.Width;
        return ((x & 1) + 2 * (y & 1), x >> 1, y >> 1);
    }

    /// <summary>The colour class of sub-lattice s (<see cref="PottsGrid.Colour"/> of its pixels).</summary>
    public int Colour(int s) => Grid.Neighbourhood == Neighbourhood.Four ? ((s & 1) + (s >> 1)) & 1 : s;

    /// <summary>The sub-lattices of colour c.</summary>
    public IEnumerable<int> SubLattices(int colour)
    {
        for (int s = 0; s < 4; s++)
        {
            if (Colour(s) == colour && SubWidth[s] > 0 && SubHeight[s] > 0) yield return s;
        }
    }

    /// <summary>The neighbour of the sites of sub-lattice s at <paramref name="offset"/>: its sub-lattice, and the row and column shift.</summary>
    public static (int Sub, int Dj, int Di) Neighbour(int s, (int Dx, int Dy) offset)
    {
        int a = s & 1, b = s >> 1;
        return (((a + offset.Dx) & 1) + 2 * ((b + offset.Dy) & 1), (b + offset.Dy) >> 1, (a + offset.Dx) >> 1);
    }

    /// <summary>
    /// The class of each component when the Potts prior is on classes of components (<see cref="Restrict"/>), else
    /// null: then a site's neighbour sum for component k is Σ_m Σ_(j in k's class) q̃_mj.
    /// </summary>
    public byte[]? ClassOf { get; private set; }

    /// <summary>Per site (in <see cref="PixelOrder"/>'s order): a bit mask of the classes the site may not take, or null.</summary>
    public byte[]? Forbidden { get; private set; }

    /// <summary>
    /// Puts the Potts prior on classes of components (at most 8) and clamps pixels out of classes: pixel n may
    /// take no component of class c where bit c of <paramref name="forbiddenByPixel"/>[n] is set.
    /// </summary>
    public void Restrict(byte[] classOf, ReadOnlySpan<byte> forbiddenByPixel)
    {
        if (classOf.Length != ComponentCount) throw new ArgumentException("one class per component.", nameof(classOf));
        if (classOf.Any(c => c >= 8)) throw new ArgumentException("at most 8 classes.", nameof(classOf));
        var forbidden = new byte[PixelOrder.Length];
        int sites = PixelOrder.Length - Slack;
        for (int site = 0; site < sites; site++) forbidden[site] = forbiddenByPixel[PixelOrder[site]];
        ClassOf = classOf;
        Forbidden = forbidden;
    }

    /// <summary>q of one pixel, all K values as stored.</summary>
    public void GetMarginals(int pixel, Span<float> destination)
    {
        (int s, int i, int j) = SiteOf(pixel);
        for (int k = 0; k < ComponentCount; k++) destination[k] = Marginals[RowOffset(k, s, j) + i];
    }

    /// <summary>Sets q of one pixel (for tests).</summary>
    public void SetMarginals(int pixel, ReadOnlySpan<float> values)
    {
        (int s, int i, int j) = SiteOf(pixel);
        for (int k = 0; k < ComponentCount; k++) Marginals[RowOffset(k, s, j) + i] = values[k];
    }
}
