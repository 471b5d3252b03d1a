using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Bgmm.Data;

/// <summary>Rows [<see cref="First"/>, <see cref="First"/> + <see cref="Count"/>) of part <see cref="Part"/>.</summary>
/// <param name="Part">The part's index in the data set.</param>
/// <param name="First">The block's first row, counted in its part.</param>
/// <param name="Count">Rows in the block.</param>
/// <param name="Start">The block's first row, counted in the whole data set.</param>
internal readonly record struct TableBlock(int Part, long First, int Count, long Start)
{
    /// <summary>Whether the block ends its part.</summary>
    public bool EndsPart(IChunkedTable part) => First + Count == part.RowCount;
}

/// <summary>
/// The parts of a data set (their rows in the given order) cut into blocks: each part into blocks of
/// <see cref="BlockRows"/> rows, its last block excepted, or kept whole. Blocks never span two parts.
/// </summary>
internal sealed class TableBlocks
{
    private readonly long[] _partStart;

    /// <param name="parts">≥ 1 tables of the same number of columns.</param>
    /// <param name="blockRows">Rows per block (≥ 1).</param>
    /// <param name="wholePart">Which parts are one block, whatever their length (none by default).</param>
    public TableBlocks(IReadOnlyList<IChunkedTable> parts, int blockRows, Func<int, bool>? wholePart = null)
    {
        Parts = parts;
        BlockRows = blockRows;
        _partStart = new long[parts.Count + 1];
        var plan = new List<TableBlock>();
        for (int p = 0; p < parts.Count; p++)
        {
            long rows = parts[p].RowCount;
            long step = wholePart?.Invoke(p) == true ? rows : blockRows;
            for (long first = 0; first < rows; first += step) plan.Add(new TableBlock(p, first, (int)Math.Min(step, rows - first), _partStart[p] + first));
            _partStart[p + 1] = _partStart[p] + rows;
        }
        Plan = plan;
    }

    public IReadOnlyList<IChunkedTable> Parts { get; }

    public int BlockRows { get; }

    public IReadOnlyList<TableBlock> Plan { get; }

    /// <summary>Rows in all the parts.</summary>
    public long RowCount => _partStart[^1];

    public int Dimension => Parts[0].ColumnCount;

    /// <summary>The part holding row <paramref name="row"/> of the data set, and the row's index in it.</summary>
    public (int Part, long Row) Locate(long row)
    {
        int p = Array.BinarySearch(_partStart, row);
        if (p < 0) p = ~p - 1;
        return (p, row - _partStart[p]);
    }

    /// <summary>The index in <see cref="Plan"/> of the block holding row <paramref name="row"/> of the data set.</summary>
    public int BlockOf(long row)
    {
        int lo = 0, hi = Plan.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (Plan[mid].Start <= row) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Reads the block into new arrays of its exact length, as a dataset.</summary>
    public Dataset Read(TableBlock block) => Read(block, NewColumns(Dimension, block.Count));

    /// <summary>Reads the block into <paramref name="columns"/> (each exactly <see cref="TableBlock.Count"/> long), as a dataset over them.</summary>
    public Dataset Read(TableBlock block, double[][] columns)
    {
        Parts[block.Part].ReadChunk(block.First, block.Count, columns);
        return Dataset.WrapColumns(columns);
    }

    public static double[][] NewColumns(int d, int rows)
    {
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = GC.AllocateUninitializedArray<double>(rows);
        return columns;
    }
}

/// <summary>
/// Reads the blocks of a <see cref="TableBlocks"/> in order on a thread of its own, one block ahead of
/// the caller (double buffering): while the caller computes on block b, block b + 1 is read. At most
/// <see cref="Buffers"/> blocks exist at a time; their columns come from a <see cref="ColumnPool"/> that
/// outlives the pass, so a pass allocates nothing once the pool holds them.
/// </summary>
/// <remarks>
/// The block <see cref="MoveNext"/> hands out stays valid until the next call; an error of the reading
/// thread is thrown there, with its stack. <see cref="Dispose"/> stops the thread and waits for it
/// (at most one block's read), so that the tables are free for the next reader.
/// </remarks>
internal sealed class BlockReadAhead : IDisposable
{
    /// <summary>Blocks in memory at once: the one being computed on and the one being read.</summary>
    public const int Buffers = 2;

