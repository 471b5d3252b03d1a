using Bgmm.Imaging.Streaming;
using Bgmm.Spatial;

namespace Bgmm.Imaging;

/// <summary>
/// Estimates of the memory a segmentation takes, from the image's header alone, so that a caller can
/// choose between the in-memory and the streamed pipeline, or refuse, before decoding any pixel.
/// </summary>
public static class SegmentationMemory
{
    /// <summary>Bytes per pixel an in-memory segmentation of an 8-bit image takes (decoding, the fit, labels, uncertainty, the encoders' buffers).</summary>
    public const int InMemoryBytesPerPixel8 = 30;

    /// <summary>As <see cref="InMemoryBytesPerPixel8"/>, for a 16-bit image (whose values are fitted as doubles).</summary>
    public const int InMemoryBytesPerPixel16 = 64;

    /// <summary>The memory of <see cref="ImageSegmenter.Segment"/> without smoothing, and of writing its outputs, in bytes.</summary>
    public static long InMemory(ImageHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.PixelCount * (header.BitsPerChannel == 16 ? InMemoryBytesPerPixel16 : InMemoryBytesPerPixel8);
    }

    /// <summary>
    /// The memory of <see cref="ImageSegmenter.Segment"/> with the Potts smoothing at up to
    /// <paramref name="components"/> components: <see cref="InMemory"/> plus what the smoothing adds
    /// (<see cref="MeanFieldEmFitter.EstimateMemory"/>: q, K float32 per pixel, and the pixels in the sweeps' order),
    /// plus the pixel dataset it needs beside the colour table.
    /// </summary>
    public static long WithSmoothing(ImageHeader header, int components)
    {
        ArgumentNullException.ThrowIfNull(header);
        int bytesPerCoordinate = header.BitsPerChannel == 16 ? sizeof(double) : sizeof(byte);
        long pixels = header.BitsPerChannel == 16 ? header.PixelCount * 3 * sizeof(double) : 0;
        return InMemory(header) + pixels + MeanFieldEmFitter.EstimateMemory(header.Width, header.Height, components, bytesPerCoordinate, 3);
    }

    /// <summary>
    /// The memory this process may still take: the system's available memory (MemAvailable of
    /// /proc/meminfo, where there is one), at most what the runtime may use (a container's limit).
    /// </summary>
    public static long Available()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], out long kib)) return Math.Min(limit, kib * 1024);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (not Linux): the runtime's figure alone.
        }
        return limit;
    }
}
