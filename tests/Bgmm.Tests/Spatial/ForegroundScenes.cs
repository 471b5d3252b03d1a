using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Tests.Spatial;

/// <summary>
/// Generated scenes with a known object mask for the foreground split: a background of 2–4 flat colours in
/// bands that run across the frame (tilted up to 25°, with wavy edges, horizontal or vertical, each band at
/// least 20 % of the frame thick at both ends), and an object of 1–3 flat colours — a body ellipse, a head
/// ellipse overlapping it, a spot inside the body — covering 5–20 % of the frame, which a third of the
/// scenes push past an edge so that the frame cuts up to ~40 % of it off. Every object colour is at least
/// <see cref="ObjectGap"/> from every background colour (Euclidean, RGB in [0, 1]); colours of one side are
/// at least <see cref="SideGap"/> apart. Gaussian noise of σ (≤ 0.06) per channel, clamped, 8-bit.
/// </summary>
internal sealed record ForegroundScene(RgbImage Image, bool[] Object, int[] Classes, int ObjectColours, int BackgroundColours, double Sigma, bool Cut)
{
    public const double ObjectGap = 0.35;
    public const double SideGap = 0.25;

    /// <summary>The thinnest band, as a fraction of the frame across the bands (waves take up to 2 % of it).</summary>
    public const double MinBand = 0.2;

    public int Colours => ObjectColours + BackgroundColours;

