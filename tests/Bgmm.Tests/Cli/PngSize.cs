using Bgmm.Imaging;

namespace Bgmm.Tests.Cli;

internal static class PngSize
{
    /// <summary>Decodes an output PNG with the project's loader and returns its size.</summary>
    public static (int Width, int Height) Of(string path)
    {
        RgbImage image = ImageLoader.Load(path);
        return (image.Width, image.Height);
    }
}
