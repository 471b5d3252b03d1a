using Bgmm.Kernels;
using Bgmm.Numerics;
using Bgmm.Spatial;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Spatial;

/// <summary>F and the site update of SPEC §6 against the slow reference.</summary>
public class ObjectiveTests
{
    public static TheoryData<Neighbourhood, double, int> Cases => new()
    {
        { Neighbourhood.Four, 0.0, 1 }, { Neighbourhood.Four, 0.7, 1 }, { Neighbourhood.Four, 3.0, 2 },
        { Neighbourhood.Eight, 0.7, 1 }, { Neighbourhood.Eight, 2.0, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ObjectiveTrace_EveryEntryIsFOfThatIterationsQAndTheta(Neighbourhood neighbourhood, double beta, int sweeps)
    {
        // 7×5, K = 3, from a random mixture: the fit run for t iterations ends at (q_t, θ_t), whose F
        // the slow reference recomputes. The kernel's F (summed during the last sweep) must agree.
        (Dataset data, _) = SlowMeanField.Image(7, 5, 3, 0.05, seed: 3);
        double[][] x = SlowMeanField.Rows(data);
        GaussianMixture start = SlowMeanField.RandomColourMixture(3, seed: 4);
        MixturePrior prior = SlowMeanField.ImagePrior;
        for (int t = 0; t <= 3; t++)
        {
            SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 7, 5, start, prior,
                new SmoothingOptions { Beta = beta, Neighbours = neighbourhood, Sweeps = sweeps, MaxIterations = t, Tolerance = 0 });
            double expected = SlowMeanField.Objective(x, 7, 5, SlowMeanField.PixelMajor(fit), fit.Mixture, prior, beta, neighbourhood);
            // 1e-12: the same sums in other orders, log-densities by Cholesky factors vs Gauss–Jordan
            // inverses, and F at q̃ read by a series for 1/Σq vs division (~1e-16 relative per term).
            Assert.True(Norms.Relative(fit.ObjectiveTrace[t], expected) < 1e-12,
                $"t = {t}: F = {fit.ObjectiveTrace[t]:R}, reference {expected:R}");
        }
    }

    [Theory]
    [InlineData(1, 1, Neighbourhood.Four)]
    [InlineData(1, 6, Neighbourhood.Four)]
    [InlineData(6, 1, Neighbourhood.Eight)]
    [InlineData(2, 2, Neighbourhood.Eight)]
    [InlineData(3, 9, Neighbourhood.Eight)]
    [InlineData(300, 2, Neighbourhood.Four)]
    public void ObjectiveTrace_MatchesSlowReference_OnDegenerateShapes(int width, int height, Neighbourhood neighbourhood)
    {
        // Single rows and columns, one pixel, and a row longer than a block of the kernel.
        int k = Math.Min(2, width * height);
        (Dataset data, _) = SlowMeanField.Image(width, height, 2, 0.05, seed: 5);
        double[][] x = SlowMeanField.Rows(data);
        GaussianMixture start = SlowMeanField.RandomColourMixture(k, seed: 6);
        SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, width, height, start, SlowMeanField.ImagePrior,
            new SmoothingOptions { Beta = 1.5, Neighbours = neighbourhood, MaxIterations = 2, Tolerance = 0 });
        double expected = SlowMeanField.Objective(x, width, height, SlowMeanField.PixelMajor(fit), fit.Mixture,
            SlowMeanField.ImagePrior, 1.5, neighbourhood);
        Assert.True(Norms.Relative(fit.Objective, expected) < 1e-12, $"F = {fit.Objective:R}, reference {expected:R}");
        Norms.AssertNonDecreasing(fit.ObjectiveTrace, width * height);
    }

