using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Cli.Synthetic;

/// <summary>
/// A test image with known segments, for measuring how well a segmentation recovers them: blobby
/// regions of 2 or more classes, each class's pixel colours drawn from its own Gaussian (the classes'
/// colour distributions overlap), plus per-pixel noise of a chosen strength. <see cref="Truth"/>
/// holds every pixel's class.
/// </summary>
/// <remarks>
/// <para><b>Regions.</b> Each class has a smooth random field (value noise: random values on a
/// coarse grid, smoothstep-interpolated, plus a finer octave at a third of the amplitude that makes
/// the boundaries wiggle); a pixel belongs to the class whose field is largest there. The grid's
/// cells are about a quarter of the image's shorter side, so the regions are blobs of that size.</para>
/// <para><b>Colours.</b> The class means sit at distance <see cref="Separation"/> from each other
/// (on a line for 2 classes, a triangle for 3, a random simplex-like spread beyond) around a random
/// mid-range colour; each class draws its pixels from N(mean, Σ_c), Σ_c a random anisotropic
/// covariance of standard deviation about <see cref="ClassSpread"/> per channel, and then every
/// channel gets independent N(0, noise²) noise. The image is quantised to 8 bits (v = round(255·c),
/// clamped). The Bayes error of classifying single pixels by colour alone grows with the noise:
/// roughly 5 % for 3 classes at noise 0.03 and 25 % at 0.07.</para>
/// <para>The image depends on (width, height, classes, noise, seed) alone; normal variates come
/// from <see cref="RandomStream.NextGaussian"/> (polar method).</para>
/// </remarks>
public sealed class SyntheticSegmentation
{
    /// <summary>Distance between the colour means of any two classes (colours in [0, 1]).</summary>
    public const double Separation = 0.16;

    /// <summary>Per-channel standard deviation of a class's own colour distribution, before noise.</summary>
    public const double ClassSpread = 0.03;

    /// <summary>The smallest accepted width or height.</summary>
    public const int MinSide = 1;

    /// <summary>The largest accepted width or height.</summary>
    public const int MaxSide = 8192;

    /// <summary>The largest number of classes.</summary>
    public const int MaxClasses = 8;

    private readonly byte[] _truth;

    private SyntheticSegmentation(RgbImage image, byte[] truth, int classes, double noise, double[][] means)
    {
        Image = image;
        _truth = truth;
        Classes = classes;
        Noise = noise;
        ClassMeans = means;
    }

    /// <summary>The 8-bit image.</summary>
    public RgbImage Image { get; }

    /// <summary>Every pixel's class (0 … <see cref="Classes"/> − 1), row-major like the image's planes.</summary>
    public ReadOnlySpan<byte> Truth => _truth;

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>The per-channel noise standard deviation the image was made with.</summary>
    public double Noise { get; }

    /// <summary>Each class's mean colour (R, G, B in [0, 1]) before noise and quantisation.</summary>
    public IReadOnlyList<double[]> ClassMeans { get; }

    /// <summary>Generates an image with known segments.</summary>
    /// <param name="width">Width, <see cref="MinSide"/>..<see cref="MaxSide"/>.</param>
    /// <param name="height">Height, <see cref="MinSide"/>..<see cref="MaxSide"/>.</param>
    /// <param name="classes">Number of classes, 2..<see cref="MaxClasses"/>.</param>
    /// <param name="noise">Per-channel noise standard deviation in [0, 1] units (e.g. 0.03 light, 0.07 heavy).</param>
    /// <param name="seed">Any value; the same arguments give the same image.</param>
    public static SyntheticSegmentation Generate(int width, int height, int classes, double noise, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, MaxClasses);
        if (!double.IsFinite(noise) || noise < 0 || noise > 1)
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a standard deviation in [0, 1].");

        var random = new RandomStream(seed);
        double cell = Math.Min(width, height) / 4.0;
        int columns = Math.Max(2, (int)Math.Round(width / cell)), rows = Math.Max(2, (int)Math.Round(height / cell));
        var coarse = new ValueNoise[classes];
        var fine = new ValueNoise[classes];
        for (int c = 0; c < classes; c++)
        {
            coarse[c] = new ValueNoise(random, columns, rows);
            fine[c] = new ValueNoise(random, 3 * columns, 3 * rows);
        }

        double[][] means = ClassMeanColours(random, classes);
        var spread = new double[classes][];
        for (int c = 0; c < classes; c++) spread[c] = RandomCovarianceFactor(random);

