using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// The initial mixtures of SPEC §3: random data points or k-means++ means, π uniform, Σ_k = Σ0 (in the
/// covariance model's form). The draws read rows through an <see cref="IRowReader"/>, block by block in
/// row order, so data held in memory and data read from files give the same rows for the same random stream.
/// </summary>
internal static class Initializers
{
    /// <summary>Rows read at once by the scans.</summary>
    private const int ScanRows = 4096;

    /// <summary>
    /// Throws the SPEC's bad-input error when the data has fewer than K distinct rows of positive
    /// weight. Stops scanning as soon as K distinct rows are found.
    /// </summary>
    public static void RequireDistinct(IRowReader rows, int k, CancellationToken cancellationToken = default)
    {
        int distinct = CountDistinct(rows, k, cancellationToken);
        if (distinct < k)
        {
            throw new ModelInputException("components",
                $"K = {k} but the data has {distinct} distinct value{(distinct == 1 ? "" : "s")}: choose K ≤ {distinct}.");
        }
    }

    /// <summary>
    /// The number of distinct rows (bitwise-equal coordinates) of positive weight, counting no further
    /// than <paramref name="atMost"/>: O(N·atMost) comparisons at worst, and it stops early.
    /// </summary>
    public static int CountDistinct(IRowReader rows, int atMost, CancellationToken cancellationToken = default)
    {
        int d = rows.Dimension;
        var distinct = new List<double[]>(Math.Max(0, Math.Min(atMost, 1024)));
        double[][] block = Block(d, rows.RowCount);
        var row = new double[d];
        for (long start = 0; start < rows.RowCount && distinct.Count < atMost; start += ScanRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(ScanRows, rows.RowCount - start);
            rows.ReadRows(start, count, block);
            for (int r = 0; r < count && distinct.Count < atMost; r++)
            {
                if (rows.Weight(start + r) == 0) continue;
                for (int j = 0; j < d; j++) row[j] = block[j][r];
                if (!distinct.Exists(seen => SameBits(seen, row))) distinct.Add((double[])row.Clone());
            }
        }
        return distinct.Count;
    }

    /// <summary>
    /// Rows of K points with pairwise different values, drawn uniformly without replacement from the
    /// reader's rows (weight 0 excluded) by a sparse Fisher–Yates shuffle: memory grows with the draws,
    /// not N, and each drawn row is read alone.
    /// </summary>
    public static long[] RandomRows(IRowReader rows, int k, RandomStream rng)
    {
        long pool = rows.RowCount;
        var swapped = new Dictionary<long, long>();
        var chosen = new List<long>(k);
        var values = new List<double[]>(k);
        for (long i = 0; chosen.Count < k; i++)
        {
            if (i == pool) throw new InvalidOperationException("Fewer distinct rows than components; RequireDistinct should have caught it.");
            long j = i + rng.NextInt64(pool - i);
            long row = swapped.GetValueOrDefault(j, j);
            swapped[j] = swapped.GetValueOrDefault(i, i);
            if (rows.Weight(row) == 0) continue;
            double[] value = ReadRow(rows, row);
            if (values.Exists(v => SameBits(v, value))) continue;
            chosen.Add(row);
            values.Add(value);
        }
        return [.. chosen];
    }

    /// <summary>
    /// k-means++ seeding from the first centre <paramref name="first"/>: each next centre is a row drawn
    /// with probability ∝ w_n · (squared distance to the nearest centre so far). Rows held in memory keep
    /// that distance per row (one pass per centre); other rows get it recomputed from the centres (two
    /// passes per centre). The minimum is exact, so both pick the same rows.
    /// </summary>
    public static long[] KMeansPlusPlusRows(IRowReader rows, long first, int k, RandomStream rng, CancellationToken cancellationToken = default)
    {
        long n = rows.RowCount;
        var chosen = new List<long>(k) { first };
        var centres = new List<double[]> { ReadRow(rows, first) };
        double[]? nearest = rows.InMemory ? new double[n] : null;
        if (nearest is not null) Array.Fill(nearest, double.PositiveInfinity);
        double[][] block = Block(rows.Dimension, n);
        while (chosen.Count < k)
        {
            double total = 0;
            for (long start = 0; start < n; start += ScanRows)
            {
                int count = ReadScanBlock(rows, start, block, cancellationToken);
                for (int r = 0; r < count; r++) total += rows.Weight(start + r) * Nearest(block, r, start + r, centres, nearest, update: true);
            }
            double target = rng.NextDouble() * total;
            double cumulative = 0;
            long next = -1;
            for (long start = 0; start < n && !(cumulative > target); start += ScanRows)
            {
                int count = nearest is null ? ReadScanBlock(rows, start, block, cancellationToken) : (int)Math.Min(ScanRows, n - start);
                for (int r = 0; r < count; r++)
                {
                    double mass = rows.Weight(start + r) * Nearest(block, r, start + r, centres, nearest, update: false);
                    if (mass <= 0) continue;
                    next = start + r;
                    cumulative += mass;
                    if (cumulative > target) break;
                }
            }
            if (next < 0) throw new InvalidOperationException("No row left at positive distance; RequireDistinct should have caught it.");
            chosen.Add(next);
            centres.Add(ReadRow(rows, next));
        }
        return [.. chosen];
    }

