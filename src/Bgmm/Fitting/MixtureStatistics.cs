namespace Bgmm;

/// <summary>
/// The sufficient statistics of one pass over (part of) the data at fixed parameters: for every
/// component k its responsibility mass N_k = Σ r_nk w_n, the mean x̄_k of its points and their
/// scatter about that mean W_k = Σ r_nk w_n (x_n − x̄_k)(x_n − x̄_k)ᵀ; and the data's
/// log-likelihood Σ w_n log Σ_k π_k N(x_n | μ_k, Σ_k).
/// </summary>
/// <remarks>
/// Statistics of disjoint parts of the data merge exactly (Chan et al.'s parallel update of mean
/// and scatter), so a pass is a map over chunks and a reduce by <see cref="Merge"/>; the empty
/// statistics are the identity. The M-step needs nothing else: K·(1 + D + D²) numbers.
/// Layout: per component [N_k, x̄_k (D), W_k (D×D row-major)], then the log-likelihood.
/// </remarks>
public sealed partial class MixtureStatistics
{
    private readonly double[] _data;

    /// <summary>Empty statistics (the identity of <see cref="Merge"/>) for K components in D dimensions.</summary>
    public MixtureStatistics(int components, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ComponentCount = components;
        Dimension = dimension;
        _data = new double[Length(components, dimension)];
    }

    internal MixtureStatistics(int components, int dimension, double[] data)
    {
        ComponentCount = components;
        Dimension = dimension;
        _data = data;
    }

    /// <summary>K.</summary>
    public int ComponentCount { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>Σ_n w_n log Σ_k π_k N(x_n | μ_k, Σ_k) over the points seen.</summary>
    public double LogLikelihood => _data[^1];

    /// <summary>N_k, the responsibility mass of component k.</summary>
    public double Count(int k) => _data[k * Stride(Dimension)];

    /// <summary>x̄_k (meaningless when N_k = 0).</summary>
    public ReadOnlySpan<double> Mean(int k) => _data.AsSpan(k * Stride(Dimension) + 1, Dimension);

    /// <summary>W_k, D×D row-major.</summary>
    public ReadOnlySpan<double> Scatter(int k) => _data.AsSpan(k * Stride(Dimension) + 1 + Dimension, Dimension * Dimension);

    internal Span<double> Raw => _data;

    /// <summary>
    /// One E-step pass: the statistics of <paramref name="data"/> at the parameters
    /// <paramref name="mixture"/>. Statistics of disjoint datasets computed this way (on other threads,
    /// processes or machines) combine with <see cref="Merge"/>, and <see cref="MapEmFitter.MStep"/> turns
    /// the total into the next parameters.
    /// </summary>
    public static MixtureStatistics Compute(Dataset data, GaussianMixture mixture, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (data.Dimension != mixture.Dimension)
            throw new ModelInputException(nameof(data), $"the data has D = {data.Dimension} but the mixture has D = {mixture.Dimension}.");
        using var accumulator = new StatisticsAccumulator(mixture.ComponentCount, data.Dimension, threads, Precision.Double, persistentWorkers: false);
        accumulator.Begin(mixture);
        accumulator.Add(data);
        return accumulator.Statistics;
    }

    /// <summary>The statistics of the union of the two disjoint parts (a new object).</summary>
    public static MixtureStatistics Merge(MixtureStatistics a, MixtureStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.ComponentCount != b.ComponentCount || a.Dimension != b.Dimension)
            throw new ArgumentException("Statistics of different shapes cannot be merged.", nameof(b));
        var result = new MixtureStatistics(a.ComponentCount, a.Dimension, (double[])a._data.Clone());
        MergeInto(result._data, b._data, a.ComponentCount, a.Dimension);
        return result;
    }

    /// <summary>Values per component: 1 + D + D².</summary>
    internal static int Stride(int d) => 1 + d + d * d;

