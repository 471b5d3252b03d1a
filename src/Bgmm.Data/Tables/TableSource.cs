namespace Bgmm.Data;

/// <summary>
/// The E-step over a data set given as an ordered list of tables (files, parts of a data set; their
/// rows in the given order), held in memory when it fits a memory budget and otherwise read from disk
/// on every pass, with the next block read while the current one is computed. Fit it with
/// <see cref="MapEmFitter.FitSource"/> (the source is also the reader of its rows) or
/// <see cref="TableFitter"/>.
/// </summary>
/// <remarks>
/// <para><b>Reduction tree.</b> The statistics of part p are a <see cref="StatisticsAccumulator"/> fold
/// over its rows in order, in blocks of a whole number of <see cref="StatisticsAccumulator.ChunkRows"/>
/// rows (the part's last block excepted), so they are those of the part in one block; the total is the
/// parts merged in order, ((P0 ∪ P1) ∪ P2) ∪ … by <see cref="MixtureStatistics.Merge"/>; the data term
/// is the merged log-likelihood. The tree depends on the parts alone: not on the memory budget, the
/// block size or the thread count. One part gives, bit for bit, what <see cref="MapEmFitter.Fit"/>
/// computes for a dataset of its rows.</para>
/// <para><b>Memory.</b> The parts are loaded when <see cref="LoadedBytes"/> (8·(D + 1) bytes per row:
/// the columns, and one distance per row for k-means++) is at most the budget. Otherwise every pass
/// streams them in blocks of <see cref="StreamedBlockRows"/> rows: two blocks' columns (the one computed
/// on, the one being read) take at most a quarter of the budget, which leaves the rest to the tables'
/// own read buffers (a Parquet row group), the runtime and the caller. Not counted either way: the
/// per-chunk statistics of one block (K·(1 + D + D²)·8 bytes per <see cref="StatisticsAccumulator.ChunkRows"/>
/// rows of a block: at most <see cref="MaxBlockRows"/> rows, or a whole table already in memory).</para>
/// <para>Tables whose columns are already in memory (<see cref="InMemoryTable"/>, a <see cref="CsvTable"/>
/// that was not converted) are used as they are when loading, not copied.</para>
/// <para>The source reads its tables but does not own them: dispose them after the source. The tables
/// must not be read by anyone else while the source uses them.</para>
/// </remarks>
public sealed class TableSource : StatisticsSource, IRowReader
{
    /// <summary>The largest block, in rows (256 chunks).</summary>
    public const int MaxBlockRows = 256 * StatisticsAccumulator.ChunkRows;

    private readonly TableBlocks _blocks;
    private readonly Dataset[]? _loaded;
    private readonly int _threads;
    private readonly Precision _precision;
    private readonly ColumnPool _pool;
    private StatisticsAccumulator? _accumulator;
    private double[][] _scratch = [];

    private TableSource(TableBlocks blocks, Dataset[]? loaded, int threads, Precision precision)
        : base(blocks.Dimension, blocks.RowCount, blocks.RowCount)
    {
        _blocks = blocks;
        _loaded = loaded;
        _threads = threads;
        _precision = precision;
        _pool = new ColumnPool(blocks.Dimension);
    }

    /// <summary>The tables, in order.</summary>
    public IReadOnlyList<IChunkedTable> Parts => _blocks.Parts;

    /// <summary>Whether every pass reads the tables (the data did not fit the budget) rather than rows held in memory.</summary>
    public bool IsStreamed => _loaded is null;

    /// <summary>Rows per block (a multiple of <see cref="StatisticsAccumulator.ChunkRows"/>).</summary>
    public int BlockRows => _blocks.BlockRows;

    /// <summary>N, the rows of all the parts.</summary>
    public long RowCount => PointCount;

    /// <summary>Whether the rows are held in memory (not <see cref="IsStreamed"/>).</summary>
    public bool InMemory => !IsStreamed;

    /// <inheritdoc/>
    public override string KernelName => _accumulator?.KernelName ?? "";

    /// <summary>The memory the rows of a data set take when loaded: 8·(D + 1) bytes per row.</summary>
    public static long LoadedBytes(long rows, int columns) => rows > long.MaxValue / 8 / (columns + 1L) ? long.MaxValue : rows * 8 * (columns + 1L);