    private readonly TableBlocks _blocks;
    private readonly ColumnPool _pool;
    private readonly SemaphoreSlim _slots = new(Buffers);
    private readonly BlockingCollection<Item> _filled = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private double[][]? _held;

    public BlockReadAhead(TableBlocks blocks, ColumnPool pool)
    {
        _blocks = blocks;
        _pool = pool;
        _thread = new Thread(ReadAll) { IsBackground = true, Name = "bgmm block reader" };
        _thread.Start();
    }

    /// <summary>Waits for the next block; false after the last.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public bool MoveNext(out TableBlock block, out Dataset rows, CancellationToken cancellationToken)
    {
        Release();
        if (!_filled.TryTake(out Item item, Timeout.Infinite, cancellationToken))
        {
            (block, rows) = (default, null!);
            return false;
        }
        item.Error?.Throw();
        _held = item.Columns;
        (block, rows) = (item.Block, item.Rows!);
        return true;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        Release();
        while (_filled.TryTake(out Item item)) _pool.Return(item.Columns);
        _stop.Dispose();
        _slots.Dispose();
        _filled.Dispose();
    }

    /// <summary>Gives the block handed out last back to the pool.</summary>
    private void Release()
    {
        if (_held is null) return;
        _pool.Return(_held);
        _held = null;
        _slots.Release();
    }

    private void ReadAll()
    {
        try
        {
            foreach (TableBlock block in _blocks.Plan)
            {
                _slots.Wait(_stop.Token);
                double[][] columns = _pool.Rent(block.Count);
                _filled.Add(new Item(block, _blocks.Read(block, columns), columns, null), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed before the end: the caller stopped reading.
        }
        catch (Exception e)
        {
            _filled.Add(new Item(default, null, null, ExceptionDispatchInfo.Capture(e)), CancellationToken.None);
        }
        finally
        {
            _filled.CompleteAdding();
        }
    }

    private readonly record struct Item(TableBlock Block, Dataset? Rows, double[][]? Columns, ExceptionDispatchInfo? Error);
}

/// <summary>
/// Columns of exact lengths (a dataset's columns are exactly its rows long) kept for reuse: a few sets
/// per length, for a few lengths — the full blocks' and the parts' last blocks' in the usual cases of
/// one large part or of parts of equal sizes. Safe to use from two threads.
/// </summary>
internal sealed class ColumnPool(int dimension)
{
    private const int Lengths = 4;
    private readonly Lock _lock = new();
    private readonly List<(int Rows, Stack<double[][]> Sets)> _kept = [];

    /// <summary>D columns of <paramref name="rows"/> values (contents undefined).</summary>
    public double[][] Rent(int rows)
    {
        lock (_lock)
        {
            int i = _kept.FindIndex(k => k.Rows == rows);
            if (i >= 0 && _kept[i].Sets.Count > 0) return _kept[i].Sets.Pop();
        }
        return TableBlocks.NewColumns(dimension, rows);
    }

    /// <summary>Keeps <paramref name="columns"/> for a later <see cref="Rent"/> (or drops it when the pool is full).</summary>
    public void Return(double[][]? columns)
    {
        if (columns is null) return;
        lock (_lock)
        {
            int rows = columns[0].Length;
            int i = _kept.FindIndex(k => k.Rows == rows);
            if (i < 0)
            {
                if (_kept.Count == Lengths) _kept.RemoveAt(0);
                _kept.Add((rows, new Stack<double[][]>()));
                i = _kept.Count - 1;
            }
            if (_kept[i].Sets.Count < BlockReadAhead.Buffers) _kept[i].Sets.Push(columns);
        }
    }
}
