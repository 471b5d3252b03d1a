namespace Bgmm.Imaging.Streaming;

/// <summary>
/// The E-step over an image's colour table (one row per distinct colour, weighted by its pixel count):
/// the statistics of the compressed dataset of the same image, whose points are the pixels.
/// </summary>
internal sealed class ColourTableSource(Dataset table, long pixels, int components, int threads, Precision precision)
    : StatisticsSource(table.Dimension, pixels, table.TotalWeight)
{
    private readonly StatisticsAccumulator _accumulator = new(components, table.Dimension, threads, precision);

    public override string KernelName => _accumulator.KernelName;

    public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken)
    {
        _accumulator.Begin(parameters);
        _accumulator.Add(table, cancellationToken);
        MixtureStatistics statistics = _accumulator.Statistics;
        return new EStepResult(statistics, statistics.LogLikelihood);
    }

    protected override void Dispose(bool disposing) => _accumulator.Dispose();
}

/// <summary>
/// The E-step over every pixel of an image file, read again at each E-step: blocks of whole chunks
/// (<see cref="StatisticsAccumulator.ChunkRows"/>) in row-major order, so the statistics are those of
/// the image's dataset in memory, bit for bit.
/// </summary>
internal sealed class ImagePixelSource : StatisticsSource
{
    private readonly ImageFile _file;
    private readonly StatisticsAccumulator _accumulator;
    private readonly PixelBlocks _blocks;

    public ImagePixelSource(ImageFile file, int components, int threads, Precision precision)
        : base(3, file.Header.PixelCount, file.Header.PixelCount)
    {
        _file = file;
        _accumulator = new StatisticsAccumulator(components, 3, threads, precision);
        _blocks = new PixelBlocks(file.Header.BitsPerChannel);
    }

    public override string KernelName => _accumulator.KernelName;

    public override EStepResult EStep(GaussianMixture parameters, CancellationToken cancellationToken)
    {
        _accumulator.Begin(parameters);
        _blocks.ForEach(_file, block => _accumulator.Add(block, cancellationToken), cancellationToken);
        MixtureStatistics statistics = _accumulator.Statistics;
        return new EStepResult(statistics, statistics.LogLikelihood);
    }

    protected override void Dispose(bool disposing) => _accumulator.Dispose();
}

/// <summary>
/// Cuts one pass over an image into datasets of <see cref="BlockPixels"/> pixels (the last one
/// shorter), row-major, stored as <see cref="RgbImage.ToDataset"/> stores them: byte planes for 8-bit
/// images, columns of doubles for 16-bit ones. The blocks' arrays are reused from block to block.
/// </summary>
internal sealed class PixelBlocks(int bitsPerChannel)
{
    /// <summary>Pixels per block: a whole number of the E-step's chunks and of the labelling's.</summary>
    public const int BlockPixels = 1 << 16;

    private readonly byte[][] _bytes = bitsPerChannel == 8 ? [new byte[BlockPixels], new byte[BlockPixels], new byte[BlockPixels]] : [];
    private readonly double[][] _doubles = bitsPerChannel == 16 ? [new double[BlockPixels], new double[BlockPixels], new double[BlockPixels]] : [];

    /// <summary>Hands every block of the image, in order, to <paramref name="add"/>.</summary>
    public void ForEach(ImageFile file, Action<Dataset> add, CancellationToken cancellationToken)
    {
        using var bands = new ImageBands(file, cancellationToken);
        int filled = 0;
        while (bands.Next())
        {
            int taken = 0;
            while (taken < bands.Pixels)
            {
                int count = Math.Min(BlockPixels - filled, bands.Pixels - taken);
                Copy(bands, taken, filled, count);
                filled += count;
                taken += count;
                if (filled == BlockPixels)
                {
                    add(Block(BlockPixels));
                    filled = 0;
                }
            }
        }
        if (filled > 0) add(Block(filled));
    }

    private void Copy(ImageBands bands, int from, int to, int count)
    {
        if (bands.Is16Bit)
        {
            ChannelScale.Scale16(bands.Red16.Slice(from, count), _doubles[0].AsSpan(to));
            ChannelScale.Scale16(bands.Green16.Slice(from, count), _doubles[1].AsSpan(to));
            ChannelScale.Scale16(bands.Blue16.Slice(from, count), _doubles[2].AsSpan(to));
        }
        else
        {
            bands.Red8.Slice(from, count).CopyTo(_bytes[0].AsSpan(to));
            bands.Green8.Slice(from, count).CopyTo(_bytes[1].AsSpan(to));
            bands.Blue8.Slice(from, count).CopyTo(_bytes[2].AsSpan(to));
        }
    }

    private Dataset Block(int pixels)
    {
        if (_bytes.Length > 0)
        {
            byte[][] planes = pixels == BlockPixels ? _bytes : [.. _bytes.Select(p => p[..pixels])];
            return Dataset.FromBytePlanes(planes, scaleDivisor: byte.MaxValue);
        }
        double[][] columns = pixels == BlockPixels ? _doubles : [.. _doubles.Select(c => c[..pixels])];
        return Dataset.WrapColumns(columns);
    }
}