    public static ForegroundScene Generate(int width, int height, int objectColours, int backgroundColours, double sigma, bool cut, ulong seed)
    {
        var random = new RandomStream(seed, 15);
        (double[][] objectRgb, double[][] backgroundRgb) = Palette(random, objectColours, backgroundColours);
        int n = width * height;
        var classOf = new int[n];
        var isObject = new bool[n];

        // Background bands: boundaries t_i(s) across the frame along coordinate s, positions along the other.
        bool vertical = random.NextDouble() < 0.5;
        int across = vertical ? width : height, along = vertical ? height : width;
        double slope = Math.Tan((random.NextDouble() * 2 - 1) * 25 * Math.PI / 180);
        var centres = new double[backgroundColours - 1];
        double room = 1.0 - MinBand * backgroundColours;
        var cuts = Enumerable.Range(0, backgroundColours - 1).Select(_ => random.NextDouble() * room).Order().ToArray();
        for (int i = 0; i < centres.Length; i++) centres[i] = (MinBand * (i + 1) + cuts[i]) * across;
        var wave = Enumerable.Range(0, centres.Length).Select(_ => (A: 0.02 * across * random.NextDouble(), F: 1 + 2 * random.NextDouble(), P: 6.283 * random.NextDouble())).ToArray();
        int[] order = [.. Enumerable.Range(0, backgroundColours).OrderBy(_ => random.NextDouble())];
        // The tilt moves the outer bands' ends only (every boundary moves alike): keep them ≥ MinBand thick.
        double spare = Math.Min(centres[0], across - centres[^1]) - MinBand * across;
        double limit = Math.Max(0, spare) / (0.5 * along);
        slope = Math.Clamp(slope, -limit, limit);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double s = vertical ? y : x, t = vertical ? x : y;
                int band = 0;
                for (int i = 0; i < centres.Length; i++)
                {
                    double boundary = centres[i] + slope * (s - along / 2.0) + wave[i].A * Math.Sin(wave[i].F * 6.283 * s / along + wave[i].P);
                    if (t >= boundary) band = i + 1;
                }
                classOf[y * width + x] = objectColours + order[band];
            }
        }

        // The object: body, head, spot (as many as it has colours), in frame units.
        double area = 0.05 + 0.15 * random.NextDouble();
        double aspect = 0.6 + 0.8 * random.NextDouble();
        double ry = Math.Sqrt(area * width * height / Math.PI / aspect) * (objectColours > 1 ? 0.85 : 1), rx = ry * aspect;
        double cx = width * (0.3 + 0.4 * random.NextDouble()), cy = height * (0.3 + 0.4 * random.NextDouble());
        if (cut)
        {
            // The frame cuts the object on an edge the bands run along (an animal cut off by the bottom of the
            // picture): an object cut on an edge the bands end at would hide those ends (docs/segmentation.md).
            int side = (vertical ? 0 : 2) + (random.NextDouble() < 0.5 ? 0 : 1);
            double outside = 0.2 + 0.2 * random.NextDouble();   // of the body's diameter
            if (side == 0) cx = rx - 2 * rx * outside;
            else if (side == 1) cx = width - rx + 2 * rx * outside;
            else if (side == 2) cy = ry - 2 * ry * outside;
            else cy = height - ry + 2 * ry * outside;
        }
        double angle = random.NextDouble() * 6.283;
        (double hx, double hy, double hr) = (cx + 0.95 * rx * Math.Cos(angle), cy + 0.95 * ry * Math.Sin(angle), 0.55 * Math.Min(rx, ry));
        (double sx, double sy, double sr) = (cx - 0.3 * rx * Math.Cos(angle), cy - 0.3 * ry * Math.Sin(angle), 0.4 * Math.Min(rx, ry));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                int c = -1;
                if (Sq((px - cx) / rx) + Sq((py - cy) / ry) <= 1) c = 0;
                if (objectColours >= 2 && Sq(px - hx) + Sq(py - hy) <= hr * hr) c = 1;
                if (objectColours >= 3 && c == 0 && Sq(px - sx) + Sq(py - sy) <= sr * sr) c = 2;
                if (objectColours == 1 && c < 0 && Sq(px - hx) + Sq(py - hy) <= hr * hr) c = 0;
                if (c < 0) continue;
                classOf[y * width + x] = c;
                isObject[y * width + x] = true;
            }
        }

        var r = new byte[n];
        var g = new byte[n];
        var b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            double[] rgb = classOf[i] < objectColours ? objectRgb[classOf[i]] : backgroundRgb[classOf[i] - objectColours];
            r[i] = Quantize(rgb[0] + sigma * random.NextGaussian());
            g[i] = Quantize(rgb[1] + sigma * random.NextGaussian());
            b[i] = Quantize(rgb[2] + sigma * random.NextGaussian());
        }
        return new ForegroundScene(RgbImage.FromRgb8(width, height, r, g, b), isObject, classOf, objectColours, backgroundColours, sigma, cut);
    }

    /// <summary>
    /// Whether a segmentation found the scene's colours: each true colour's pixels mostly (≥ 90 %) carry one
    /// label, and no two colours share it. A split of components cannot undo a fit that merged two colours.
    /// </summary>
    public bool ColoursFound(ReadOnlySpan<byte> labels)
    {
        var majority = new HashSet<int>();
        for (int c = 0; c < Colours; c++)
        {
            var counts = new Dictionary<int, int>();
            int total = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                if (Classes[i] != c) continue;
                counts[labels[i]] = counts.GetValueOrDefault(labels[i]) + 1;
                total++;
            }
            if (total == 0) continue;
            (int label, int count) = counts.MaxBy(p => p.Value) is var best ? (best.Key, best.Value) : default;
            if (count < 0.9 * total || !majority.Add(label)) return false;
        }
        return true;
    }

    /// <summary>Mask IoU of a predicted foreground against the object.</summary>
    public double IoU(Func<int, bool> isForeground)
    {
        long both = 0, either = 0;
        for (int i = 0; i < Object.Length; i++)
        {
            bool f = isForeground(i);
            both += f && Object[i] ? 1 : 0;
            either += f || Object[i] ? 1 : 0;
        }
        return either == 0 ? 1 : (double)both / either;
    }

    private static (double[][] Object, double[][] Background) Palette(RandomStream random, int objectColours, int backgroundColours)
    {
        while (true)
        {
            double[][] o = [.. Enumerable.Range(0, objectColours).Select(_ => Colour(random))];
            double[][] bg = [.. Enumerable.Range(0, backgroundColours).Select(_ => Colour(random))];
            bool ok = o.All(a => bg.All(c => Distance(a, c) >= ObjectGap))
                && Pairs(o).All(p => Distance(p.A, p.B) >= SideGap) && Pairs(bg).All(p => Distance(p.A, p.B) >= SideGap);
            if (ok) return (o, bg);
        }
    }

    private static double[] Colour(RandomStream random) => [0.1 + 0.8 * random.NextDouble(), 0.1 + 0.8 * random.NextDouble(), 0.1 + 0.8 * random.NextDouble()];

    private static IEnumerable<(double[] A, double[] B)> Pairs(double[][] colours) =>
        from i in Enumerable.Range(0, colours.Length) from j in Enumerable.Range(i + 1, colours.Length - i - 1) select (colours[i], colours[j]);

    private static double Distance(double[] a, double[] b) => Math.Sqrt(Sq(a[0] - b[0]) + Sq(a[1] - b[1]) + Sq(a[2] - b[2]));

    private static double Sq(double x) => x * x;

    private static byte Quantize(double value) => (byte)(int)(Math.Clamp(value, 0.0, 1.0) * 255.0 + 0.5);
}
