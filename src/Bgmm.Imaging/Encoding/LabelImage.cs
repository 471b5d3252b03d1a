using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>The label map of a segmentation as an 8-bit greyscale PNG.</summary>
public static class LabelImage
{
    /// <summary>
    /// An 8-bit greyscale PNG of <paramref name="width"/>×<paramref name="height"/> in which a
    /// pixel of component k has the value round(k·255/(K − 1)), halves rounded away from zero
    /// (K = 2: 0 and 255; K = 3: 0, 128, 255; K = 1: all 0).
    /// </summary>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="labels">One component index per pixel, row-major (length width·height).</param>
    /// <param name="components">K, 1..256; every label must be below it.</param>
    public static byte[] EncodePng(int width, int height, ReadOnlySpan<byte> labels, int components)
    {
        int n = LabelChecks.PixelCount(width, height);
        LabelChecks.Labels(labels, n, components);
        byte[] level = Levels(components);
        var pixels = GC.AllocateUninitializedArray<byte>(n);
        Map(labels, level, pixels);
        return PngEncoding.Gray8(width, height, pixels);
    }

    /// <summary>pixels[i] = levels[labels[i]]: the grey value of every label (of a row, or of the whole image).</summary>
    internal static void Map(ReadOnlySpan<byte> labels, byte[] levels, Span<byte> pixels)
    {
        for (int i = 0; i < labels.Length; i++) pixels[i] = levels[labels[i]];
    }

    /// <summary>The grey level of each of the K components: round(k·255/(K − 1)), halves away from zero.</summary>
    public static byte[] Levels(int components)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(components, 256);
        var level = new byte[256];
        if (components == 1) return level;
        int q = components - 1;
        // For non-negative values, rounding half away from zero is floor(x + ½) = ⌊(2·255·k + q) / 2q⌋, in integers.
        for (int k = 0; k < components; k++) level[k] = (byte)((2 * 255 * k + q) / (2 * q));
        return level;
    }
}
