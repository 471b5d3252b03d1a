namespace Bgmm.Imaging;

/// <summary>
/// Resizes by area averaging: each target pixel is the mean of the source area it covers, with
/// fractional coverage at its edges (a box filter, the right filter for downscaling; integer
/// upscaling repeats pixels exactly and a scale of 1 copies them exactly).
/// </summary>
internal sealed class AreaResampler
{
    private readonly int[] _start;
    private readonly int[] _offset;
    private readonly float[] _weight;

    private AreaResampler(int[] start, int[] offset, float[] weight)
    {
        _start = start;
        _offset = offset;
        _weight = weight;
    }

    /// <summary>The footprints of <paramref name="target"/> pixels on a line of <paramref name="source"/> pixels.</summary>
    public static AreaResampler Create(int source, int target)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 1);
        var start = new int[target];
        var offset = new int[target + 1];
        var weights = new List<float>(source + 2 * target);
        double step = (double)source / target;
        for (int o = 0; o < target; o++)
        {
            double a = o * step, b = o == target - 1 ? source : (o + 1) * step;
            int first = Math.Min((int)Math.Floor(a), source - 1);
            int last = Math.Min((int)Math.Ceiling(b) - 1, source - 1);
            start[o] = first;
            offset[o] = weights.Count;
            double total = b - a;
            for (int i = first; i <= last; i++)
            {
                double covered = Math.Min(b, i + 1) - Math.Max(a, i);
                if (covered > 0) weights.Add((float)(covered / total));
                else weights.Add(0f);
            }
        }
        offset[target] = weights.Count;
        return new AreaResampler(start, offset, [.. weights]);
    }

    public int Target => _start.Length;

    /// <summary>The first source pixel of target pixel <paramref name="o"/>, and the weights of it and the following ones.</summary>
    public int Footprint(int o, out ReadOnlySpan<float> weights)
    {
        weights = _weight.AsSpan(_offset[o], _offset[o + 1] - _offset[o]);
        return _start[o];
    }
}
