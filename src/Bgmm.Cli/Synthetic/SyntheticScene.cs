using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Cli.Synthetic;

/// <summary>
/// A photo-like test image made by code: a warm, shaded, textured object (a blob of overlapping
/// ellipses) in front of a cool sky-like background with soft clouds, with sensor-like noise. It is
/// the input of the command line's <c>demo</c>: a two-component fit separates the object from the
/// background. <see cref="ObjectMask"/> is the ground truth.
/// </summary>
/// <remarks>
/// The scene depends on the seed and size alone. It is computed with additions, multiplications,
/// divisions and square roots only — operations IEEE 754 rounds exactly, unlike library exp, log
/// or sin (the noise is a sum of three uniforms rather than a polar or Box–Muller normal) — so a
/// seed gives the same bytes on any machine whose runtime does not fuse multiply-adds on its own
/// (RyuJIT does not).
/// </remarks>
public sealed class SyntheticScene
{
    private readonly bool[] _objectMask;

    private SyntheticScene(RgbImage image, bool[] objectMask)
    {
        Image = image;
        _objectMask = objectMask;
        ObjectPixelCount = objectMask.Count(static inside => inside);
    }

    /// <summary>The 8-bit image.</summary>
    public RgbImage Image { get; }

    /// <summary>For every pixel (row-major), whether it belongs to the object.</summary>
    public ReadOnlySpan<bool> ObjectMask => _objectMask;

    /// <summary>The number of object pixels.</summary>
    public int ObjectPixelCount { get; }

    /// <summary>The smallest accepted width or height.</summary>
    public const int MinSide = 16;

    /// <summary>The largest accepted width or height.</summary>
    public const int MaxSide = 8192;

    /// <summary>Generates the scene of <paramref name="seed"/> at the given size.</summary>
    /// <param name="width">Width in pixels, <see cref="MinSide"/>..<see cref="MaxSide"/>.</param>
    /// <param name="height">Height in pixels, <see cref="MinSide"/>..<see cref="MaxSide"/>.</param>
    /// <param name="seed">Any value; the same seed and size give the same image.</param>
    public static SyntheticScene Generate(int width, int height, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        var random = new RandomStream(seed);

        // The object: overlapping ellipses around the centre, joined as a metaball field (inside
        // where the summed field reaches a threshold), shaded as a smooth solid lit from the upper left.
        double aspect = (double)width / height;
        var blobs = new Ellipse[4];
        double cx0 = 0.5 + 0.1 * (random.NextDouble() - 0.5), cy0 = 0.55 + 0.1 * (random.NextDouble() - 0.5);
        for (int i = 0; i < blobs.Length; i++)
        {
            double spread = i == 0 ? 0 : 0.2;
            double cx = cx0 + spread * (random.NextDouble() - 0.5) * 2 / aspect;
            double cy = cy0 + spread * (random.NextDouble() - 0.5) * 1.4;
            double ry = (i == 0 ? 0.36 : 0.24) * (0.85 + 0.3 * random.NextDouble());
            double rx = ry * (0.75 + 0.6 * random.NextDouble()) / aspect;
            blobs[i] = new Ellipse(cx, cy, rx, ry, i == 0 ? 1.0 : 0.7);
        }
        var body = new Body(blobs, width, height);
        double objectR = 0.86 + 0.1 * random.NextDouble(), objectG = 0.38 + 0.12 * random.NextDouble(), objectB = 0.06 + 0.06 * random.NextDouble();

        var clouds = new ValueNoise(random, 5, 4);
        var cloudDetail = new ValueNoise(random, 11, 8);
        var wisps = new ValueNoise(random, 23, 17);
        var peel = new ValueNoise(random, 48, 36);
        var blotches = new ValueNoise(random, 12, 9);

        // Light from the upper left and in front; the viewer looks straight down the z axis.
        (double lx, double ly, double lz) = Normalize(-0.55, -0.6, 0.58);
        (double hx, double hy, double hz) = Normalize(lx, ly, lz + 1);

        int n = width * height;
        var r = new byte[n];
        var g = new byte[n];
        var b = new byte[n];
        var mask = new bool[n];
        for (int y = 0; y < height; y++)
        {
            double v = (y + 0.5) / height;
            for (int x = 0; x < width; x++)
            {
                double u = (x + 0.5) / width;
                int i = y * width + x;
                double red, green, blue;
                if (body.Inside(u, v))
                {
                    mask[i] = true;
                    (double nx, double ny, double nz) = body.Normal(u, v);
                    double diffuse = Math.Max(0, nx * lx + ny * ly + nz * lz);
                    double specular = Power(Math.Max(0, nx * hx + ny * hy + nz * hz), 24);
                    double texture = 0.07 * (peel.At(u, v) - 0.5) + 0.10 * (blotches.At(u, v) - 0.5);
                    double light = 0.3 + 0.72 * diffuse + texture;
                    red = objectR * light + 0.30 * specular;
                    green = objectG * light + 0.22 * specular;
                    blue = objectB * light + 0.08 * specular;
                }
                else
                {
                    // Sky: deep blue at the top to pale blue near the horizon, soft clouds, darker corners.
                    // Three octaves of noise, so that the grid of any one does not show.
                    double cover = 0.55 * clouds.At(u, v) + 0.3 * cloudDetail.At(u, v) + 0.15 * wisps.At(u, v);
                    double cloud = Math.Clamp((cover - 0.42) * 2.2, 0, 1) * 0.6;
                    double texture = 0.03 * (wisps.At(u, v) - 0.5);
                    double cu = u - 0.5, cv = v - 0.5;
                    double vignette = 1 - 0.4 * (cu * cu + cv * cv);
                    red = ((0.16 + 0.34 * v) * (1 - cloud) + 0.86 * cloud + texture) * vignette;
                    green = ((0.33 + 0.33 * v) * (1 - cloud) + 0.88 * cloud + texture) * vignette;
                    blue = ((0.64 + 0.24 * v) * (1 - cloud) + 0.93 * cloud + texture) * vignette;
                }
                r[i] = Quantize(red + Noise(random));
                g[i] = Quantize(green + Noise(random));
                b[i] = Quantize(blue + Noise(random));
            }
        }
        return new SyntheticScene(RgbImage.FromRgb8(width, height, r, g, b), mask);
    }