    /// <summary>Length of the flat layout.</summary>
    internal static int Length(int k, int d) => k * Stride(d) + 1;

    /// <summary>
    /// target ← target ∪ source (Chan et al.): N = Na + Nb, δ = x̄b − x̄a, x̄ = x̄a + δ Nb/N,
    /// W = Wa + Wb + δδᵀ Na Nb / N. Exact when either side is empty.
    /// </summary>
    internal static void MergeInto(Span<double> target, ReadOnlySpan<double> source, int k, int d)
    {
        int stride = Stride(d);
        Span<double> delta = stackalloc double[d];
        for (int c = 0; c < k; c++)
        {
            Span<double> t = target.Slice(c * stride, stride);
            ReadOnlySpan<double> s = source.Slice(c * stride, stride);
            double nb = s[0];
            if (nb == 0) continue;
            double na = t[0];
            if (na == 0)
            {
                s.CopyTo(t);
                continue;
            }
            double n = na + nb;
            double fb = nb / n, cross = na * fb;
            for (int i = 0; i < d; i++) delta[i] = s[1 + i] - t[1 + i];
            for (int i = 0; i < d; i++) t[1 + i] += delta[i] * fb;
            int w = 1 + d;
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) t[w + i * d + j] += s[w + i * d + j] + delta[i] * delta[j] * cross;
            }
            t[0] = n;
        }
        target[k * stride] += source[k * stride];
    }

    /// <summary>
    /// Shifts closer to the points (c_k + Σr(x − c_k)/Σr) for every component whose chunk mean lies beyond
    /// <see cref="Kernels.EStepModel.ShiftLimits"/> of its shift, from moments about the model's shifts in
    /// the shifted layout; null when none does (then the moments are accurate as they are).
    /// </summary>
    internal static double[]? BetterShifts(ReadOnlySpan<double> data, int k, int d, Kernels.EStepModel model)
    {
        int stride = Stride(d);
        double[]? shifts = null;
        for (int c = 0; c < k; c++)
        {
            ReadOnlySpan<double> t = data.Slice(c * stride, stride);
            double n = t[0];
            if (!(n > 0)) continue;
            double squared = 0;
            for (int i = 0; i < d; i++) squared += (t[1 + i] / n) * (t[1 + i] / n);
            if (!(squared > model.ShiftLimits[c]) || !double.IsFinite(squared)) continue;
            shifts ??= (double[])model.Shifts.Clone();
            for (int i = 0; i < d; i++) shifts[c * d + i] = model.Shifts[c * d + i] + t[1 + i] / n;
        }
        return shifts;
    }

    /// <summary>
    /// Converts moments about per-component shifts c_k — [Σ w r, Σ w r (x − c_k), Σ w r (x − c_k)(x − c_k)ᵀ]
    /// with only the upper triangle of the last filled — into the centred layout, in place.
    /// </summary>
    internal static void ShiftedToCentred(Span<double> data, int k, int d, ReadOnlySpan<double> shifts)
    {
        int stride = Stride(d);
        for (int c = 0; c < k; c++)
        {
            Span<double> t = data.Slice(c * stride, stride);
            double n = t[0];
            Span<double> s1 = t.Slice(1, d);
            Span<double> s2 = t.Slice(1 + d, d * d);
            if (n == 0)
            {
                t.Clear();
                continue;
            }
            // Divide rather than multiply by 1/n: n can be subnormal (responsibilities that nearly
            // underflow), where 1/n overflows but s1/n (a mean offset) stays finite.
            for (int i = 0; i < d; i++)
            {
                double offset = s1[i] / n;
                for (int j = i; j < d; j++)
                {
                    double v = s2[i * d + j] - offset * s1[j];
                    s2[i * d + j] = v;
                    s2[j * d + i] = v;
                }
            }
            for (int i = 0; i < d; i++) s1[i] = shifts[c * d + i] + s1[i] / n;
        }
    }
}
