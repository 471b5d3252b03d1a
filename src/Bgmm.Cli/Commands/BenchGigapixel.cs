using System.Diagnostics;
using System.Globalization;
using Bgmm.Cli.Rendering;
using Bgmm.Cli.Synthetic;

namespace Bgmm.Cli.Commands;

/// <summary>
/// <c>bgmm bench --write-large-png WIDTHxHEIGHT:FILE</c>: writes the synthetic input of the streamed-segmentation
/// benchmark (<see cref="SyntheticLargePng"/>, seed 1) row by row; bench/gigapixel.sh then segments it.
/// </summary>
internal static class BenchGigapixel
{
    public static int Write(CliConsole console, string spec, CancellationToken cancellationToken)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string[] size = colon < 0 ? [] : spec[..colon].Split('x');
        if (size.Length != 2 || !int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width < 1
            || !int.TryParse(size[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height) || height < 1 || colon == spec.Length - 1)
            throw new UserError($"--write-large-png \"{spec}\": give WIDTHxHEIGHT:FILE, e.g. 40000x25000:/tmp/gigapixel.png.");
        string path = spec[(colon + 1)..];
        if (File.Exists(path) || Directory.Exists(path)) throw new UserError($"{path}: already exists; give a new file name.");
        var clock = Stopwatch.StartNew();
        string partial = path + ".partial";
        try
        {
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                cancellationToken.ThrowIfCancellationRequested();
                SyntheticLargePng.Write(file, width, height, seed: 1);
            }
            File.Move(partial, path);
        }
        finally
        {
            File.Delete(partial);
        }
        console.Line(string.Create(CultureInfo.InvariantCulture,
            $"wrote {path}: {width}×{height} = {(long)width * height / 1e6:0.#} megapixels, {new FileInfo(path).Length / 1e6:0.#} MB, in {clock.Elapsed.TotalSeconds:0.0} s"));
        return ExitCodes.Success;
    }
}
