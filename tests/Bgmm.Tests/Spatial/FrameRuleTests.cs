using Bgmm.Spatial;

namespace Bgmm.Tests.Spatial;

/// <summary>The frame rule on hand-made label maps, and its bounded preview.</summary>
public class FrameRuleTests
{
    private static readonly double[,] Tight = { { 0.001, 0, 0 }, { 0, 0.001, 0 }, { 0, 0, 0.001 } };

    private static GaussianMixture Mixture(params double[][] means) =>
        new([.. means.Select(_ => 1.0 / means.Length)], means, [.. means.Select(_ => Tight)]);

    /// <summary>
    /// 20×20: component 0 the top half, 1 the bottom half, 2 a 4×4 block in the middle, 3 a 6×6 block cut by the
    /// left edge, 4 a 5×5 block in the top half with component 0's colour, 5 the right column's top 6 rows with its own colour.
    /// </summary>
    private static byte[] Map()
    {
        var labels = new byte[400];
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 20; x++)
            {
                byte l = y < 10 ? (byte)0 : (byte)1;
                if (x is >= 8 and < 12 && y is >= 8 and < 12) l = 2;
                if (x < 6 && y is >= 12 and < 18) l = 3;
                if (x is >= 12 and < 17 && y is >= 1 and < 6) l = 4;
                if (x == 19 && y < 6) l = 5;
                labels[y * 20 + x] = l;
            }
        }
        return labels;
    }

    [Fact]
    public void Decide_BackgroundIsWhatReachesTwoEdges_ObjectsTouchAtMostOne_OneColourSharesASide()
    {
        double[][] means = [[0.1, 0.1, 0.9], [0.1, 0.8, 0.1], [0.9, 0.2, 0.1], [0.9, 0.9, 0.2], [0.1, 0.1, 0.9], [0.5, 0.5, 0.5]];
        ForegroundSplit split = ForegroundSplit.Decide(Map(), 20, 20, Mixture(means));

        // 0 and 1 reach the left and right edges; 4 has 0's colour; 2 is enclosed; 3 touches only the left edge;
        // 5 holds 6 of the right edge's 20 pixels; the majority filter keeps 5 (its lowest pixel has 2 votes of 6,
        // the others tie and keep their own) and the top edge's one: it touches the right edge only.
        Assert.Equal(new[] { true, true, false, false, true, false }, split.IsBackground);
        Assert.Equal(ForegroundReason.SpansFrame, split.Verdicts[0].Reason);
        Assert.Equal(FrameSides.Top | FrameSides.Left | FrameSides.Right, split.Verdicts[0].Sides);
        Assert.Equal(ForegroundReason.Enclosed, split.Verdicts[3].Reason);
        Assert.Equal(FrameSides.Left, split.Verdicts[3].Sides);
        Assert.Equal(new[] { 0, 4 }, split.Verdicts[4].Colour);
        Assert.Contains("one colour with component 0", split.Verdicts[4].Explanation);
        Assert.Equal(FrameSides.Right, split.Verdicts[5].Sides);
        Assert.Equal([0, 0, 0, 0.25], split.Verdicts[5].EdgeShares.Select((v, i) => i == 0 ? 0 : v));
        Assert.Equal((16 + 36 + 6) / 400.0, split.Share);   // the share counts the unfiltered map
        // No pixel: background.
        byte[] without = [.. Map().Select(l => l == 5 ? (byte)0 : l)];
        Assert.Equal(ForegroundReason.Absent, ForegroundSplit.Decide(without, 20, 20, Mixture(means)).Verdicts[5].Reason);
    }

    [Fact]
    public void Decide_ACornerIsBackground_ASingleEdgeIsNot()
    {
        // Component 1 fills the top-left corner (8×8), 2 a block on the bottom edge; 0 the rest.
        var labels = new byte[400];
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 20; x++) labels[y * 20 + x] = x < 8 && y < 8 ? (byte)1 : x is >= 8 and < 14 && y >= 15 ? (byte)2 : (byte)0;
        }
        ForegroundSplit split = ForegroundSplit.Decide(labels, 20, 20, Mixture([0.1, 0.1, 0.9], [0.1, 0.8, 0.1], [0.9, 0.2, 0.1]));
        Assert.Equal(new[] { true, true, false }, split.IsBackground);
        Assert.Equal(FrameSides.Top | FrameSides.Left, split.Verdicts[1].Sides);
        Assert.Equal(FrameSides.Bottom, split.Verdicts[2].Sides);
    }

    [Fact]
    public void Preview_KeepsTheFrame_AndIsWhatTheWholeMapGives()
    {
        Assert.Equal((512, 5), LabelPreview.Size(1000, 10));
        Assert.Equal((300, 200), LabelPreview.Size(300, 200));
        Assert.Equal(0, LabelPreview.SourceIndex(0, 1000, 512));
        Assert.Equal(999, LabelPreview.SourceIndex(511, 1000, 512));
        Assert.Equal((2 * 100 + 1) * 1000 / (2 * 512), LabelPreview.SourceIndex(100, 1000, 512));

        // A 1200×900 map: the decision from the preview and the counts equals the one from the whole map.
        const int w = 1200, h = 900;
        var labels = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++) labels[y * w + x] = (x - 600) * (x - 600) + (y - 450) * (y - 450) < 200 * 200 ? (byte)2 : y < 400 ? (byte)0 : (byte)1;
        }
        GaussianMixture mixture = Mixture([0.1, 0.1, 0.9], [0.1, 0.8, 0.1], [0.9, 0.2, 0.1]);
        ForegroundSplit whole = ForegroundSplit.Decide(labels, w, h, mixture);
        (byte[] preview, int pw, int ph) = LabelPreview.Sample(labels, w, h);
        Assert.Equal((512, 384), (pw, ph));
        long[] counts = [.. Enumerable.Range(0, 3).Select(k => (long)labels.Count(l => l == k))];
        ForegroundSplit streamed = ForegroundSplit.Decide(preview, pw, ph, mixture, counts);
        Assert.Equal(new[] { true, true, false }, whole.IsBackground);
        Assert.Equal(whole.IsBackground, streamed.IsBackground);
        Assert.Equal(whole.Share, streamed.Share);
        Assert.Equal(counts[2] / (double)(w * h), whole.Share);
    }
}
