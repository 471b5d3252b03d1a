using Bgmm.Imaging;
using Bgmm.Kernels;
using Bgmm.Spatial;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Spatial;

/// <summary>The two-class Potts model of the box cut-out: the site update against a slow reference, and fits of generated scenes.</summary>
public class BoxCutoutTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void ClassSiteUpdate_MatchesSlowReference(double beta)
    {
        // Components 0, 1 are class 0 (background), component 2 class 1; every pixel of column 0 may not take class 1.
        const int width = 9, height = 6, k = 3;
        (Dataset data, _) = SlowMeanField.Image(width, height, 3, 0.05, seed: 3);
        double[][] x = SlowMeanField.Rows(data);
        GaussianMixture theta = SlowMeanField.RandomColourMixture(k, seed: 13);
        byte[] classOf = [0, 0, 1];
        var forbidden = new byte[width * height];
        for (int y = 0; y < height; y++) forbidden[y * width] = 1 << 1;
        using var sweeper = new MeanFieldSource(data, new PottsGrid(width, height, Neighbourhood.Four), k, beta, sweeps: 1, threads: 1, VectorWidths.Best);
        sweeper.Restrict(classOf, forbidden);
        SlowMeanField.FillRandom(sweeper, seed: 3);

        foreach (int n in new[] { 0, 8, 45, 53, 4, 27, 35, 22, 18 })
        {
            float[] q = SlowMeanField.PixelMajor(sweeper);
            // q_nk ∝ π_k N(x_n | θ_k) exp(β Σ_(m~n) Σ_(j: class j = class k) q̃_mj), 0 for a forbidden class.
            var log = new double[k];
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                foreach (int m in SlowMeanField.Neighbours(n, width, height, Neighbourhood.Four))
                {
                    double[] row = SlowMeanField.Row(q, m, k);
                    for (int j = 0; j < k; j++) s += classOf[j] == classOf[c] ? row[j] : 0;
                }
                log[c] = (forbidden[n] >> classOf[c] & 1) != 0
                    ? double.NegativeInfinity
                    : Math.Log(theta.Weights[c]) + theta.Component(c).LogDensity(x[n]) + beta * s;
            }
            double max = log.Max(), sum = log.Sum(l => Math.Exp(l - max));
            sweeper.UpdateSites(theta, beta, [n]);
            var stored = new float[k];
            sweeper.Lattice.GetMarginals(n, stored);
            for (int c = 0; c < k; c++)
            {
                double expected = Math.Exp(log[c] - max) / sum;
                // As ObjectiveTests: float32 storage, half an ulp (2^-24 relative) plus the update's rounding.
                Assert.True(Math.Abs(stored[c] - expected) <= 6.0e-8 * expected + 1e-45, $"site {n}, k = {c}: stored {stored[c]:R}, reference {expected:R}");
            }
        }
    }

    [Fact]
    public void Fit_CutsOutTheObject_KeepsTheOutsideBackground_AndStopsWhenLabelsSettle()
    {
        ForegroundScene scene = ForegroundScene.Generate(96, 72, 2, 3, 0.05, cut: false, seed: 7);
        PixelBox box = BoundingBox(scene, margin: 5);
        BoxCutoutResult r = BoxCutout.Fit(scene.Image.ToDataset(), 96, 72, box, new BoxCutoutOptions());

        double iou = scene.IoU(i => r.Mask[i] == BoxCutout.Foreground);
        Assert.True(iou >= 0.95, $"IoU {iou:F3}");
        for (int y = 0; y < 72; y++)
        {
            for (int x = 0; x < 96; x++)
            {
                if (!box.Contains(x, y)) Assert.Equal(BoxCutout.Background, r.Mask[y * 96 + x]);
            }
        }
        Assert.True(r.Converged && r.Iterations < r.Options.MaxIterations, $"{r.Iterations} iterations");
        Norms.AssertNonDecreasing(r.ObjectiveTrace, 96 * 72);
        Assert.Equal(5, r.Foreground.ComponentCount);
        Assert.Equal(5, r.Background.ComponentCount);
        Assert.Equal(1.0, r.Foreground.Weights.Sum(), 12);
        Assert.All(r.Uncertainty.ToArray(), h => Assert.InRange(h, 0f, (float)Math.Log(2) + 1e-6f));
    }

    [Fact]
    public void Fit_IsBitIdenticalOnAnyThreadCount()
    {
        ForegroundScene scene = ForegroundScene.Generate(80, 60, 1, 2, 0.04, cut: true, seed: 9);
        PixelBox box = BoundingBox(scene, margin: 3);
        BoxCutoutResult one = BoxCutout.Fit(scene.Image.ToDataset(), 80, 60, box, new BoxCutoutOptions { Threads = 1 });
        BoxCutoutResult two = BoxCutout.Fit(scene.Image.ToDataset(), 80, 60, box, new BoxCutoutOptions { Threads = 2 });
        Assert.Equal(one.Mask.ToArray(), two.Mask.ToArray());
        Assert.Equal(one.ObjectiveTrace, two.ObjectiveTrace);
    }

    [Theory]
    [InlineData(-1, 0, 10, 10, "reaches outside")]
    [InlineData(0, 0, 0, 10, "is empty")]
    [InlineData(0, 0, 40, 30, "covers the whole")]
    public void Fit_RefusesABadBox(int x, int y, int w, int h, string message)
    {
        ForegroundScene scene = ForegroundScene.Generate(40, 30, 1, 2, 0.04, cut: false, seed: 1);
        var e = Assert.Throws<ModelInputException>(() => BoxCutout.Fit(scene.Image.ToDataset(), 40, 30, new PixelBox(x, y, w, h), new BoxCutoutOptions()));
        Assert.Contains(message, e.Message);
    }

    /// <summary>The object's bounding box grown by a margin, inside the frame.</summary>
    internal static PixelBox BoundingBox(ForegroundScene scene, int margin)
    {
        int w = scene.Image.Width, h = scene.Image.Height;
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int i = 0; i < scene.Object.Length; i++)
        {
            if (!scene.Object[i]) continue;
            (int x, int y) = (i % w, i / w);
            (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
        }
        x0 = Math.Max(0, x0 - margin);
        y0 = Math.Max(0, y0 - margin);
        x1 = Math.Min(w - 1, x1 + margin);
        y1 = Math.Min(h - 1, y1 + margin);
        return new PixelBox(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }
}
