namespace Bgmm.Kernels;

/// <summary>
/// One pass of the E-step over a range of rows: responsibilities (never stored) accumulated into
/// moments about each component's current mean, plus the log-likelihood.
/// </summary>
internal interface IStatisticsKernel
{
    /// <summary>A short name for diagnostics ("scalar", "avx512-d3", …).</summary>
    string Name { get; }

    /// <summary>
    /// Accumulates rows [start, end) of <paramref name="data"/> into <paramref name="statistics"/>
    /// (the <see cref="MixtureStatistics"/> layout, zeroed by the caller) as shifted moments about
    /// μ_k — [Σ w r, Σ w r (x − μ_k), upper triangle of Σ w r (x − μ_k)(x − μ_k)ᵀ] — and adds the
    /// rows' log-likelihood to the last entry.
    /// </summary>
    void Accumulate(EStepModel model, Dataset data, int start, int end, Span<double> statistics);
}
