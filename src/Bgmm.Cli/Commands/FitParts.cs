using Bgmm.Data;

namespace Bgmm.Cli.Commands;

/// <summary>
/// The data of <c>bgmm fit PART...</c>: the parts' tables, a reader of their rows (the initialisation's
/// draws, the labels) and the E-step source — computed here (<see cref="Local"/>) or on a cluster
/// (<see cref="ClusterFit.Open"/>). Both follow the same reduction tree, so they give the same fit.
/// </summary>
internal sealed class FitParts : IDisposable
{
    /// <summary>Bytes a CSV part may take in memory before it is converted to a temporary binary file.</summary>
    public const long CsvMemoryBudget = 1L << 30;

    private readonly IReadOnlyList<IChunkedTable> _tables;
    private readonly IDisposable? _owner;

    /// <param name="tables">The parts, in order.</param>
    /// <param name="source">The E-step.</param>
    /// <param name="rows">The rows of the parts.</param>
    /// <param name="owner">What owns the tables and the rows (disposed after the source), or null when the tables are this object's.</param>
    public FitParts(IReadOnlyList<IChunkedTable> tables, StatisticsSource source, IRowReader rows, IDisposable? owner)
    {
        _tables = tables;
        Source = source;
        Rows = rows;
        _owner = owner;
    }

    public IReadOnlyList<IChunkedTable> Tables => _tables;

    public StatisticsSource Source { get; }

    public IRowReader Rows { get; }

    /// <summary>The parts fitted on this machine: one <see cref="TableSource"/>, loaded when they fit a quarter of the memory.</summary>
    public static FitParts Local(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        IChunkedTable[] tables = Open(paths, cancellationToken);
        try
        {
            long budget = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;
            TableSource source = TableSource.Open(tables, budget, cancellationToken: cancellationToken);
            return new FitParts(tables, source, source, null);
        }
        catch
        {
            foreach (IChunkedTable table in tables) table.Dispose();
            throw;
        }
    }

    /// <summary>Opens every part (by extension).</summary>
    public static IChunkedTable[] Open(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var tables = new List<IChunkedTable>(paths.Count);
        try
        {
            foreach (string path in paths) tables.Add(TableFiles.Open(path, [], CsvMemoryBudget, cancellationToken));
            return [.. tables];
        }
        catch
        {
            foreach (IChunkedTable table in tables) table.Dispose();
            throw;
        }
    }

    /// <summary>Closes the source, then the tables.</summary>
    public void Dispose()
    {
        Source.Dispose();
        if (_owner is not null)
        {
            _owner.Dispose();
            return;
        }
        foreach (IChunkedTable table in _tables) table.Dispose();
    }
}