    [Fact]
    public void EmptyComponentWithAlphaOne_StaysEmpty_AndFIsFinite()
    {
        // α = 1 allows a weight of exactly 0: its log π is −∞, its q is 0, and 0·(−∞) counts as 0.
        (Dataset data, _) = SlowMeanField.Image(16, 12, 2, 0.05, seed: 7);
        MixturePrior prior = MixturePrior.Create(3, alpha: 1, nu0: 4);
        GaussianMixture random = SlowMeanField.RandomColourMixture(3, seed: 8);
        var start = new GaussianMixture([0.6, 0.4, 0.0], random.Means, random.Covariances);
        SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 16, 12, start, prior,
            new SmoothingOptions { Beta = 1, MaxIterations = 5, Tolerance = 0 });
        Assert.All(fit.ObjectiveTrace, v => Assert.True(double.IsFinite(v)));
        Norms.AssertNonDecreasing(fit.ObjectiveTrace, 192);
        // The start's empty component stays empty (another may empty too: the random means are far
        // from some of the data).
        Assert.Contains(2, fit.EmptyComponents);
        Assert.Equal(0.0, fit.Mixture.Weights[2]);
        Assert.True(fit.Marginal(2).ToArray().All(q => q == 0));
        foreach (int k in fit.EmptyComponents) Assert.True(fit.Mixture.Weights[k] <= 1e-12);
        double expected = SlowMeanField.Objective(SlowMeanField.Rows(data), 16, 12, SlowMeanField.PixelMajor(fit), fit.Mixture, prior, 1, Neighbourhood.Four);
        Assert.True(Norms.Relative(fit.Objective, expected) < 1e-12);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SiteUpdate_MatchesSlowReference(Neighbourhood neighbourhood, double beta, int seed)
    {
        (Dataset data, _) = SlowMeanField.Image(9, 6, 3, 0.05, seed: (ulong)seed);
        double[][] x = SlowMeanField.Rows(data);
        GaussianMixture theta = SlowMeanField.RandomColourMixture(3, seed: (ulong)seed + 10);
        using var sweeper = new MeanFieldSource(data, new PottsGrid(9, 6, neighbourhood), 3, beta, sweeps: 1, threads: 1, VectorWidths.Best);
        SlowMeanField.FillRandom(sweeper, seed: (ulong)seed);

        // Corners, edges and interior sites.
        foreach (int n in new[] { 0, 8, 45, 53, 4, 27, 35, 22 })
        {
            double[] expected = SlowMeanField.SiteUpdate(x, 9, 6, SlowMeanField.PixelMajor(sweeper), theta, beta, neighbourhood, n);
            sweeper.UpdateSites(theta, beta, [n]);
            var stored = new float[3];
            sweeper.Lattice.GetMarginals(n, stored);
            for (int c = 0; c < 3; c++)
            {

                // The stored value is the float32 rounding of the double update: half a float ulp
                // (2^-24 relative) plus the update's own rounding (~1e-15); 1e-45 for subnormal floats.
                Assert.True(Math.Abs(stored[c] - expected[c]) <= 6.0e-8 * expected[c] + 1e-45,
                    $"site {n}, k = {c}: stored {stored[c]:R}, reference {expected[c]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SiteUpdate_NeverDecreasesF_FromRandomQAndTheta(Neighbourhood neighbourhood, double beta, int seed)
    {
        const int width = 8, height = 7, k = 3;
        (Dataset data, _) = SlowMeanField.Image(width, height, 2, 0.08, seed: (ulong)seed + 20);
        double[][] x = SlowMeanField.Rows(data);
        MixturePrior prior = SlowMeanField.ImagePrior;
        var rng = new RandomStream((ulong)seed, 11);
        for (int trial = 0; trial < 4; trial++)
        {
            GaussianMixture theta = SlowMeanField.RandomColourMixture(k, seed: (ulong)(seed * 100 + trial));
            var grid = new PottsGrid(width, height, neighbourhood);
            using var sweeper = new MeanFieldSource(data, grid, k, beta, sweeps: 1, threads: 1, VectorWidths.Best);
            SlowMeanField.FillRandom(sweeper, seed: (ulong)(seed * 100 + trial));
            double before = SlowMeanField.Objective(x, width, height, SlowMeanField.PixelMajor(sweeper), theta, prior, beta, neighbourhood);

            // Single sites in random order, then whole colour classes at once.
            for (int step = 0; step < 20; step++)
            {
                int n = (int)rng.NextInt64(width * height);
                sweeper.UpdateSites(theta, beta, [n]);
                double after = SlowMeanField.Objective(x, width, height, SlowMeanField.PixelMajor(sweeper), theta, prior, beta, neighbourhood);
                AssertNotBelow(after, before, width * height, $"trial {trial}, site {n}");
                before = after;
            }
            for (int colour = 0; colour < grid.ColourCount; colour++)
            {
                int[] sites = [.. Enumerable.Range(0, width * height).Where(n => grid.Colour(n % width, n / width) == colour)];
                sweeper.UpdateSites(theta, beta, sites);
                double after = SlowMeanField.Objective(x, width, height, SlowMeanField.PixelMajor(sweeper), theta, prior, beta, neighbourhood);
                AssertNotBelow(after, before, width * height, $"trial {trial}, colour {colour}");
                before = after;
            }
        }
    }

    [Fact]
    public void FirstObjective_IsAtLeastTheIndependentFitsLogJoint()
    {
        (Dataset data, _) = SlowMeanField.Image(40, 30, 3, 0.05, seed: 8);
        MixturePrior prior = SlowMeanField.ImagePrior;
        FitResult independent = MapEmFitter.Fit(data, prior, new FitOptions(3) { Seed = 2 });
        foreach (Neighbourhood neighbourhood in new[] { Neighbourhood.Four, Neighbourhood.Eight })
        {
            foreach (double beta in new[] { 0.0, 0.5, 2.0 })
            {
                SmoothedFitResult fit = MeanFieldEmFitter.Fit(data, 40, 30, independent.Mixture, prior,
                    new SmoothingOptions { Beta = beta, Neighbours = neighbourhood, MaxIterations = 0 });
                double l = independent.LogJointTrace[^1];
                // F(q, θ) at q = r equals L(θ); the sweeps and β ≥ 0 only add. 1e-12·max(|L|, N):
                // rounding of sums over N pixels (and q stored in float32: second order, ~1e-14·N).
                Assert.True(fit.ObjectiveTrace[0] >= l - 1e-12 * Math.Max(Math.Abs(l), 1200),
                    $"β = {beta}, {neighbourhood}: F0 = {fit.ObjectiveTrace[0]:R} < L = {l:R}");
                if (beta > 0) Assert.True(fit.ObjectiveTrace[0] > l + 1);
            }
        }
    }

    /// <summary>
    /// F may not fall by more than rounding: 1e-12·max(|F|, N) (sums of N terms in double; the
    /// float32 storage of q costs a second-order ~K·2^-48 per site, far below).
    /// </summary>
    private static void AssertNotBelow(double after, double before, int n, string what) =>
        Assert.True(after >= before - 1e-12 * Math.Max(Math.Abs(before), n), $"{what}: F fell from {before:R} to {after:R}");
}
