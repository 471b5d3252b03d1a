using Bgmm.Numerics;

namespace Bgmm;

/// <summary>The initial mixtures of SPEC §3: random data points or k-means++ means, π uniform, Σ_k = Σ0 (in the model's form).</summary>
internal static class Initializers
{
    /// <summary>
    /// Throws the SPEC's bad-input error when the data has fewer than K distinct rows of positive
    /// weight. Stops scanning as soon as K distinct rows are found.
    /// </summary>
    public static void RequireDistinct(Dataset data, int k)
    {
        int distinct = data.CountDistinctRows(k);
        if (distinct < k)
        {
            throw new ModelInputException("components",
                $"K = {k} but the data has {distinct} distinct value{(distinct == 1 ? "" : "s")}: choose K ≤ {distinct}.");
        }
    }

    /// <summary>
    /// Rows of K input points with pairwise different values, drawn uniformly without replacement
    /// from the source points (a sparse Fisher–Yates shuffle: memory grows with the draws, not N).
    /// For a compressed dataset the draw is over its source points, so it picks the same values as
    /// the uncompressed data would.
    /// </summary>
    public static int[] RandomRows(Dataset data, int k, RandomStream rng)
    {
        ReadOnlySpan<int> source = data.SourceRows;
        long pool = source.IsEmpty ? data.Count : source.Length;
        var swapped = new Dictionary<long, long>();
        var rows = new List<int>(k);
        for (long i = 0; rows.Count < k; i++)
        {
            if (i == pool) throw new InvalidOperationException("Fewer distinct rows than components; RequireDistinct should have caught it.");
            long j = i + rng.NextInt64(pool - i);
            long atJ = swapped.GetValueOrDefault(j, j);
            swapped[j] = swapped.GetValueOrDefault(i, i);
            int row = source.IsEmpty ? (int)atJ : source[(int)atJ];
            if (data.Weight(row) == 0) continue;
            bool duplicate = false;
            foreach (int r in rows)
            {
                if (data.RowsEqual(r, row))
                {
                    duplicate = true;
                    break;
                }
            }
            if (!duplicate) rows.Add(row);
        }
        return [.. rows];
    }

    /// <summary>
    /// k-means++ seeding: the first centre a uniformly drawn point, each next one a row drawn with
    /// probability ∝ w_n · (squared distance to the nearest centre so far).
    /// </summary>
    public static int[] KMeansPlusPlusRows(Dataset data, int k, RandomStream rng)
    {
        int n = data.Count, d = data.Dimension;
        int[] first = RandomRows(data, 1, rng);
        var rows = new List<int>(k) { first[0] };
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        while (rows.Count < k)
        {
            int last = rows[^1];
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double dist = 0;
                for (int j = 0; j < d; j++)
                {
                    double diff = data[i, j] - data[last, j];
                    dist += diff * diff;
                }
                if (dist < nearest[i]) nearest[i] = dist;
                total += data.Weight(i) * nearest[i];
            }
            double target = rng.NextDouble() * total;
            double cumulative = 0;
            int chosen = -1;
            for (int i = 0; i < n; i++)
            {
                double mass = data.Weight(i) * nearest[i];
                if (mass <= 0) continue;
                chosen = i;
                cumulative += mass;
                if (cumulative > target) break;
            }
            if (chosen < 0) throw new InvalidOperationException("No row left at positive distance; RequireDistinct should have caught it.");
            rows.Add(chosen);
        }
        return [.. rows];
    }

    /// <summary>π uniform, μ_k = the chosen rows, Σ_k = the model's form of Σ0 (Σ0 itself for VVV).</summary>
    public static GaussianMixture FromRows(Dataset data, int[] rows, MixturePrior prior, CovarianceModel? model = null)
    {
        int k = rows.Length, d = data.Dimension;
        var weights = new double[k];
        Array.Fill(weights, 1.0 / k);
        var components = new GaussianComponent[k];
        double[] scale = (model ?? CovarianceModel.Full).InitialCovariance(prior);
        var cholesky = new double[d * d];
        if (!SmallMatrix.TryCholesky(scale, cholesky, d)) throw new InvalidOperationException("Σ0 was validated positive definite.");
        for (int c = 0; c < k; c++)
        {
            var mean = new double[d];
            data.CopyRow(rows[c], mean);
            components[c] = new GaussianComponent(mean, (double[])scale.Clone(), (double[])cholesky.Clone());
        }
        return new GaussianMixture(weights, components);
    }
}
