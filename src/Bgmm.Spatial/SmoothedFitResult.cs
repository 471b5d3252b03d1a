namespace Bgmm.Spatial;

/// <summary>
/// The outcome of <see cref="MeanFieldEmFitter.Fit"/>: the mixture, the mean-field marginals q of every
/// pixel, the labels argmax_k q_nk, and the history of F (SPEC §6). Its objective is F, not the log joint.
/// </summary>
/// <remarks>
/// Components are in canonical order (descending weight, ties by mean, as <see cref="FitResult"/>), and
/// q, labels, counts and entropy use that order. To plot a smoothing that started from an independent
/// fit, append <see cref="ObjectiveTrace"/> to that fit's <see cref="FitResult.LogJointTrace"/>: the join
/// does not decrease, because F(q_0, θ_0) ≥ L(θ_0) when the smoothing starts from that fit.
/// </remarks>
public sealed class SmoothedFitResult
{
    private readonly PottsLattice _lattice;
    private readonly int[] _order;
    private readonly byte[] _labels;

    internal SmoothedFitResult(EmRun run, MixturePrior prior, SmoothingOptions options, PottsLattice lattice, string kernelName, double logLikelihood, long points)
    {
        LogLikelihood = logLikelihood;
        Points = points;
        Mixture = run.Mixture;
        Prior = prior;
        Options = options;
        Width = lattice.Grid.Width;
        Height = lattice.Grid.Height;
        ObjectiveTrace = run.ObjectiveTrace;
        Iterations = run.Iterations;
        Converged = run.Converged;
        LogPrior = run.LogPrior;
        ComponentCounts = run.ComponentCounts;
        EmptyComponents = run.EmptyComponents;
        KernelName = kernelName;
        _lattice = lattice;
        _order = [.. run.CanonicalOrder];
        _labels = Labelled();
    }

    /// <summary>The fitted mixture θ_T, components in canonical order.</summary>
    public GaussianMixture Mixture { get; }

    /// <summary>The prior the fit used.</summary>
    public MixturePrior Prior { get; }

    /// <summary>The options the fit used.</summary>
    public SmoothingOptions Options { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>K.</summary>
    public int ComponentCount => Mixture.ComponentCount;

    /// <summary>
    /// F(q_t, θ_t) for t = 0 … <see cref="Iterations"/>: entry t is F after the E-step's sweeps at θ_t
    /// (θ_0 = the starting mixture, q started from its responsibilities). It never decreases beyond rounding.
    /// </summary>
    public IReadOnlyList<double> ObjectiveTrace { get; }

    /// <summary>The final F: the last entry of <see cref="ObjectiveTrace"/>.</summary>
    public double Objective => ObjectiveTrace[^1];

    /// <summary>log p(θ_T), the log-prior part of <see cref="Objective"/> (NIW terms and the Dirichlet).</summary>
    public double LogPrior { get; }

    /// <summary>
    /// log p(X | θ_T) = Σ_n log Σ_k π_k N(x_n | μ_k, Σ_k), the independent-pixel log-likelihood of the pixels
    /// at the smoothed parameters (not a term of F; it gives <see cref="Bic"/> its usual meaning).
    /// </summary>
    public double LogLikelihood { get; }

    /// <summary>Number of pixels (the N of BIC).</summary>
    public long Points { get; }

    /// <summary>BIC of the smoothed mixture as an independent-pixel model: −2 <see cref="LogLikelihood"/> + p log N.</summary>
    public double Bic => -2.0 * LogLikelihood + Mixture.ParameterCount * Math.Log(Points);

    /// <summary>EM iterations (M-steps) run.</summary>
    public int Iterations { get; }

    /// <summary>Whether the tolerance was met (always false with tolerance 0).</summary>
    public bool Converged { get; }

    /// <summary>N_k = Σ_n q_nk at the final q, in canonical order.</summary>
    public IReadOnlyList<double> ComponentCounts { get; }

    /// <summary>Components (canonical indices) whose mass N_k is at most 1e-12 of the pixel count.</summary>
    public IReadOnlyList<int> EmptyComponents { get; }

    /// <summary>Which site-update kernel ran (diagnostics).</summary>
    internal string KernelName { get; }

    /// <summary>argmax_k q_nk of every pixel (ties: the lowest k), row-major, canonical component indices.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>
    /// The marginals q_nk of component k (canonical order) for every pixel, row-major (pixel n = y·width + x):
    /// a probability map, as stored (float32; each pixel's K values sum to 1 to float rounding). A new array on each call.
    /// </summary>
    public float[] Marginal(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, ComponentCount);
        var plane = new float[Width * Height];
        Span<float> row = stackalloc float[_lattice.ComponentCount];
        for (int p = 0; p < plane.Length; p++)
        {
            _lattice.GetMarginals(p, row);
            plane[p] = row[_order[k]];
        }
        return plane;
    }

    /// <summary>
    /// The entropy −Σ_k q_nk log q_nk (nats, 0 log 0 = 0) of every pixel's marginal, row-major: 0 where the
    /// label is certain, up to log K where the components are equally likely. A new array on each call.
    /// </summary>
    public float[] ComputeEntropy()
    {
        int k = ComponentCount;
        var entropy = new float[Width * Height];
        Span<float> stored = k <= 64 ? stackalloc float[k] : new float[k];
        Span<double> row = k <= 64 ? stackalloc double[k] : new double[k];
        for (int n = 0; n < entropy.Length; n++)
        {
            _lattice.GetMarginals(n, stored);
            MarginalRows.Normalise(stored, row);
            double h = 0;
            foreach (double q in row)
            {
                if (q > 0) h -= q * Math.Log(q);
            }
            entropy[n] = (float)Math.Max(0.0, h);
        }
        return entropy;
    }

    /// <summary>argmax over the stored q in canonical order (strictly greater: ties keep the lowest k).</summary>
    private byte[] Labelled()
    {
        int k = ComponentCount;
        var labels = new byte[Width * Height];
        Span<float> stored = k <= 256 ? stackalloc float[k] : new float[k];
        for (int n = 0; n < labels.Length; n++)
        {
            _lattice.GetMarginals(n, stored);
            int best = 0;
            for (int i = 1; i < k; i++)
            {
                if (stored[_order[i]] > stored[_order[best]]) best = i;
            }
            labels[n] = (byte)best;
        }
        return labels;
    }
}
