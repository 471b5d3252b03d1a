using System.Buffers.Text;

namespace Bgmm.Data;

/// <summary>
/// Labels the rows of a data set of tables with a fitted mixture and writes them as they are computed:
/// one integer per line (the component, argmax of the responsibilities, the lowest on ties), "\n"
/// after each, rows in order — never more than one block of labels in memory.
/// </summary>
public static class TableLabels
{
    /// <summary>Writes the label of every row of <paramref name="source"/>'s parts to <paramref name="output"/>.</summary>
    /// <param name="source">The rows (from memory, or read block by block with the next block read ahead).</param>
    /// <param name="mixture">The fitted mixture (the source's D).</param>
    /// <param name="output">Receives the labels; not closed.</param>
    /// <param name="cancellationToken">Stops between blocks.</param>
    /// <exception cref="DataFileException">A table cannot be read, or changed since it was opened.</exception>
    public static void Write(TableSource source, GaussianMixture mixture, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(output);
        if (mixture.Dimension != source.Dimension)
            throw new ModelInputException(nameof(mixture), $"the mixture has D = {mixture.Dimension} but the data has D = {source.Dimension}.");
        byte[] text = [];
        source.ForEachBlock((_, rows) =>
        {
            int[] labels = mixture.Predict(rows, source.Threads);
            // At most 11 characters per label (int32), and a newline.
            if (text.Length < labels.Length * 12) text = new byte[labels.Length * 12];
            int at = 0;
            foreach (int label in labels)
            {
                Utf8Formatter.TryFormat(label, text.AsSpan(at), out int written);
                at += written;
                text[at++] = (byte)'\n';
            }
            output.Write(text, 0, at);
        }, cancellationToken);
    }

    /// <summary>Writes the label of every row of <paramref name="parts"/>, in order, reading them in blocks sized from <paramref name="memoryBudget"/>.</summary>
    /// <param name="parts">≥ 1 tables with the mixture's number of columns (not disposed here).</param>
    /// <param name="mixture">The fitted mixture.</param>
    /// <param name="output">Receives the labels; not closed.</param>
    /// <param name="memoryBudget">Bytes the blocks may take (<see cref="TableSource.StreamedBlockRows"/>).</param>
    /// <param name="threads">Threads (0 = every core); the labels do not depend on it.</param>
    /// <param name="cancellationToken">Stops between blocks.</param>
    public static void Write(IReadOnlyList<IChunkedTable> parts, GaussianMixture mixture, Stream output, long memoryBudget,
        int threads = 0, CancellationToken cancellationToken = default)
    {
        using TableSource source = TableSource.Create(parts, memoryBudget, threads, streamed: true);
        Write(source, mixture, output, cancellationToken);
    }
}
