using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class PlotFontsTests
{
    [Fact]
    public void Name_WhereACandidateFontFileExists_IsRegistered()
    {
        Assert.SkipUnless(PlotFonts.Candidates.Any(c => File.Exists(c.Regular)),
            "none of the candidate font files (DejaVu Sans, Liberation Sans) exists on this machine: plots use ScottPlot's default font.");

        Assert.Equal(PlotFonts.FamilyName, PlotFonts.Name);
    }

    [Fact]
    public void Register_MissingFiles_ReturnsNullWithoutThrowing()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"bgmm-no-such-font-{Guid.NewGuid():N}.ttf");

        Assert.Null(PlotFonts.Register([(missing, missing)]));
    }

    [Fact]
    public void Register_AFileThatIsNotAFont_ReturnsNullWithoutThrowing()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a font");

            Assert.Null(PlotFonts.Register([(path, path)]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