    /// <summary>π uniform, μ_k = the values of the chosen rows, Σ_k = the model's form of Σ0 (Σ0 itself for VVV).</summary>
    public static GaussianMixture FromRows(IRowReader rows, long[] chosen, MixturePrior prior, CovarianceModel? model = null)
    {
        int k = chosen.Length, d = rows.Dimension;
        var weights = new double[k];
        Array.Fill(weights, 1.0 / k);
        var components = new GaussianComponent[k];
        double[] scale = (model ?? CovarianceModel.Full).InitialCovariance(prior);
        var cholesky = new double[d * d];
        if (!SmallMatrix.TryCholesky(scale, cholesky, d)) throw new InvalidOperationException("Σ0 was validated positive definite.");
        for (int c = 0; c < k; c++) components[c] = new GaussianComponent(ReadRow(rows, chosen[c]), (double[])scale.Clone(), (double[])cholesky.Clone());
        return new GaussianMixture(weights, components);
    }

    /// <summary>
    /// Random rows of a dataset (row indices of the dataset). For a compressed dataset the draw is over
    /// its source points, so it picks the same values as the uncompressed data would.
    /// </summary>
    public static int[] RandomRows(Dataset data, int k, RandomStream rng)
    {
        var pool = new DatasetRows(data, sourcePoints: true);
        return [.. RandomRows(pool, k, rng).Select(pool.DataRow)];
    }

    /// <summary>k-means++ rows of a dataset: the first centre drawn as <see cref="RandomRows(Dataset, int, RandomStream)"/>, the others from its rows.</summary>
    public static int[] KMeansPlusPlusRows(Dataset data, int k, RandomStream rng, CancellationToken cancellationToken = default)
    {
        int first = RandomRows(data, 1, rng)[0];
        return [.. KMeansPlusPlusRows(new DatasetRows(data, sourcePoints: false), first, k, rng, cancellationToken).Select(r => (int)r)];
    }

    /// <summary>π uniform, μ_k = the dataset's rows <paramref name="rows"/>, Σ_k = the model's form of Σ0.</summary>
    public static GaussianMixture FromRows(Dataset data, int[] rows, MixturePrior prior, CovarianceModel? model = null) =>
        FromRows(new DatasetRows(data, sourcePoints: false), [.. rows.Select(r => (long)r)], prior, model);

    /// <summary>The squared distance from row r of the block to its nearest centre (kept in <paramref name="nearest"/> when given).</summary>
    private static double Nearest(double[][] block, int r, long row, List<double[]> centres, double[]? nearest, bool update)
    {
        if (nearest is not null)
        {
            if (update)
            {
                double dist = Distance(block, r, centres[^1]);
                if (dist < nearest[row]) nearest[row] = dist;
            }
            return nearest[row];
        }
        double min = double.PositiveInfinity;
        foreach (double[] centre in centres)
        {
            double dist = Distance(block, r, centre);
            if (dist < min) min = dist;
        }
        return min;
    }

    private static double Distance(double[][] block, int r, double[] centre)
    {
        double dist = 0;
        for (int j = 0; j < centre.Length; j++)
        {
            double diff = block[j][r] - centre[j];
            dist += diff * diff;
        }
        return dist;
    }

    private static int ReadScanBlock(IRowReader rows, long start, double[][] block, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int count = (int)Math.Min(ScanRows, rows.RowCount - start);
        rows.ReadRows(start, count, block);
        return count;
    }

    private static double[] ReadRow(IRowReader rows, long row)
    {
        double[][] one = Block(rows.Dimension, 1);
        rows.ReadRows(row, 1, one);
        return [.. one.Select(c => c[0])];
    }

    private static double[][] Block(int d, long rows)
    {
        var block = new double[d][];
        for (int j = 0; j < d; j++) block[j] = new double[Math.Min(ScanRows, rows)];
        return block;
    }

    private static bool SameBits(double[] a, double[] b)
    {
        for (int j = 0; j < a.Length; j++)
        {
            if (BitConverter.DoubleToInt64Bits(a[j]) != BitConverter.DoubleToInt64Bits(b[j])) return false;
        }
        return true;
    }
}