    /// <summary>
    /// The rows of a streamed block: the largest multiple of <see cref="StatisticsAccumulator.ChunkRows"/>
    /// whose two blocks of <paramref name="columns"/> doubles fit a quarter of <paramref name="memoryBudget"/>,
    /// between one chunk and <see cref="MaxBlockRows"/>.
    /// </summary>
    public static int StreamedBlockRows(long memoryBudget, int columns)
    {
        long rows = Math.Max(0, memoryBudget) / 4 / (BlockReadAhead.Buffers * 8L * Math.Max(1, columns));
        rows = rows / StatisticsAccumulator.ChunkRows * StatisticsAccumulator.ChunkRows;
        return (int)Math.Clamp(rows, StatisticsAccumulator.ChunkRows, MaxBlockRows);
    }

    /// <summary>A source over <paramref name="parts"/>, loading them now if they fit <paramref name="memoryBudget"/>.</summary>
    /// <param name="parts">≥ 1 tables with the same number of columns; their rows in this order are the data set.</param>
    /// <param name="memoryBudget">Bytes the rows may take (see the remarks); 0 always streams, <see cref="long.MaxValue"/> always loads.</param>
    /// <param name="threads">E-step threads (0 = every core); results do not depend on it. A reading thread comes on top while streaming.</param>
    /// <param name="precision">The E-step kernel's arithmetic.</param>
    /// <param name="cancellationToken">Stops the loading between blocks.</param>
    /// <exception cref="DataFileException">A part has another number of columns than the first, or cannot be read while loading.</exception>
    public static TableSource Open(IReadOnlyList<IChunkedTable> parts, long memoryBudget, int threads = 0, Precision precision = Precision.Double,
        CancellationToken cancellationToken = default) =>
        Create(parts, memoryBudget, threads, streamed: false, precision, cancellationToken);