        int n = width * height;
        var truth = new byte[n];
        var r = new byte[n];
        var g = new byte[n];
        var b = new byte[n];
        Span<double> z = stackalloc double[3];
        for (int y = 0; y < height; y++)
        {
            double v = (y + 0.5) / height;
            for (int x = 0; x < width; x++)
            {
                double u = (x + 0.5) / width;
                int best = 0;
                double top = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    double f = coarse[c].At(u, v) + fine[c].At(u, v) / 3;
                    if (f > top)
                    {
                        top = f;
                        best = c;
                    }
                }
                int i = y * width + x;
                truth[i] = (byte)best;
                for (int j = 0; j < 3; j++) z[j] = random.NextGaussian();
                double[] l = spread[best], m = means[best];
                // Class colour m + L z (L lower triangular), then independent noise per channel.
                double red = m[0] + l[0] * z[0] + noise * random.NextGaussian();
                double green = m[1] + l[3] * z[0] + l[4] * z[1] + noise * random.NextGaussian();
                double blue = m[2] + l[6] * z[0] + l[7] * z[1] + l[8] * z[2] + noise * random.NextGaussian();
                r[i] = Quantize(red);
                g[i] = Quantize(green);
                b[i] = Quantize(blue);
            }
        }
        return new SyntheticSegmentation(RgbImage.FromRgb8(width, height, r, g, b), truth, classes, noise, means);
    }

    /// <summary>
    /// Means at pairwise distance <see cref="Separation"/> for 2 and 3 classes (a segment, an
    /// equilateral triangle in a random plane); beyond, random points at distance ≥ Separation from
    /// each other, drawn by rejection. Centred on a random colour in [0.35, 0.65]³.
    /// </summary>
    private static double[][] ClassMeanColours(RandomStream random, int classes)
    {
        double[] centre = [0.35 + 0.3 * random.NextDouble(), 0.35 + 0.3 * random.NextDouble(), 0.35 + 0.3 * random.NextDouble()];
        double[] a = UnitVector(random);
        double[] b = UnitVector(random);
        // Gram–Schmidt: b ⟂ a.
        double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        for (int j = 0; j < 3; j++) b[j] -= dot * a[j];
        double norm = Math.Sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        for (int j = 0; j < 3; j++) b[j] /= norm;

        var means = new double[classes][];
        if (classes == 2)
        {
            means[0] = [.. Enumerable.Range(0, 3).Select(j => centre[j] - Separation / 2 * a[j])];
            means[1] = [.. Enumerable.Range(0, 3).Select(j => centre[j] + Separation / 2 * a[j])];
            return means;
        }
        // Equilateral triangle of side s: circumradius s/√3.
        double radius = Separation / Math.Sqrt(3);
        (double Cos, double Sin)[] corners = [(1, 0), (-0.5, Math.Sqrt(3) / 2), (-0.5, -Math.Sqrt(3) / 2)];
        for (int c = 0; c < Math.Min(classes, 3); c++)
            means[c] = [.. Enumerable.Range(0, 3).Select(j => centre[j] + radius * (corners[c].Cos * a[j] + corners[c].Sin * b[j]))];
        for (int c = 3; c < classes; c++)
        {
            while (true)
            {
                double[] candidate = [.. Enumerable.Range(0, 3).Select(j => centre[j] + 2 * Separation * (random.NextDouble() - 0.5))];
                bool apart = true;
                for (int o = 0; o < c; o++)
                {
                    double d2 = 0;
                    for (int j = 0; j < 3; j++) d2 += (candidate[j] - means[o][j]) * (candidate[j] - means[o][j]);
                    apart &= d2 >= Separation * Separation;
                }
                if (apart)
                {
                    means[c] = candidate;
                    break;
                }
            }
        }
        return means;
    }

    private static double[] UnitVector(RandomStream random)
    {
        while (true)
        {
            double[] v = [random.NextGaussian(), random.NextGaussian(), random.NextGaussian()];
            double norm = Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            if (norm > 1e-3) return [v[0] / norm, v[1] / norm, v[2] / norm];
        }
    }

    /// <summary>
    /// A lower-triangular L (3×3 row-major) with L Lᵀ anisotropic and of average per-channel standard
    /// deviation about <see cref="ClassSpread"/>: diagonal in [0.6, 1.4]·spread, off-diagonal ±0.4·spread.
    /// </summary>
    private static double[] RandomCovarianceFactor(RandomStream random)
    {
        var l = new double[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < i; j++) l[i * 3 + j] = ClassSpread * 0.8 * (random.NextDouble() - 0.5);
            l[i * 3 + i] = ClassSpread * (0.6 + 0.8 * random.NextDouble());
        }
        return l;
    }

    private static byte Quantize(double value) => (byte)(int)(Math.Clamp(value, 0.0, 1.0) * 255.0 + 0.5);
}
