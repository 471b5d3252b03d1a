namespace Bgmm.Data;

/// <summary>
/// Fits a Bayesian Gaussian mixture by MAP-EM to a data set given as an ordered list of tables (files
/// of any size): <see cref="MapEmFitter.Fit"/> for data that may not fit in memory.
/// </summary>
/// <remarks>
/// One <see cref="TableSource"/> (loaded or streamed by the memory budget) fitted by
/// <see cref="MapEmFitter.FitSource"/>: the same checks, the same initial mixtures (random rows drawn
/// as from a dataset of the concatenated rows, read one by one; k-means++ by passes over the rows when
/// they are streamed) and, for one part, the same result bit for bit as <see cref="MapEmFitter.Fit"/>
/// on a dataset of its rows. To fit the same data several times (several K), open one
/// <see cref="TableSource"/> and call <see cref="MapEmFitter.FitSource"/> for each.
/// </remarks>
public static class TableFitter
{
    /// <summary>Fits <see cref="FitOptions.ComponentCount"/> components to the rows of <paramref name="parts"/>, in order.</summary>
    /// <param name="parts">≥ 1 tables with the same columns (not disposed here).</param>
    /// <param name="prior">The prior; null for <see cref="MixturePrior.Default"/> of the data's D.</param>
    /// <param name="options">K, iterations, tolerance, restarts, seed, initialisation, threads, precision.</param>
    /// <param name="memoryBudget">Bytes the rows may take (<see cref="TableSource"/>'s remarks).</param>
    /// <param name="progress">Told after every iteration (synchronously, on the fitting thread).</param>
    /// <param name="cancellationToken">Stops the loading between blocks, a pass between blocks and the fit between iterations.</param>
    /// <exception cref="ModelInputException">An option, the prior or the initial mixture does not fit the data.</exception>
    /// <exception cref="DataFileException">A table cannot be read, or changed during the fit.</exception>
    public static FitResult Fit(IReadOnlyList<IChunkedTable> parts, MixturePrior? prior, FitOptions options, long memoryBudget,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using TableSource source = TableSource.Open(parts, memoryBudget, options.Threads, options.Precision, cancellationToken);
        return MapEmFitter.FitSource(source, source, prior, options, progress, cancellationToken);
    }
}
