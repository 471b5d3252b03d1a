using System.Globalization;
using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// An immutable mixture of K full-covariance Gaussians in D dimensions: weights π (on the simplex),
/// means μ_k and covariances Σ_k (symmetric positive definite).
/// </summary>
public sealed class GaussianMixture
{
    // Tolerance on Σ π_k = 1 for user-supplied weights: weights printed with ~7 significant digits
    // (or computed in float32) sum to 1 within ~1e-7; the accepted weights are then renormalised.
    private const double WeightSumTolerance = 1e-6;

    private readonly double[] _weights;
    private readonly GaussianComponent[] _components;

    /// <summary>Creates a mixture, validating every parameter. Arrays are copied.</summary>
    /// <param name="weights">π, K values ≥ 0 summing to 1 (within 1e-6; they are renormalised).</param>
    /// <param name="means">μ, K rows of D finite values.</param>
    /// <param name="covariances">Σ, K symmetric positive definite D×D matrices.</param>
    public GaussianMixture(double[] weights, double[][] means, double[][,] covariances)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariances);
        int k = weights.Length;
        if (k < 1) throw new ModelInputException(nameof(weights), "the mixture has no components: give at least one weight, mean and covariance.");
        if (means.Length != k || covariances.Length != k)
            throw new ModelInputException(nameof(means), $"there are {k} weights, {means.Length} means and {covariances.Length} covariances: give the same number of each.");
        int d = means[0]?.Length ?? 0;
        if (d < 1) throw new ModelInputException(nameof(means), "mean 0 is empty: each mean needs D ≥ 1 values.");

        double sum = 0;
        for (int c = 0; c < k; c++)
        {
            if (!double.IsFinite(weights[c]) || weights[c] < 0)
                throw new ModelInputException(nameof(weights), $"weight {c} = {F(weights[c])}: weights must be finite and ≥ 0.");
            sum += weights[c];
        }
        if (!(Math.Abs(sum - 1.0) <= WeightSumTolerance))
            throw new ModelInputException(nameof(weights), $"the weights sum to {F(sum)}: they must sum to 1 (within {WeightSumTolerance:G1}).");

        _weights = new double[k];
        for (int c = 0; c < k; c++) _weights[c] = weights[c] / sum;
        _components = new GaussianComponent[k];
        for (int c = 0; c < k; c++)
        {
            double[] mean = means[c] ?? throw new ModelInputException(nameof(means), $"mean {c} is missing.");
            if (mean.Length != d)
                throw new ModelInputException(nameof(means), $"mean {c} has {mean.Length} values but mean 0 has {d}: all means must have D values.");
            foreach (double v in mean)
            {
                if (!double.IsFinite(v)) throw new ModelInputException(nameof(means), $"mean {c} has a non-finite value: every value must be a finite number.");
            }
            double[,] cov = covariances[c] ?? throw new ModelInputException(nameof(covariances), $"covariance {c} is missing.");
            if (cov.GetLength(0) != d || cov.GetLength(1) != d)
                throw new ModelInputException(nameof(covariances), $"covariance {c} is {cov.GetLength(0)}×{cov.GetLength(1)}: it must be D×D = {d}×{d}.");
            double[] flat = SmallMatrix.Flatten(cov);
            foreach (double v in flat)
            {
                if (!double.IsFinite(v)) throw new ModelInputException(nameof(covariances), $"covariance {c} has a non-finite entry: every entry must be a finite number.");
            }
            if (SmallMatrix.RelativeAsymmetry(flat, d) > NormalInverseWishart.SymmetryTolerance)
                throw new ModelInputException(nameof(covariances), $"covariance {c} is not symmetric: each covariance must be symmetric positive definite.");
            SmallMatrix.Symmetrize(flat, d);
            _components[c] = GaussianComponent.TryCreate((double[])mean.Clone(), flat)
                ?? throw new ModelInputException(nameof(covariances), $"covariance {c} is not positive definite: each covariance must be symmetric positive definite.");
        }
        Dimension = d;
    }

    internal GaussianMixture(double[] weights, GaussianComponent[] components)
    {
        _weights = weights;
        _components = components;
        Dimension = components[0].Dimension;
    }

    /// <summary>K.</summary>
    public int ComponentCount => _weights.Length;

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>π (a copy).</summary>
    public double[] Weights => (double[])_weights.Clone();

    internal ReadOnlySpan<double> WeightSpan => _weights;

    internal GaussianComponent Component(int k) => _components[k];

    /// <summary>μ_k (a copy).</summary>
    public double[] GetMean(int k) => (double[])_components[k].Mean.Clone();

    /// <summary>Σ_k (a copy).</summary>
    public double[,] GetCovariance(int k) => SmallMatrix.ToMatrix(_components[k].Covariance, Dimension);

    /// <summary>All means, K×D (a copy).</summary>
    public double[][] Means => [.. _components.Select(c => (double[])c.Mean.Clone())];

    /// <summary>All covariances (a copy).</summary>
    public double[][,] Covariances => [.. _components.Select(c => SmallMatrix.ToMatrix(c.Covariance, Dimension))];

    /// <summary>
    /// Free parameters: (K − 1) weights, K·D means and K·D(D+1)/2 covariance entries.
    /// </summary>
    public int ParameterCount => CovarianceModel.Full.ParameterCount(ComponentCount, Dimension);

    /// <summary>log π_k N(x | μ_k, Σ_k) for every k (−∞ for a component of weight 0).</summary>
    /// <param name="x">A point (length D).</param>
    /// <param name="destination">Receives K values.</param>
    public void ComponentLogDensities(ReadOnlySpan<double> x, Span<double> destination)
    {
        CheckPoint(x);
        CheckDestination(destination, nameof(destination));
        for (int k = 0; k < ComponentCount; k++)
        {
            destination[k] = _weights[k] > 0 ? Math.Log(_weights[k]) + _components[k].LogDensity(x) : double.NegativeInfinity;
        }
    }

    /// <summary>log p(x) = log Σ_k π_k N(x | μ_k, Σ_k), the log density of one point.</summary>
    public double LogDensity(ReadOnlySpan<double> x)
    {
        Span<double> l = ComponentCount <= 64 ? stackalloc double[ComponentCount] : new double[ComponentCount];
        ComponentLogDensities(x, l);
        return LogSumExp(l);
    }

    /// <summary>The responsibilities r_k = p(z = k | x), written into <paramref name="destination"/> (length K).</summary>
    public void PredictProbabilities(ReadOnlySpan<double> x, Span<double> destination)
    {
        ComponentLogDensities(x, destination);
        double max = double.NegativeInfinity;
        foreach (double v in destination[..ComponentCount]) max = Math.Max(max, v);
        double sum = 0;
        for (int k = 0; k < ComponentCount; k++)
        {
            destination[k] = Math.Exp(destination[k] - max);
            sum += destination[k];
        }
        for (int k = 0; k < ComponentCount; k++) destination[k] /= sum;
    }

    /// <summary>argmax_k r_k (the lowest k on ties).</summary>
    public int Predict(ReadOnlySpan<double> x)
    {
        Span<double> l = ComponentCount <= 64 ? stackalloc double[ComponentCount] : new double[ComponentCount];
        ComponentLogDensities(x, l);
        int best = 0;
        for (int k = 1; k < ComponentCount; k++)
        {
            if (l[k] > l[best]) best = k;
        }
        return best;
    }

    /// <summary>
    /// The label (argmax responsibility, the lowest k on ties) of every row: vectorised, in parallel over
    /// fixed chunks of rows, with no per-row allocation.
    /// </summary>
    /// <param name="data">The rows (N×D).</param>
    /// <param name="threads">Threads (0 = every core); the labels do not depend on it.</param>
    public int[] Predict(Dataset data, int threads = 0)
    {
        CheckData(data, threads);
        var labels = new int[data.Count];
        Kernels.LabelKernel.Summarise<int>(new Kernels.EStepModel(this), data, labels, [], threads);
        return labels;
    }

    /// <summary>The label of every row, one byte each (images: K ≤ 256).</summary>
    /// <param name="data">The rows (N×D).</param>
    /// <param name="labels">Receives N labels.</param>
    /// <param name="threads">Threads (0 = every core); the labels do not depend on it.</param>
    /// <exception cref="ArgumentException">K &gt; 256, or <paramref name="labels"/> is not N long.</exception>
    public void Predict(Dataset data, Span<byte> labels, int threads = 0)
    {
        CheckData(data, threads);
        if (ComponentCount > byte.MaxValue + 1)
            throw new ArgumentException($"K = {ComponentCount} labels do not fit in a byte: use Predict(Dataset), which returns int labels.", nameof(labels));
        if (labels.Length != data.Count)
            throw new ArgumentException($"{labels.Length} labels for {data.Count} rows: give one byte per row.", nameof(labels));
        Kernels.LabelKernel.Summarise(new Kernels.EStepModel(this), data, labels, [], threads);
    }

    /// <summary>The responsibilities of every row, N×K (an N×K array: for large N prefer <see cref="Predict(Dataset, int)"/>).</summary>
    public double[,] PredictProbabilities(Dataset data)
    {
        CheckData(data, 0);
        var r = new double[data.Count, ComponentCount];
        Span<double> x = stackalloc double[Dimension];
        Span<double> row = ComponentCount <= 64 ? stackalloc double[ComponentCount] : new double[ComponentCount];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyRow(i, x);
            PredictProbabilities(x, row);
            for (int k = 0; k < ComponentCount; k++) r[i, k] = row[k];
        }
        return r;
    }

    /// <summary>log p(x_n) for every row (unweighted): the per-point log density.</summary>
    public double[] LogDensities(Dataset data)
    {
        CheckData(data, 0);
        var result = new double[data.Count];
        Span<double> x = stackalloc double[Dimension];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyRow(i, x);
            result[i] = LogDensity(x);
        }
        return result;
    }

    /// <summary>The data's log-likelihood Σ_n w_n log p(x_n), computed by the fitter's E-step pass.</summary>
    public double LogLikelihood(Dataset data, int threads = 0)
    {
        CheckData(data, threads);
        return MixtureStatistics.Compute(data, this, threads).LogLikelihood;
    }

    /// <summary>The log joint L(θ) = log p(X | θ) + log p(θ) of SPEC §2.</summary>
    public double LogJoint(Dataset data, MixturePrior prior, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(prior);
        prior.CheckDimension(Dimension);
        return LogLikelihood(data, threads) + prior.LogDensity(this);
    }

    /// <summary>
    /// BIC = −2 log p(X | θ) + p log N, with p = <see cref="ParameterCount"/> and N the number of
    /// points (<see cref="Dataset.PointCount"/>). Lower is better.
    /// </summary>
    public double Bic(Dataset data, int threads = 0) =>
        -2.0 * LogLikelihood(data, threads) + ParameterCount * Math.Log(data.PointCount);

    /// <summary>Draws <paramref name="count"/> points and their component labels, reproducibly from <paramref name="seed"/>.</summary>
    public (double[][] Points, int[] Labels) Sample(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var rng = new RandomStream(seed);
        var points = new double[count][];
        var labels = new int[count];
        int d = Dimension;
        Span<double> z = stackalloc double[d];
        for (int n = 0; n < count; n++)
        {
            double u = rng.NextDouble(), cumulative = 0;
            int k = ComponentCount - 1;
            for (int c = 0; c < ComponentCount; c++)
            {
                cumulative += _weights[c];
                if (u < cumulative && _weights[c] > 0)
                {
                    k = c;
                    break;
                }
            }
            while (_weights[k] == 0) k--;
            for (int i = 0; i < d; i++) z[i] = rng.NextGaussian();
            GaussianComponent comp = _components[k];
            var x = new double[d];
            for (int i = 0; i < d; i++)
            {
                double v = comp.Mean[i];
                for (int j = 0; j <= i; j++) v += comp.Cholesky[i * d + j] * z[j];
                x[i] = v;
            }
            points[n] = x;
            labels[n] = k;
        }
        return (points, labels);
    }

    internal static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private void CheckPoint(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension)
            throw new ModelInputException(nameof(x), $"the point has {x.Length} coordinates but the mixture has D = {Dimension}.");
    }

    private void CheckDestination(Span<double> destination, string name)
    {
        if (destination.Length < ComponentCount)
            throw new ArgumentException($"the destination has {destination.Length} elements but the mixture has K = {ComponentCount} components.", name);
    }

    private void CheckData(Dataset data, int threads)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (data.Dimension != Dimension)
            throw new ModelInputException(nameof(data), $"the data has D = {data.Dimension} but the mixture has D = {Dimension}: give points of the mixture's dimension.");
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