    /// <summary>As <see cref="Open"/>; <paramref name="streamed"/> streams whatever the size.</summary>
    internal static TableSource Create(IReadOnlyList<IChunkedTable> parts, long memoryBudget, int threads, bool streamed,
        Precision precision = Precision.Double, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("give at least one table.", nameof(parts));
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudget);
        if (threads < 0) throw new ModelInputException("threads", $"threads = {threads}: it must be ≥ 0 (0 = all cores).");
        for (int p = 0; p < parts.Count; p++)
        {
            IChunkedTable part = parts[p] ?? throw new ArgumentException($"part {p} is null.", nameof(parts));
            if (part.ColumnCount != parts[0].ColumnCount)
            {
                throw new DataFileException(part.Name,
                    $"{part.Name}: {part.ColumnCount} column{(part.ColumnCount == 1 ? "" : "s")} where {parts[0].Name} has {parts[0].ColumnCount}; every part of a data set must have the same columns.");
            }
        }
        long rows = parts.Sum(p => p.RowCount);
        int d = parts[0].ColumnCount;
        if (streamed || LoadedBytes(rows, d) > memoryBudget)
            return new TableSource(new TableBlocks(parts, StreamedBlockRows(memoryBudget, d)), null, threads, precision);
        // Columns already in memory (an in-memory table, a CSV held in memory) are one block each, not copied.
        var blocks = new TableBlocks(parts, MaxBlockRows, p => InMemoryColumns(parts[p]) is not null);
        var loaded = new Dataset[blocks.Plan.Count];
        for (int b = 0; b < loaded.Length; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TableBlock block = blocks.Plan[b];
            double[][]? columns = InMemoryColumns(parts[block.Part]);
            loaded[b] = columns is null ? blocks.Read(block) : Dataset.WrapColumns(columns);
        }
        return new TableSource(blocks, loaded, threads, precision);
    }

    private static double[][]? InMemoryColumns(IChunkedTable part) => part is IColumnsInMemory memory ? memory.Columns : null;

    /// <summary>Prepares the accumulator for the restart's K.</summary>
    public override void Start(GaussianMixture initial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initial);
        Accumulator(initial.ComponentCount);
    }

    /// <summary>One pass: each part folded in order, the parts merged in order (<see cref="PartStatistics"/>).</summary>
    /// <exception cref="DataFileException">A table cannot be read, or changed since an earlier pass.</exception>
    /// <exception cref="ModelInputException">A row's density underflows under every component (named by its row in its part).</exception>
    public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        StatisticsAccumulator accumulator = Accumulator(parameters.ComponentCount);
        var parts = new MixtureStatistics[Parts.Count];
        ForEachBlock((block, rows) =>
        {
            if (block.First == 0) accumulator.Begin(parameters);
            try
            {
                accumulator.Add(rows, cancellationToken);
            }
            catch (ModelInputException e)
            {
                throw PartStatistics.PartError(Parts[block.Part].Name, Parts.Count, e);
            }
            if (block.EndsPart(Parts[block.Part])) parts[block.Part] = accumulator.Statistics;
        }, cancellationToken);
        return PartStatistics.Merge(parts);
    }

    /// <summary>1: table rows are unweighted.</summary>
    public double Weight(long row) => 1.0;

    /// <inheritdoc/>
    public void ReadRows(long firstRow, int rowCount, double[][] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow, RowCount - rowCount);
        int done = 0;
        while (done < rowCount)
        {
            if (_loaded is not null)
            {
                int b = _blocks.BlockOf(firstRow + done);
                int offset = (int)(firstRow + done - _blocks.Plan[b].Start);
                int n = Math.Min(rowCount - done, _blocks.Plan[b].Count - offset);
                for (int j = 0; j < Dimension; j++) _loaded[b].Column(j).Slice(offset, n).CopyTo(columns[j].AsSpan(done));
                done += n;
                continue;
            }
            (int p, long row) = _blocks.Locate(firstRow + done);
            int count = (int)Math.Min(rowCount - done, Parts[p].RowCount - row);
            if (done == 0)
            {
                Parts[p].ReadChunk(row, count, columns);
            }
            else
            {
                if (_scratch.Length == 0 || _scratch[0].Length < count) _scratch = TableBlocks.NewColumns(Dimension, count);
                Parts[p].ReadChunk(row, count, _scratch);
                for (int j = 0; j < Dimension; j++) _scratch[j].AsSpan(0, count).CopyTo(columns[j].AsSpan(done));
            }
            done += count;
        }
    }

    /// <summary>
    /// The classification entropy −Σ_n Σ_k r_nk log r_nk of the rows under <paramref name="mixture"/> (the term ICL
    /// adds to BIC), one pass block by block (<see cref="Responsibilities.AddEntropy"/>): the same bit for bit
    /// whether the rows are loaded or streamed, whatever the budget.
    /// </summary>
    /// <exception cref="DataFileException">A table cannot be read, or changed since it was opened.</exception>
    public double Entropy(GaussianMixture mixture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        double total = 0;
        ForEachBlock((_, rows) => total = Responsibilities.AddEntropy(total, mixture, rows, _threads), cancellationToken);
        return total;
    }

    /// <summary>
    /// Calls <paramref name="action"/> on every block in order (from memory, or read one block ahead on
    /// another thread). A streamed block's rows are valid only during the call.
    /// </summary>
    internal void ForEachBlock(Action<TableBlock, Dataset> action, CancellationToken cancellationToken)
    {
        if (_loaded is not null)
        {
            for (int b = 0; b < _loaded.Length; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                action(_blocks.Plan[b], _loaded[b]);
            }
            return;
        }
        using var ahead = new BlockReadAhead(_blocks, _pool);
        while (ahead.MoveNext(out TableBlock block, out Dataset rows, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            action(block, rows);
        }
    }

    /// <summary>The E-step threads (as given to <see cref="Open"/>).</summary>
    internal int Threads => _threads;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing) => _accumulator?.Dispose();

    private StatisticsAccumulator Accumulator(int k)
    {
        if (_accumulator is null || _accumulator.ComponentCount != k)
        {
            _accumulator?.Dispose();
            _accumulator = new StatisticsAccumulator(k, Dimension, _threads, _precision);
        }
        return _accumulator;
    }
}