    /// <summary>Approximately normal noise of standard deviation 0.015 (a sum of three uniforms).</summary>
    private static double Noise(RandomStream random) =>
        (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2 * 0.015;

    private static (double X, double Y, double Z) Normalize(double x, double y, double z)
    {
        double length = Math.Sqrt(x * x + y * y + z * z);
        return (x / length, y / length, z / length);
    }

    private static double Power(double x, int k)
    {
        double result = 1;
        for (int i = 0; i < k; i++) result *= x;
        return result;
    }

    private static byte Quantize(double value) => (byte)(int)(Math.Clamp(value, 0.0, 1.0) * 255.0 + 0.5);

    private readonly record struct Ellipse(double Cx, double Cy, double Rx, double Ry, double Weight)
    {
        /// <summary>Weight·(1 − d²)² inside the ellipse (d = normalised distance), 0 outside: smooth and bounded.</summary>
        public double Field(double u, double v)
        {
            double dx = (u - Cx) / Rx, dy = (v - Cy) / Ry;
            double rest = 1 - (dx * dx + dy * dy);
            return rest > 0 ? Weight * rest * rest : 0;
        }
    }

    /// <summary>
    /// The object as a height field over the summed field f of the ellipses: inside where
    /// f ≥ <see cref="Threshold"/>, height h = √(1 − threshold/f) (0 at the rim, rising steeply
    /// there like a rounded solid, flat at the top), normals from central differences one pixel apart.
    /// </summary>
    private sealed class Body(Ellipse[] blobs, int width, int height)
    {
        private readonly double _du = 1.0 / width, _dv = 1.0 / height;
        // Heights are in units of the main blob's radius in pixels, so slopes are per pixel.
        private readonly double _radius = blobs[0].Ry * height;

        private double Field(double u, double v)
        {
            double sum = 0;
            foreach (Ellipse e in blobs) sum += e.Field(u, v);
            return sum;
        }

        private const double Threshold = 0.2;

        public bool Inside(double u, double v) => Field(u, v) >= Threshold;

        private double Height(double u, double v)
        {
            double f = Field(u, v);
            return f <= Threshold ? 0 : Math.Sqrt(1 - Threshold / f);
        }

        public (double X, double Y, double Z) Normal(double u, double v)
        {
            double dx = (Height(u + _du, v) - Height(u - _du, v)) / 2 * _radius;
            double dy = (Height(u, v + _dv) - Height(u, v - _dv)) / 2 * _radius;
            return Normalize(-dx, -dy, 1);
        }
    }
}
