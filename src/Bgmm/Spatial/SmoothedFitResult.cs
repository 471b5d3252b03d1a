namespace Bgmm.Spatial;

/// <summary>
/// The outcome of <see cref="MeanFieldEmFitter.Fit"/>: the mixture, the mean-field marginals q of
/// every pixel, the labels argmax_k q_nk, and the history of F (SPEC §6).
/// </summary>
/// <remarks>
/// Components are in canonical order (descending weight, ties by mean, as <see cref="FitResult"/>),
/// and q, labels, counts and entropy use that order. To plot the whole fit, append
/// <see cref="ObjectiveTrace"/> to the independent fit's <see cref="FitResult.LogJointTrace"/>: the
/// join does not decrease, because F(q_0, θ_0) ≥ L(θ_0) when the smoothing starts from that fit.
/// </remarks>
public sealed class SmoothedFitResult
{
    private readonly float[] _marginals; // K planes of N (with slack), plane of canonical k at _offsets[k]
    private readonly int[] _offsets;
    private readonly byte[] _labels;

    internal SmoothedFitResult(GaussianMixture mixture, MixturePrior prior, SmoothingOptions options, int width, int height,
        double[] trace, int iterations, bool converged, double logPrior, float[] marginals, int[] offsets, byte[] labels,
        double[] componentCounts, int[] emptyComponents, string kernel)
    {
        Mixture = mixture;
        Prior = prior;
        Options = options;
        Width = width;
        Height = height;
        ObjectiveTrace = trace;
        Iterations = iterations;
        Converged = converged;
        LogPrior = logPrior;
        _marginals = marginals;
        _offsets = offsets;
        _labels = labels;
        ComponentCounts = componentCounts;
        EmptyComponents = emptyComponents;
        Kernel = kernel;
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
    public int Components => Mixture.Components;

    /// <summary>
    /// F(q_t, θ_t) for t = 0 … <see cref="Iterations"/>: entry t is F after the E-step's sweeps at θ_t
    /// (θ_0 = the starting mixture, q started from its responsibilities). It never decreases beyond
    /// rounding.
    /// </summary>
    public IReadOnlyList<double> ObjectiveTrace { get; }

    /// <summary>The final F: the last entry of <see cref="ObjectiveTrace"/>.</summary>
    public double Objective => ObjectiveTrace[^1];

    /// <summary>log p(θ_T), the log-prior part of <see cref="Objective"/> (NIW terms and the Dirichlet).</summary>
    public double LogPrior { get; }

    /// <summary>EM iterations (M-steps) run.</summary>
    public int Iterations { get; }

    /// <summary>Whether the tolerance was met (always false with tolerance 0).</summary>
    public bool Converged { get; }

    /// <summary>
    /// The marginals q_nk of component k (canonical order) for every pixel, row-major (pixel
    /// n = y·width + x): a probability map. Stored float32; each pixel's K values sum to 1 to float
    /// rounding (the fit reads them divided by their sum).
    /// </summary>
    public ReadOnlySpan<float> Marginal(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, Components);
        return _marginals.AsSpan(_offsets[k], _labels.Length);
    }

    /// <summary>argmax_k q_nk of every pixel (ties: the lowest k), row-major, canonical component indices.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>N_k = Σ_n q_nk at the final q, in canonical order.</summary>
    public IReadOnlyList<double> ComponentCounts { get; }

    /// <summary>Components (canonical indices) whose mass N_k is at most 1e-12 of the pixel count.</summary>
    public IReadOnlyList<int> EmptyComponents { get; }

    /// <summary>Which site-update kernel ran (diagnostics): "mean-field-v512", "…-v256", "…-v128" or "…-scalar".</summary>
    public string Kernel { get; }

    /// <summary>
    /// The entropy −Σ_k q_nk log q_nk (nats, 0 log 0 = 0) of every pixel's marginal, row-major: 0 where
    /// the label is certain, up to log K where the components are equally likely. For an uncertainty
    /// heat map. A new array on each call.
    /// </summary>
    public float[] ComputeEntropy()
    {
        int k = Components, pixels = _labels.Length;
        var entropy = new float[pixels];
        Span<float> stored = k <= 64 ? stackalloc float[k] : new float[k];
        Span<double> row = k <= 64 ? stackalloc double[k] : new double[k];
        for (int n = 0; n < pixels; n++)
        {
            for (int c = 0; c < k; c++) stored[c] = _marginals[_offsets[c] + n];
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

    /// <summary>
    /// The whole fit in the shape of a <see cref="FitResult"/> (and so of result.json): this mixture,
    /// the trace L of <paramref name="independent"/> followed by F, the iterations of both phases, and
    /// the independent phase's restarts. Its <see cref="FitResult.LogJoint"/> is the final F, its
    /// <see cref="FitResult.LogPrior"/> log p(θ) and its <see cref="FitResult.LogLikelihood"/> the
    /// independent-pixel log-likelihood of the pixels at the smoothed θ (so BIC keeps its meaning).
    /// </summary>
    /// <param name="independent">The independent-pixel fit this smoothing started from.</param>
    /// <param name="pixels">The pixels the smoothing was fitted to.</param>
    public FitResult CombineWith(FitResult independent, Dataset pixels)
    {
        ArgumentNullException.ThrowIfNull(independent);
        ArgumentNullException.ThrowIfNull(pixels);
        double[] trace = [.. independent.LogJointTrace, .. ObjectiveTrace];
        double logLikelihood = MixtureStatistics.Compute(pixels, Mixture, Options.Threads).LogLikelihood;
        return new FitResult(Mixture, Prior, independent.Options, trace, independent.Iterations + Iterations, Converged,
            independent.Restart, [.. independent.RestartLogJoints], [.. EmptyComponents], [.. ComponentCounts],
            logLikelihood, LogPrior, independent.Points, independent.TotalWeight, Kernel);
    }
}
