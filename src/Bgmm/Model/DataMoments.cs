namespace Bgmm;

/// <summary>
/// The weighted mean and covariance of a data set (R's n − 1 divisor, n the total weight): what mclust's
/// default prior (<see cref="MixturePrior.Empirical(DataMoments, int, CovarianceModel?, double)"/>) and the
/// prior's scale check (<see cref="MixturePrior.ScaleWarnings"/>) are made of.
/// </summary>
/// <remarks>
/// Two passes over the rows in order (the mean, then the scatter about it), each a plain running sum, so the
/// moments are the same bit for bit wherever the rows are held and however they are read in blocks: a
/// <see cref="Dataset"/> and a file read from disk in chunks with the same rows give the same prior.
/// </remarks>
public sealed class DataMoments
{
    /// <summary>Rows read per block by <see cref="Of(IRowReader, CancellationToken)"/>.</summary>
    private const int BlockRows = 4096;

    private readonly double[] _mean;
    private readonly double[] _covariance;

    private DataMoments(int dimension, double totalWeight, double[] mean, double[] covariance)
    {
        Dimension = dimension;
        TotalWeight = totalWeight;
        _mean = mean;
        _covariance = covariance;
    }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>n, the total weight (the number of points of unweighted data).</summary>
    public double TotalWeight { get; }

    /// <summary>The weighted mean x̄.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>V = Σ w (x − x̄)(x − x̄)ᵀ / (n − 1) (divided by n when n ≤ 1), D×D row-major.</summary>
    public ReadOnlySpan<double> Covariance => _covariance;

    /// <summary>A copy of V, for the prior that is built from it.</summary>
    internal double[] CopyCovariance() => (double[])_covariance.Clone();

    /// <summary>tr V, the sum of the column variances.</summary>
    public double TotalVariance
    {
        get
        {
            double sum = 0;
            for (int j = 0; j < Dimension; j++) sum += _covariance[j * Dimension + j];
            return sum;
        }
    }

    /// <summary>The moments of <paramref name="data"/> (its rows with their weights; a compressed dataset counts each row's weight).</summary>
    public static DataMoments Of(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Compute(new DatasetRows(data, sourcePoints: false), data.TotalWeight, CancellationToken.None);
    }

    /// <summary>The moments of the rows <paramref name="rows"/> reads (files read in chunks, the parts of a data set), in two passes.</summary>
    /// <param name="rows">The rows and their weights.</param>
    /// <param name="cancellationToken">Stops between blocks of rows.</param>
    public static DataMoments Of(IRowReader rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Compute(rows, null, cancellationToken);
    }

    private static DataMoments Compute(IRowReader rows, double? totalWeight, CancellationToken cancellationToken)
    {
        int d = rows.Dimension;
        var mean = new double[d];
        var v = new double[d * d];
        var first = new double[d];
        var constant = new bool[d];
        bool seen = false;
        double summed = 0;
        ForEachRow(rows, cancellationToken, (w, row) =>
        {
            if (!seen)
            {
                row.CopyTo(first);
                Array.Fill(constant, true);
                seen = true;
            }
            summed += w;
            for (int j = 0; j < d; j++)
            {
                mean[j] += w * row[j];
                constant[j] &= row[j] == first[j];
            }
        });
        double n = totalWeight ?? summed;
        if (!(n > 0)) throw new ModelInputException("data", "the data has no point of positive weight.");
        // A constant column's mean is its value exactly (a sum of n copies rounds, and the rounding squared
        // could overflow far from the origin); its variance is then exactly 0.
        for (int j = 0; j < d; j++) mean[j] = constant[j] ? first[j] : mean[j] / n;
        ForEachRow(rows, cancellationToken, (w, row) =>
        {
            for (int a = 0; a < d; a++) row[a] -= mean[a];
            for (int a = 0; a < d; a++)
            {
                for (int b = a; b < d; b++) v[a * d + b] += w * row[a] * row[b];
            }
        });
        double divisor = n > 1 ? n - 1 : n;
        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++) v[b * d + a] = v[a * d + b] /= divisor;
        }
        return new DataMoments(d, n, mean, v);
    }

    private delegate void RowAction(double weight, Span<double> row);

    /// <summary>Calls <paramref name="action"/> on every row of positive weight, in order.</summary>
    private static void ForEachRow(IRowReader rows, CancellationToken cancellationToken, RowAction action)
    {
        int d = rows.Dimension;
        long n = rows.RowCount;
        int block = (int)Math.Min(BlockRows, n);
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = new double[block];
        Span<double> x = stackalloc double[d];
        for (long first = 0; first < n; first += block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(block, n - first);
            rows.ReadRows(first, count, columns);
            for (int i = 0; i < count; i++)
            {
                double w = rows.Weight(first + i);
                if (w == 0) continue;
                for (int j = 0; j < d; j++) x[j] = columns[j][i];
                action(w, x);
            }
        }
    }
}
