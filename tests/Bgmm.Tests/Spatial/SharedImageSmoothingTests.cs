using Bgmm.Imaging;
using Bgmm.Spatial;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Spatial;

/// <summary>Smoothing on a study image (skipped where ../shared is absent).</summary>
public class SharedImageSmoothingTests
{
    [Fact]
    public void Owl_CombinedTraceNeverDecreases_AndSmoothingRemovesIsolatedPixels()
    {
        RgbImage image = ImageLoader.Load(SharedFiles.RequireShared("images", "owl.png"));
        MixturePrior prior = SlowMeanField.ImagePrior;
        Dataset pixels = image.ToDataset();
        FitResult independent = MapEmFitter.Fit(image.ToCompressedDataset(), prior, new FitOptions(2));
        SmoothedFitResult smooth = MeanFieldEmFitter.Fit(pixels, image.Width, image.Height, independent.Mixture, prior,
            new SmoothingOptions { Beta = SmoothingOptions.RecommendedBeta });

        // The trace the command line plots: L of the independent phase, then F.
        double[] combined = [.. independent.LogJointTrace, .. smooth.ObjectiveTrace];
        Norms.AssertNonDecreasing(combined, pixels.Count);
        Assert.True(smooth.Converged);

        byte[] before = [.. independent.Mixture.Predict(pixels).Select(l => (byte)l)];
        int changed = 0;
        for (int n = 0; n < before.Length; n++) changed += before[n] == smooth.Labels[n] ? 0 : 1;
        // The segmentation stays the same but for its speckle: under 2 % of the pixels change,
        // and pixels unlike all four neighbours (0.04 % of the independent labels) all but vanish.
        Assert.InRange(changed, 1, before.Length / 50);
        Assert.True(Isolated(smooth.Labels, image.Width, image.Height) * 4 < Isolated(before, image.Width, image.Height));
    }

    private static int Isolated(ReadOnlySpan<byte> labels, int width, int height)
    {
        int count = 0;
        for (int y = 1; y < height - 1; y++)
        {
            for (int x = 1; x < width - 1; x++)
            {
                int n = y * width + x;
                byte l = labels[n];
                if (labels[n - 1] != l && labels[n + 1] != l && labels[n - width] != l && labels[n + width] != l) count++;
            }
        }
        return count;
    }
}
