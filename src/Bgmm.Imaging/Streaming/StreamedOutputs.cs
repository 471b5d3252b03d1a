using Bgmm.Kernels;

namespace Bgmm.Imaging.Streaming;

/// <summary>
/// Where a streamed segmentation writes its images, each a PNG of the image's size written row by row
/// (segments.png, at most 4096 pixels on its long side, when the last row is in). The streams are the
/// caller's: written from their current position, flushed, never closed. Write them to temporary files
/// and keep them only when the segmentation returns: a failed or cancelled run leaves them unfinished.
/// </summary>
/// <param name="Labels">labels.png: grey round(k·255/(K − 1)) per pixel (<see cref="LabelImage"/>).</param>
/// <param name="Mask">mask.png: 255 foreground, 0 background (<see cref="MaskImage"/>).</param>
/// <param name="Cutout">cutout.png: the foreground's colours, the background transparent (<see cref="Cutout"/>).</param>
/// <param name="Uncertainty">uncertainty.png: the posterior entropy, 0 … log K, colour-mapped (<see cref="HeatMap"/>).</param>
/// <param name="Segments">segments.png: the original and one panel per component (<see cref="SegmentsFigure"/>).</param>
public sealed record StreamedOutputs(Stream Labels, Stream Mask, Stream Cutout, Stream Uncertainty, Stream Segments)
{
    /// <summary>The file names of the streams, in the order of the parameters.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["labels.png", "mask.png", "cutout.png", "uncertainty.png", "segments.png"];
}

/// <summary>
/// The second pass of a streamed segmentation: every pixel labelled (through the colour table, or
/// directly when every pixel was fitted), the label, mask, cut-out and uncertainty rows written as
/// they come, the segments figure accumulated, and each component's pixels counted.
/// </summary>
internal sealed class OutputPass(ImageFile file, GaussianMixture mixture, bool[] isBackground, int threads)
{
    /// <summary>The pixels of each component.</summary>
    public long[] Counts { get; } = new long[mixture.ComponentCount];

    /// <summary>Labels every pixel and writes the outputs.</summary>
    /// <param name="table">The colour table with the label and entropy of each colour, or null to label every pixel directly.</param>
    /// <param name="outputs">The streams.</param>
    /// <param name="cancellationToken">Checked between bands.</param>
    public void Run((ColourTable Table, byte[] Labels, float[] Entropy)? table, StreamedOutputs outputs, CancellationToken cancellationToken)
    {
        ImageHeader header = file.Header;
        int width = header.Width, k = mixture.ComponentCount;
        using var labelsPng = new PngRowWriter(outputs.Labels, width, header.Height, PngRowFormat.Grey8, leaveOpen: true);
        using var maskPng = new PngRowWriter(outputs.Mask, width, header.Height, PngRowFormat.Grey8, leaveOpen: true);
        using var cutoutPng = new PngRowWriter(outputs.Cutout, width, header.Height, PngRowFormat.Rgba8, leaveOpen: true);
        using var uncertaintyPng = new PngRowWriter(outputs.Uncertainty, width, header.Height, PngRowFormat.Rgb8, leaveOpen: true);
        var canvas = new SegmentsCanvas(width, header.Height, k, SegmentsFigure.DefaultMaxLongSide, FigureFont.Typeface);
        byte[] levels = LabelImage.Levels(k), maskLevels = MaskImage.Levels(isBackground);
        double maxEntropy = StreamedSegmenter.UncertaintyMax(k);
        var model = new EStepModel(mixture);

        using var bands = new ImageBands(file, cancellationToken);
        int capacity = bands.BandRows * width;
        var labels = new byte[capacity];
        var entropy = new float[capacity];
        var rows = new int[capacity];
        byte[] r8 = [], g8 = [], b8 = [];
        if (bands.Is16Bit) (r8, g8, b8) = (new byte[capacity], new byte[capacity], new byte[capacity]);
        byte[] grey = new byte[width], mask = new byte[width], cutout = new byte[width * 4], heat = new byte[width * 3];
        var rowWork = new Action<int>[]
        {
            y => { LabelImage.Map(labels.AsSpan(y * width, width), levels, grey); labelsPng.WriteRow(grey); },
            y => { LabelImage.Map(labels.AsSpan(y * width, width), maskLevels, mask); maskPng.WriteRow(mask); },
            y => { Cutout.Pixels(R(y), G(y), B(y), labels.AsSpan(y * width, width), isBackground, cutout); cutoutPng.WriteRow(cutout); },
            y => { HeatMap.Pixels(entropy.AsSpan(y * width, width), 0, maxEntropy, heat, bytesPerPixel: 3); uncertaintyPng.WriteRow(heat); },
            y => canvas.AddRow(R(y), G(y), B(y), labels.AsSpan(y * width, width)),
        };
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };

        while (bands.Next())
        {
            int n = bands.Pixels;
            Label(bands, table, model, labels.AsSpan(0, n), entropy.AsSpan(0, n), rows.AsSpan(0, n));
            if (bands.Is16Bit)
            {
                ChannelScale.Narrow(bands.Red16, r8);
                ChannelScale.Narrow(bands.Green16, g8);
                ChannelScale.Narrow(bands.Blue16, b8);
            }
            foreach (byte label in labels.AsSpan(0, n)) Counts[label]++;
            int bandRows = bands.Rows;
            // Each output takes the band's rows in order; the outputs run side by side.
            Parallel.For(0, rowWork.Length, options, w =>
            {
                for (int y = 0; y < bandRows; y++) rowWork[w](y);
            });
        }
        cancellationToken.ThrowIfCancellationRequested();
        labelsPng.Complete();
        maskPng.Complete();
        cutoutPng.Complete();
        uncertaintyPng.Complete();
        outputs.Segments.Write(canvas.Encode());
        outputs.Segments.Flush();

        ReadOnlySpan<byte> R(int y) => (bands.Is16Bit ? r8 : bands.Red8).Slice(y * width, width);
        ReadOnlySpan<byte> G(int y) => (bands.Is16Bit ? g8 : bands.Green8).Slice(y * width, width);
        ReadOnlySpan<byte> B(int y) => (bands.Is16Bit ? b8 : bands.Blue8).Slice(y * width, width);
    }

    private void Label(ImageBands bands, (ColourTable Table, byte[] Labels, float[] Entropy)? table, EStepModel model,
        Span<byte> labels, Span<float> entropy, Span<int> rows)
    {
        if (table is (ColourTable colours, byte[] colourLabels, float[] colourEntropy))
        {
            if (bands.Is16Bit) colours.RowsOf(bands.Red16, bands.Green16, bands.Blue16, rows);
            else colours.RowsOf(bands.Red8, bands.Green8, bands.Blue8, rows);
            for (int i = 0; i < rows.Length; i++)
            {
                int row = rows[i];
                labels[i] = colourLabels[row];
                entropy[i] = colourEntropy[row];
            }
            return;
        }
        Dataset pixels = bands.ToDataset();
        LabelKernel.Summarise(model, pixels, labels, entropy, threads);
    }
}
