using Bgmm.Cli;
using Bgmm.Cli.Commands;

namespace Bgmm.Tests.Cli;

/// <summary>What -k accepts: one K, a range, or auto, capped at the number of distinct points.</summary>
public class ComponentCandidatesTests
{
    [Theory]
    [InlineData("auto", 100, new[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData("auto", 3, new[] { 1, 2, 3 })]
    [InlineData("2..4", 100, new[] { 2, 3, 4 })]
    [InlineData("2..9", 5, new[] { 2, 3, 4, 5 })]
    public void Parse_ReadsAutoAndRanges_CappedAtTheDistinctPoints(string text, int cap, int[] expected)
    {
        (int[] counts, bool select) = ComponentCandidates.Parse(text);
        Assert.True(select);
        Assert.Equal(expected, ComponentCandidates.Cap(counts, cap));
    }

    [Theory]
    [InlineData("3")]
    public void Parse_SingleK_IsNoSelection(string text)
    {
        (int[] counts, bool select) = ComponentCandidates.Parse(text);
        Assert.Equal([3], counts);
        Assert.False(select);
    }

    [Theory]
    [InlineData("0..3")]
    [InlineData("4..2")]
    [InlineData("x")]
    [InlineData("1..x")]
    [InlineData("0")]
    public void Parse_Nonsense_IsAnInputError(string text) =>
        Assert.Throws<UserError>(() => ComponentCandidates.Parse(text));
}
