using Bgmm.Imaging.Streaming;
using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Cli.Synthetic;

/// <summary>
/// Writes a synthetic RGB PNG of any size row by row, without holding the image: three smooth
/// regions of distinct colours (an irregular blob field thresholded twice), each shaded by a gentle
/// gradient, with per-pixel noise, so that it compresses yet has many distinct colours — the input
/// of the streamed-segmentation benchmarks (a gigapixel image is 40 000 × 25 000).
/// </summary>
/// <remarks>
/// The image depends on the size and seed alone: the region field is value noise on a grid fixed
/// relative to the image, and the pixel noise a hash of the pixel's coordinates and the seed.
/// Memory is one row and the writer's buffers.
/// </remarks>
public static class SyntheticLargePng
{
    /// <summary>The three regions' base colours: dark green, sandy brown, sky blue.</summary>
    private static readonly (double R, double G, double B)[] Base = [(40, 90, 45), (190, 150, 100), (120, 170, 225)];

    /// <summary>Writes the image of <paramref name="seed"/> at <paramref name="width"/>×<paramref name="height"/> to <paramref name="output"/>.</summary>
    /// <param name="output">A writable stream; left open.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="seed">Any value; the same size and seed give the same bytes.</param>
    /// <param name="noise">The largest per-channel noise added to each pixel, 0 to 64.</param>
    public static void Write(Stream output, int width, int height, ulong seed, int noise = 3)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(noise, 64);
        var random = new RandomStream(seed);
        var regions = new ValueNoise(random, 6, 4);
        var detail = new ValueNoise(random, 23, 15);
        using var writer = new PngRowWriter(output, width, height, PngRowFormat.Rgb8, leaveOpen: true);
        var row = new byte[width * 3];
        int span = 2 * noise + 1;
        for (int y = 0; y < height; y++)
        {
            double v = (y + 0.5) / height;
            for (int x = 0; x < width; x++)
            {
                double u = (x + 0.5) / width;
                double field = 0.75 * regions.At(u, v) + 0.25 * detail.At(u, v);
                int k = field < 0.42 ? 0 : field < 0.58 ? 1 : 2;
                (double r, double g, double b) = Base[k];
                double shade = 60 * (u - 0.5) + 40 * (v - 0.5);
                ulong hash = Mix(seed ^ ((ulong)(uint)y << 32 | (uint)x));
                row[3 * x] = Channel(r + shade, hash, span, noise);
                row[3 * x + 1] = Channel(g + shade, hash >> 16, span, noise);
                row[3 * x + 2] = Channel(b - shade, hash >> 32, span, noise);
            }
            writer.WriteRow(row);
        }
        writer.Complete();
    }

    private static byte Channel(double value, ulong hash, int span, int noise) =>
        (byte)Math.Clamp((int)value + (int)((hash & 0xFFFF) % (uint)span) - noise, 0, 255);

    /// <summary>SplitMix64's finaliser: a well-mixed 64-bit hash of <paramref name="z"/>.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
