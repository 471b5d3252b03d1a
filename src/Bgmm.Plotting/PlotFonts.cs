using ScottPlot;

namespace Bgmm.Plotting;

/// <summary>
/// The font every plot uses, registered once from a TrueType file.
/// </summary>
/// <remarks>
/// The Linux SkiaSharp asset this project ships ("NoDependencies") has no fontconfig: it finds fonts
/// only by scanning <c>/usr/share/fonts</c>, and ScottPlot's "sans" default then resolves to whatever
/// family the scan meets first (DejaVu Serif on Debian-like machines). Registering DejaVu Sans (or
/// Liberation Sans) from its file under a private name gives every machine that has one of these
/// files the same sans-serif text. If none exists the plots keep ScottPlot's default font: they still
/// render, without an exception, though on a machine with no fonts at all the text will be missing.
/// Registration happens once, before any plot of this library renders, because ScottPlot keeps its
/// font resolvers in a static list that is not safe to modify while another thread renders.
/// </remarks>
internal static class PlotFonts
{
    /// <summary>The private family name the font files are registered under.</summary>
    internal const string FamilyName = "Bgmm Plot Sans";

    /// <summary>Regular and bold files, most common locations first.</summary>
    internal static readonly (string Regular, string Bold)[] Candidates =
    [
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"), // Debian, Ubuntu
        ("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"), // Fedora
        ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"), // older Fedora, CentOS
        ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"), // Arch
        ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ];

    private static readonly Lazy<string?> Registered = new(() => Register(Candidates), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The font name to give ScottPlot, or null when no candidate file could be loaded (then the
    /// plot keeps ScottPlot's default).
    /// </summary>
    internal static string? Name => Registered.Value;

    /// <summary>Applies <paramref name="name"/> to the title, axis labels, tick labels and legend of <paramref name="plot"/>.</summary>
    /// <remarks>
    /// Unlike ScottPlot's <c>plot.Font.Set</c> this does not change the process-wide default font.
    /// Text plottables added afterwards need <see cref="Apply(ScottPlot.Plottables.Text)"/>.
    /// </remarks>
    internal static void Apply(Plot plot, string? name)
    {
        if (name is null) return;
        plot.Axes.Title.Label.FontName = name;
        foreach (IAxis axis in plot.Axes.GetAxes())
        {
            axis.Label.FontName = name;
            axis.TickLabelStyle.FontName = name;
        }
        plot.Legend.FontName = name;
    }

    /// <summary>Applies <see cref="Name"/> to a text annotation.</summary>
    internal static void Apply(ScottPlot.Plottables.Text text)
    {
        if (Name is { } name) text.LabelStyle.FontName = name;
    }

    /// <summary>
    /// Registers the first candidate whose regular file loads; returns its name, or null.
    /// Never throws: a missing or unreadable font only costs the look of the text.
    /// </summary>
    internal static string? Register(IEnumerable<(string Regular, string Bold)> candidates)
    {
        foreach ((string regular, string bold) in candidates)
        {
            if (!Loads(regular)) continue;
            try
            {
                Fonts.AddFontFile(FamilyName, regular, bold: false, italic: false);
                // Titles are bold; without a bold file the regular one stands in (not emboldened).
                Fonts.AddFontFile(FamilyName, Loads(bold) ? bold : regular, bold: true, italic: false);
                return FamilyName;
            }
            catch (IOException)
            {
                // The file vanished between the check and the registration: try the next one.
            }
        }
        return null;
    }

    private static bool Loads(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            using SkiaSharp.SKTypeface? typeface = SkiaSharp.SKTypeface.FromFile(path);
            return typeface is not null && typeface.GlyphCount > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
