using Bgmm.Spatial;

namespace Bgmm.Tests.Spatial;

/// <summary>The grid's neighbours, edges and colour classes, exhaustively on small grids.</summary>
public class PottsGridTests
{
    public static TheoryData<Neighbourhood> Neighbourhoods => [Neighbourhood.Four, Neighbourhood.Eight];

    [Theory]
    [MemberData(nameof(Neighbourhoods))]
    public void ColourClasses_ContainNoNeighbouringPair(Neighbourhood neighbourhood)
    {
        for (int width = 1; width <= 7; width++)
        {
            for (int height = 1; height <= 7; height++)
            {
                var grid = new PottsGrid(width, height, neighbourhood);
                foreach ((int a, int b) in SlowMeanField.Edges(width, height, neighbourhood))
                {
                    Assert.NotEqual(grid.Colour(a % width, a / width), grid.Colour(b % width, b / width));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Neighbourhoods))]
    public void ColourClasses_EnumeratedByRows_CoverEveryPixelOnce(Neighbourhood neighbourhood)
    {
        for (int width = 1; width <= 7; width++)
        {
            for (int height = 1; height <= 7; height++)
            {
                var grid = new PottsGrid(width, height, neighbourhood);
                var seen = new int[width * height];
                for (int colour = 0; colour < grid.ColourCount; colour++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        if (!grid.RowHasColour(y, colour)) continue;
                        for (int x = grid.FirstX(y, colour); x < width; x += 2)
                        {
                            Assert.Equal(colour, grid.Colour(x, y));
                            seen[y * width + x]++;
                        }
                    }
                }
                Assert.All(seen, count => Assert.Equal(1, count));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Neighbourhoods))]
    public void Edges_AreEachUnorderedNeighbourPairOnce(Neighbourhood neighbourhood)
    {
        for (int width = 1; width <= 7; width++)
        {
            for (int height = 1; height <= 7; height++)
            {
                var grid = new PottsGrid(width, height, neighbourhood);
                List<(int N, int M)> expected = SlowMeanField.Edges(width, height, neighbourhood);
                List<(int N, int M)> actual = [.. grid.Edges().Select(e => (Math.Min(e.N, e.M), Math.Max(e.N, e.M)))];
                Assert.Equal(expected.Order(), actual.Order());
                Assert.Equal(expected.Count, grid.EdgeCount);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Neighbourhoods))]
    public void Offsets_AreTheNeighbours_AndNeighbourColourIsTheirColour(Neighbourhood neighbourhood)
    {
        var grid = new PottsGrid(6, 5, neighbourhood);
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                List<int> expected = SlowMeanField.Neighbours(y * 6 + x, 6, 5, neighbourhood);
                var actual = new List<int>();
                foreach ((int dx, int dy) in grid.Offsets)
                {
                    if (!grid.Contains(x + dx, y + dy)) continue;
                    actual.Add((y + dy) * 6 + x + dx);
                    Assert.Equal(grid.Colour(x + dx, y + dy), grid.NeighbourColour(grid.Colour(x, y), (dx, dy)));
                }
                Assert.Equal(expected.Order(), actual.Order());
            }
        }
    }
}
