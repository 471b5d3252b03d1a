using System.Globalization;

namespace Bgmm.Spatial;

/// <summary>A rectangle of pixels: columns X … X + Width − 1, rows Y … Y + Height − 1.</summary>
/// <param name="X">First column.</param>
/// <param name="Y">First row.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    /// <summary>Whether pixel (x, y) is inside.</summary>
    public bool Contains(int x, int y) => x >= X && x < X + Width && y >= Y && y < Y + Height;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X},{Y},{Width},{Height}");
}

/// <summary>Settings of <see cref="BoxCutout.Fit"/>.</summary>
public sealed record BoxCutoutOptions
{
    /// <summary>Default components of each class: 5, as GrabCut's.</summary>
    public const int DefaultComponents = 5;

    /// <summary>Components of the foreground mixture (fewer when the box holds fewer distinct colours).</summary>
    public int ForegroundComponents { get; init; } = DefaultComponents;

    /// <summary>Components of the background mixture (fewer when the outside holds fewer distinct colours).</summary>
    public int BackgroundComponents { get; init; } = DefaultComponents;

    /// <summary>β of the Potts prior on the two-class labels (per 4-neighbour pair), default 2.</summary>
    public double Beta { get; init; } = SmoothingOptions.RecommendedBeta;

    /// <summary>Mean-field sweeps per E-step.</summary>
    public int Sweeps { get; init; } = SmoothingOptions.DefaultSweeps;

    /// <summary>At most this many EM iterations; the fit stops earlier when no pixel changes class.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Seed of the two classes' initial fits (k-means++ starts).</summary>
    public ulong Seed { get; init; }

    /// <summary>Worker threads (0 = every core); results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// A GrabCut-style cut-out from a rectangle: pixels outside the box are background; inside, every pixel is
/// foreground or background. Each class is a Bayesian Gaussian mixture with its own K, normal-inverse-Wishart
/// and Dirichlet priors (mclust's empirical prior of the class's starting pixels: the box for the foreground,
/// the outside for the background), fitted together by mean-field EM with the Potts prior of SPEC §6 on the
/// two-class labels — the same sweeps as <see cref="MeanFieldEmFitter"/>, with each pixel's neighbour sum taken
/// over its class — and the outside pixels clamped to the background, until no pixel changes class.
/// </summary>
/// <remarks>
/// Start: each class's mixture is a MAP-EM fit (best of three k-means++ starts) of its starting pixels, and the
/// foreground's share ρ the box's share of the image; q starts at the joint mixture's responsibilities, the
/// outside clamped. The objective F (traced) is SPEC §6's with the label prior
/// Π ρ_(c_n) π^(c_n)_(k_n) · exp(β Σ_(n~m) [c_n = c_m]), the two classes' priors and a flat prior on ρ
/// (<see cref="TwoClassModel"/>): a colour common outside the box weighs towards the background inside it.
/// </remarks>
public static class BoxCutout
{
    /// <summary>Cuts the object in <paramref name="box"/> out of a W×H image's pixels.</summary>
    /// <param name="pixels">Every pixel once, row-major (unweighted, uncompressed).</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="box">The rectangle around the object; it must lie inside the image and leave pixels outside.</param>
    /// <param name="options">Components per class, β, iterations, seed, threads.</param>
    /// <param name="progress">Told after every EM iteration (F in <see cref="FitProgress.LogJoint"/>).</param>
    /// <param name="cancellationToken">Stops between colour classes of a sweep.</param>
    /// <exception cref="ModelInputException">The box or an option does not fit the image.</exception>
    public static BoxCutoutResult Fit(Dataset pixels, int width, int height, PixelBox box, BoxCutoutOptions options,
        IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(options);
        Validate(pixels, width, height, box, options);
        int n = width * height;
        var forbidden = new byte[n];
        var inside = new List<int>();
        var outside = new List<int>();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x;
                if (box.Contains(x, y)) inside.Add(p);
                else
                {
                    outside.Add(p);
                    forbidden[p] = 1 << Foreground;
                }
            }
        }
        (GaussianMixture background, MixturePrior backgroundPrior) = StartClass(pixels, outside, options.BackgroundComponents, options, cancellationToken);
        (GaussianMixture foreground, MixturePrior foregroundPrior) = StartClass(pixels, inside, options.ForegroundComponents, options, cancellationToken);
        int kb = background.ComponentCount, k = kb + foreground.ComponentCount;
        byte[] classOf = [.. Enumerable.Range(0, k).Select(c => (byte)(c < kb ? Background : Foreground))];

        var model = new TwoClassModel(kb, backgroundPrior, foregroundPrior);
        var grid = new PottsGrid(width, height, Neighbourhood.Four);
        using var source = new MeanFieldSource(pixels, grid, k, options.Beta, options.Sweeps, options.Threads, Kernels.VectorWidths.Best);
        source.Restrict(classOf, forbidden);
        EmRun run = EmDriver.Run(source, backgroundPrior, new EmSettings(options.MaxIterations, 0) { Model = model },
            _ => TwoClassModel.Join(background, foreground, (double)inside.Count / n), progress, cancellationToken, "start");

        // The run's mixture is in canonical order; the classes are source ranges.
        var sourceOrder = new GaussianComponent[k];
        var weights = new double[k];
        for (int i = 0; i < k; i++) (sourceOrder[run.CanonicalOrder[i]], weights[run.CanonicalOrder[i]]) = (run.Mixture.Component(i), run.Mixture.WeightSpan[i]);
        (GaussianMixture finalBackground, GaussianMixture finalForeground) = TwoClassModel.Split(new GaussianMixture(weights, sourceOrder), kb);
        var counts = new double[k];
        for (int i = 0; i < k; i++) counts[run.CanonicalOrder[i]] = run.ComponentCounts[i];

