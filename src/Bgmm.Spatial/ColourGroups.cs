using Bgmm.Numerics;

namespace Bgmm.Spatial;

/// <summary>
/// Components that are one colour: pairs whose Gaussians overlap so much that the data cannot tell them
/// apart (Bhattacharyya distance below <see cref="MergeDistance"/>) are joined, transitively. A colour
/// cluster that a large K splits in two gives two such components; after smoothing they tile one region
/// in patches, and each patch alone would look like an object.
/// </summary>
internal static class ColourGroups
{
    /// <summary>
    /// Components closer than this are one colour. Two colours 0.35 apart under noise σ = 0.06 are
    /// (1/8)(0.35/0.06)² ≈ 4.3 apart; the halves of one split cluster are well below 1.
    /// </summary>
    public const double MergeDistance = 1.0;

    /// <summary>The group (its smallest component) of every component.</summary>
    public static int[] Find(GaussianMixture mixture)
    {
        int k = mixture.ComponentCount;
        var parent = new int[k];
        for (int i = 0; i < k; i++) parent[i] = i;
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                if (Bhattacharyya(mixture.Component(i), mixture.Component(j)) < MergeDistance) Union(parent, i, j);
            }
        }
        var group = new int[k];
        for (int i = 0; i < k; i++) group[i] = Root(parent, i);
        return group;
    }

    /// <summary>
    /// D_B = ⅛ Δᵀ Σ̄⁻¹ Δ + ½ ln(|Σ̄| / √(|Σ_a| |Σ_b|)), Σ̄ = (Σ_a + Σ_b)/2: 0 for equal Gaussians, growing with
    /// the separation of the means in units of their spread.
    /// </summary>
    public static double Bhattacharyya(GaussianComponent a, GaussianComponent b)
    {
        int d = a.Dimension;
        var average = new double[d * d];
        for (int i = 0; i < average.Length; i++) average[i] = 0.5 * (a.Covariance[i] + b.Covariance[i]);
        var factor = new double[d * d];
        if (!SmallMatrix.TryCholesky(average, factor, d)) return double.PositiveInfinity;
        var inverse = new double[d * d];
        SmallMatrix.InvertLower(factor, inverse, d);
        var delta = new double[d];
        for (int i = 0; i < d; i++) delta[i] = a.Mean[i] - b.Mean[i];
        double quadratic = SmallMatrix.LowerTimesVectorSquaredNorm(inverse, delta, d);
        double logDet = SmallMatrix.LogDeterminantFromCholesky(factor, d);
        return quadratic / 8 + 0.5 * (logDet - 0.5 * (a.LogDeterminant + b.LogDeterminant));
    }

    private static int Root(int[] parent, int i)
    {
        while (parent[i] != i) i = parent[i];
        return i;
    }

    private static void Union(int[] parent, int i, int j)
    {
        int a = Root(parent, i), b = Root(parent, j);
        if (a == b) return;
        if (a < b) parent[b] = a;
        else parent[a] = b;
    }
}
