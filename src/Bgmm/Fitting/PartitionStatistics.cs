using System.Globalization;
using Bgmm.Numerics;

namespace Bgmm;

/// <summary>The statistics of a hard partition of the data, the start of a run from labels (mclust's <c>unmap</c>).</summary>
public sealed partial class MixtureStatistics
{
    /// <summary>
    /// The statistics of the hard assignment of row n to component <paramref name="labels"/>[n]: N_k the
    /// total weight of the rows labelled k, x̄_k their weighted mean and W_k their centred scatter, in two
    /// passes (the mean, then the scatter about it). The log-likelihood slot is 0: no parameters were evaluated.
    /// </summary>
    /// <param name="data">The points (N×D), optionally weighted.</param>
    /// <param name="labels">One label per row of <paramref name="data"/> (its <see cref="Dataset.Count"/> rows), each in 0..K−1.</param>
    /// <param name="components">K.</param>
    /// <exception cref="ModelInputException">The labels are not one per row, one is out of range, or a component has no row of positive weight.</exception>
    public static MixtureStatistics FromPartition(Dataset data, ReadOnlySpan<int> labels, int components)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromPartition(new DatasetRows(data, sourcePoints: false), labels, components);
    }

    /// <summary>
    /// As <see cref="FromPartition(Dataset, ReadOnlySpan{int}, int)"/> for rows read in blocks (files read in
    /// chunks, the parts of a data set): the same sums in the same order, so the same statistics bit for bit.
    /// </summary>
    /// <param name="rows">The rows and their weights.</param>
    /// <param name="labels">One label per row, each in 0..K−1.</param>
    /// <param name="components">K.</param>
    /// <param name="cancellationToken">Stops between blocks of rows.</param>
    /// <exception cref="ModelInputException">The labels are not one per row, one is out of range, or a component has no row of positive weight.</exception>
    public static MixtureStatistics FromPartition(IRowReader rows, ReadOnlySpan<int> labels, int components, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (components < 1) throw new ModelInputException("components", $"K = {components}: the number of components must be ≥ 1.");
        if (labels.Length != rows.RowCount)
            throw new ModelInputException("labels", $"{labels.Length} label{(labels.Length == 1 ? "" : "s")} for {rows.RowCount} rows: give one label per row.");
        int d = rows.Dimension, stride = Stride(d);
        var statistics = new MixtureStatistics(components, d);
        double[] raw = statistics._data;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)components)
                throw new ModelInputException("labels", $"row {i} has label {labels[i].ToString(CultureInfo.InvariantCulture)}: labels must be 0..{components - 1} for K = {components}.");
        }
        var reader = new BlockRows(rows);
        for (int i = 0; i < labels.Length; i++)
        {
            double w = reader.Row(i, cancellationToken, out ReadOnlySpan<double> x);
            if (w == 0) continue;
            int k = labels[i];
            raw[k * stride] += w;
            for (int j = 0; j < d; j++) raw[k * stride + 1 + j] += w * x[j];
        }
        for (int k = 0; k < components; k++)
        {
            double n = raw[k * stride];
            if (!(n > 0))
                throw new ModelInputException("labels", $"no row of positive weight has label {k} (K = {components}): every component needs at least one point (mclust's me() fails on an empty class too); relabel 0..{components - 1} or lower K.");
            for (int j = 0; j < d; j++) raw[k * stride + 1 + j] /= n;
        }
        Span<double> centred = stackalloc double[d];
        for (int i = 0; i < labels.Length; i++)
        {
            double w = reader.Row(i, cancellationToken, out ReadOnlySpan<double> x);
            if (w == 0) continue;
            int k = labels[i];
            int mean = k * stride + 1, scatter = mean + d;
            for (int a = 0; a < d; a++) centred[a] = x[a] - raw[mean + a];
            for (int a = 0; a < d; a++)
            {
                double wa = w * centred[a];
                for (int b = a; b < d; b++) raw[scatter + a * d + b] += wa * centred[b];
            }
        }
        for (int k = 0; k < components; k++)
        {
            int scatter = k * stride + 1 + d;
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b < a; b++) raw[scatter + a * d + b] = raw[scatter + b * d + a];
            }
        }
        return statistics;
    }

    /// <summary>Rows read a block at a time, in order (each pass starts again at row 0).</summary>
    private sealed class BlockRows(IRowReader rows)
    {
        private const int Rows = 4096;
        private readonly double[][] _columns = [.. Enumerable.Range(0, rows.Dimension).Select(_ => new double[(int)Math.Min(Rows, rows.RowCount)])];
        private readonly double[] _row = new double[rows.Dimension];
        private long _first = -1;
        private int _count;

        /// <summary>Row <paramref name="i"/>'s weight, and its coordinates in <paramref name="x"/>.</summary>
        public double Row(long i, CancellationToken cancellationToken, out ReadOnlySpan<double> x)
        {
            if (i < _first || i >= _first + _count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _first = i / Rows * Rows;
                _count = (int)Math.Min(Rows, rows.RowCount - _first);
                rows.ReadRows(_first, _count, _columns);
            }
            int at = (int)(i - _first);
            for (int j = 0; j < _row.Length; j++) _row[j] = _columns[j][at];
            x = _row;
            return rows.Weight(i);
        }
    }

    /// <summary>
    /// The complete-data log-likelihood of a hard partition with these statistics at <paramref name="mixture"/>:
    /// Σ_k [N_k log π_k + Σ_(n in k) w_n log N(x_n | μ_k, Σ_k)], where the inner sum is
    /// −½ [N_k (D log 2π + log|Σ_k|) + tr(Σ_k⁻¹ W_k) + N_k (x̄_k − μ_k)ᵀ Σ_k⁻¹ (x̄_k − μ_k)].
    /// (For soft statistics it lacks the responsibilities' entropy.)
    /// </summary>
    internal double ClassificationLogLikelihood(GaussianMixture mixture)
    {
        int d = Dimension;
        double sum = 0;
        Span<double> delta = stackalloc double[d];
        for (int k = 0; k < ComponentCount; k++)
        {
            double n = Count(k);
            if (n == 0) continue;
            GaussianComponent c = mixture.Component(k);
            ReadOnlySpan<double> mean = Mean(k);
            for (int j = 0; j < d; j++) delta[j] = mean[j] - c.Mean[j];
            double quadratic = SmallMatrix.TraceCongruence(c.PrecisionFactor, Scatter(k), d)
                + n * SmallMatrix.LowerTimesVectorSquaredNorm(c.PrecisionFactor, delta, d);
            sum += n * Math.Log(mixture.WeightSpan[k]) - 0.5 * (n * (d * SpecialFunctions.LogTwoPi + c.LogDeterminant) + quadratic);
        }
        return sum;
    }
}