        byte[] mask = [.. source.Classes];
        float[] uncertainty = ClassEntropy(source.Lattice, classOf);
        return new BoxCutoutResult(box, width, height, finalForeground, finalBackground, foregroundPrior, backgroundPrior, counts[kb..], counts[..kb],
            mask, uncertainty, run.ObjectiveTrace, run.Iterations, run.Converged, options);
    }

    /// <summary>Class index of the background.</summary>
    public const int Background = 0;

    /// <summary>Class index of the foreground.</summary>
    public const int Foreground = 1;

    private static (GaussianMixture Mixture, MixturePrior Prior) StartClass(Dataset pixels, List<int> rows, int components, BoxCutoutOptions options,
        CancellationToken cancellationToken)
    {
        int d = pixels.Dimension;
        var columns = new double[d][];
        for (int j = 0; j < d; j++) columns[j] = new double[rows.Count];
        Span<double> x = stackalloc double[d];
        for (int i = 0; i < rows.Count; i++)
        {
            pixels.CopyRow(rows[i], x);
            for (int j = 0; j < d; j++) columns[j][i] = x[j];
        }
        Dataset data = Dataset.WrapColumns(columns).Compress();
        int k = Math.Min(components, data.CountDistinctRows(components));
        MixturePrior prior = MixturePrior.Empirical(data, k);
        FitResult fit = MapEmFitter.Fit(data, prior, new FitOptions(k)
        {
            Initialization = Initialization.KMeansPlusPlus,
            Restarts = 3,
            Seed = options.Seed,
            Threads = options.Threads,
            MaxIterations = 200,
        }, null, cancellationToken);
        return (fit.Mixture, prior);
    }

    /// <summary>The entropy of every pixel's class marginal Q_nc = Σ_(k in c) q_nk (nats, 0 … log 2).</summary>
    private static float[] ClassEntropy(PottsLattice lattice, byte[] classOf)
    {
        int n = lattice.Grid.PixelCount, k = lattice.ComponentCount;
        var entropy = new float[n];
        Span<float> q = stackalloc float[k];
        for (int p = 0; p < n; p++)
        {
            lattice.GetMarginals(p, q);
            double fg = 0, total = 0;
            for (int c = 0; c < k; c++)
            {
                total += q[c];
                if (classOf[c] == Foreground) fg += q[c];
            }
            double f = total > 0 ? Math.Clamp(fg / total, 0, 1) : 0, b = 1 - f;
            double h = (f > 0 ? -f * Math.Log(f) : 0) + (b > 0 ? -b * Math.Log(b) : 0);
            entropy[p] = (float)h;
        }
        return entropy;
    }

    private static void Validate(Dataset pixels, int width, int height, PixelBox box, BoxCutoutOptions options)
    {
        if (pixels.IsCompressed || pixels.IsWeighted)
            throw new ModelInputException(nameof(pixels), "the pixels are a compressed or weighted dataset: the cut-out needs every pixel once, in row-major order.");
        if (width < 1 || height < 1 || (long)width * height != pixels.Count)
            throw new ModelInputException(nameof(width), $"width × height = {width} × {height} but the data has {pixels.Count} rows: give the image's own size.");
        if (box.Width < 1 || box.Height < 1)
            throw new ModelInputException(nameof(box), $"the box {box} is empty: give a width and a height of at least 1 pixel.");
        if (box.X < 0 || box.Y < 0 || (long)box.X + box.Width > width || (long)box.Y + box.Height > height)
            throw new ModelInputException(nameof(box), $"the box {box} (x,y,w,h) reaches outside the {width}×{height} image: it must lie within columns 0..{width - 1} and rows 0..{height - 1}.");
        if ((long)box.Width * box.Height == (long)width * height)
            throw new ModelInputException(nameof(box), $"the box {box} covers the whole {width}×{height} image: leave some background outside it (the outside is what tells the background's colours).");
        if (options.ForegroundComponents < 1 || options.BackgroundComponents < 1)
            throw new ModelInputException("components", $"the mixtures have {options.ForegroundComponents} and {options.BackgroundComponents} components: each needs at least 1.");
        if (options.ForegroundComponents + options.BackgroundComponents > 256)
            throw new ModelInputException("components", "the two mixtures have more than 256 components together: labels are bytes.");
        if (!double.IsFinite(options.Beta) || options.Beta < 0 || options.Beta > SmoothingOptions.MaxBeta)
            throw new ModelInputException("beta", $"beta = {options.Beta.ToString("G6", CultureInfo.InvariantCulture)}: it must be a finite number in [0, {SmoothingOptions.MaxBeta:G}].");
        if (options.Sweeps < 1) throw new ModelInputException("sweeps", $"sweeps = {options.Sweeps}: it must be ≥ 1.");
        if (options.MaxIterations < 1) throw new ModelInputException("maxIterations", $"max iterations = {options.MaxIterations}: it must be ≥ 1.");
        if (options.Threads < 0) throw new ModelInputException("threads", $"threads = {options.Threads}: it must be ≥ 0 (0 = all cores).");
        if (pixels.Dimension < 1) throw new ModelInputException(nameof(pixels), "the pixels have no coordinates.");
    }
}
