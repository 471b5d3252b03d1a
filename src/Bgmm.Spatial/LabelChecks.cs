namespace Bgmm.Spatial;

/// <summary>Argument checks of per-pixel labels, shared by the foreground split and the image encoders.</summary>
internal static class LabelChecks
{
    public static int PixelCount(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"the image is {width}×{height}: both sides must be at least 1 pixel.");
        long n = (long)width * height;
        if (n > Array.MaxLength) throw new ArgumentException($"the image is {width}×{height}, too large to encode.");
        return (int)n;
    }

    /// <summary>Checks that there is one label per pixel and that every label is below <paramref name="components"/>.</summary>
    public static void Labels(ReadOnlySpan<byte> labels, int pixels, int components)
    {
        if (components is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(components), components, "the number of components must be between 1 and 256 (labels are bytes).");
        if (labels.Length != pixels)
            throw new ArgumentException($"there are {labels.Length} labels for {pixels} pixels: give one label per pixel.", nameof(labels));
        if (components == 256) return;
        int bad = labels.IndexOfAnyInRange((byte)components, byte.MaxValue);
        if (bad >= 0)
            throw new ArgumentException($"pixel {bad} has label {labels[bad]}, but there are only {components} components (0..{components - 1}).", nameof(labels));
    }

    public static void Background(ReadOnlySpan<bool> isBackground, int components)
    {
        if (isBackground.Length != components)
            throw new ArgumentException($"isBackground has {isBackground.Length} entries for {components} components: give one per component.", nameof(isBackground));
    }
}
