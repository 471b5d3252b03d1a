using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class TracePlotTests
{
    // A typical image fit: a poor initial guess, a fast rise, then a slow creep towards the optimum.
    private static readonly double[] Typical =
        [.. Enumerable.Range(0, 101).Select(t => t == 0 ? -1e5 : 2.7e5 - 1.2e5 * Math.Exp(-t / 2.0) - 800 * Math.Exp(-t / 25.0))];

    [Fact]
    public void Render_DefaultSize_IsAPngOf900By560()
    {
        byte[] png = TracePlot.Render(Typical, "fox, K = 2");

        Assert.Equal((900, 560), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_RequestedSize_IsHonoured()
    {
        byte[] png = TracePlot.Render(Typical, "fox, K = 2", width: 640, height: 420);

        Assert.Equal((640, 420), PngInfo.ReadSize(png));
    }

    public static TheoryData<string, double[]> EdgeCases => new()
    {
        { "one entry (no iterations)", [123.4] },
        { "two entries", [-1e5, 2.7e5] },
        { "constant", [.. Enumerable.Repeat(2.7e5, 50)] },
        { "constant zero", [0, 0, 0, 0, 0] },
        { "far-below first entry", [-1e5, 2.7e5, 2.7e5 + 1, 2.7e5 + 1.5, 2.7e5 + 1.6] },
        { "changes at rounding level", [.. Enumerable.Range(0, 101).Select(t => 270512.3341 + 1e-7 * (1 - Math.Exp(-t / 10.0)))] },
        { "negative and tiny", [-1e-300, -5e-301, -1e-301, 0] },
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Render_EdgeCase_GivesAPngWithoutThrowing(string name, double[] trace)
    {
        byte[] png = TracePlot.Render(trace, name, width: 600, height: 400);

        Assert.Equal((600, 400), PngInfo.ReadSize(png));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(100)]
    [InlineData(130)]
    public void Render_WithPhaseBoundary_GivesAPng(int boundary)
    {
        double[] smoothed = [.. Typical, .. Enumerable.Range(1, 30).Select(t => 2.73e5 - 2000 * Math.Exp(-t / 4.0))];

        byte[] png = TracePlot.Render(smoothed, "fox, K = 2, β = 1", boundary, 700, 450);

        Assert.Equal((700, 450), PngInfo.ReadSize(png));
    }

    [Fact]
    public void Render_PhaseBoundaryOnATraceOfOneEntry_GivesAPng()
    {
        Assert.Equal((400, 300), PngInfo.ReadSize(TracePlot.Render([1.0], "t", 0, 400, 300)));
    }

    [Fact]
    public void Render_DrawsTheTitleText()
    {
        InkProbe.SkipUnlessAFontExists();

        byte[] fox = TracePlot.Render(Typical, "fox, K = 2", width: 600, height: 400);
        byte[] cow = TracePlot.Render(Typical, "cow, K = 3", width: 600, height: 400);

        // Three changed glyphs of a 17 px bold title cover a few hundred pixels; without a usable
        // font the two images would be identical. 50 leaves a wide margin either way.
        Assert.True(InkProbe.DifferingPixels(fox, cow) > 50, "the title text was not drawn: is a font available?");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Render_PhaseBoundaryOutsideTheTrace_Throws(int boundary)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TracePlot.Render(Typical, "t", boundary));
    }

    [Fact]
    public void Render_EmptyTrace_Throws()
    {
        Assert.Throws<ArgumentException>(() => TracePlot.Render([], "t"));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void Render_NonFiniteEntry_Throws(double bad)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => TracePlot.Render([1.0, bad, 3.0], "t"));
        Assert.Contains("entry 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(199, 400)]
    [InlineData(400, 0)]
    [InlineData(20_000, 400)]
    public void Render_SizeOutOfRange_Throws(int width, int height)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TracePlot.Render(Typical, "t", width: width, height: height));
    }
}
