using System.Globalization;
using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// The normal-inverse-Wishart prior on each component's mean and covariance (SPEC §1):
/// Σ_k ~ InverseWishart(Σ0, ν0) and μ_k | Σ_k ~ N(μ0, Σ_k / κ0).
/// </summary>
/// <remarks>
/// Valid ranges, checked on construction: |μ0_i| ≤ 1e200, 0 &lt; κ0 ≤ 1e100, D − 1 &lt; ν0 ≤ 1e100, Σ0
/// symmetric positive definite with finite entries and diagonal entries from 1e-150 to 1e150 (beyond these
/// double precision cannot hold the log joint's terms). Defaults (<see cref="Default"/>): μ0 = 0, κ0 = 1, ν0 = D + 1,
/// Σ0 = I, which assume data of order 1 near the origin.
/// </remarks>
public sealed class NormalInverseWishart
{
    // Relative asymmetry accepted in Σ0 (then symmetrized): rounding in a user's computation of a
    // symmetric matrix leaves ~1e-16; 1e-10 leaves ample room without accepting real asymmetry.
    internal const double SymmetryTolerance = 1e-10;

    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _scaleCholesky;

    /// <summary>Creates and validates the prior. Arrays are copied.</summary>
    /// <param name="mu0">μ0, length D.</param>
    /// <param name="kappa0">κ0 &gt; 0: how many pseudo-points the prior mean is worth.</param>
    /// <param name="nu0">ν0 &gt; D − 1, the inverse-Wishart degrees of freedom.</param>
    /// <param name="sigma0">Σ0, the inverse-Wishart scale, D×D symmetric positive definite.</param>
    public NormalInverseWishart(double[] mu0, double kappa0, double nu0, double[,] sigma0)
    {
        ArgumentNullException.ThrowIfNull(mu0);
        ArgumentNullException.ThrowIfNull(sigma0);
        int d = mu0.Length;
        if (d < 1) throw new ModelInputException("mu0", "mu0 is empty: the prior mu0 needs one value per data dimension (D ≥ 1).");
        for (int i = 0; i < d; i++)
        {
            if (!(Math.Abs(mu0[i]) <= MaxMu0))
                throw new ModelInputException("mu0", $"mu0[{i}] = {F(mu0[i])} is out of range: every entry of the prior mu0 must be a finite number from -1e200 to 1e200 (rescale the data if it lies further out).");
        }
        if (!(kappa0 > 0 && kappa0 <= MaxMagnitude))
            throw new ModelInputException("kappa0", $"kappa0 = {F(kappa0)} is out of range: it must be a number > 0 and ≤ 1e100 (the prior mu0's weight in pseudo-points; 1 is a common choice).");
        if (!(nu0 > d - 1 && nu0 <= MaxMagnitude))
            throw new ModelInputException("nu0", $"nu0 = {F(nu0)} is out of range: it must be > D − 1 = {d - 1} for D = {d} and ≤ 1e100 (D + 1 = {d + 1} is a common choice).");
        if (sigma0.GetLength(0) != d || sigma0.GetLength(1) != d)
            throw new ModelInputException("sigma0", $"sigma0 is {sigma0.GetLength(0)}×{sigma0.GetLength(1)} but mu0 has {d} entries: sigma0 must be D×D = {d}×{d}.");

        _mean = (double[])mu0.Clone();
        _scale = SmallMatrix.Flatten(sigma0);
        foreach (double v in _scale)
        {
            if (!double.IsFinite(v)) throw new ModelInputException("sigma0", "sigma0 has a non-finite entry: every entry must be a finite number.");
        }
        for (int i = 0; i < d; i++)
        {
            double v = _scale[i * d + i];
            if (v > 0 && (v < MinVariance || v > MaxVariance))
                throw new ModelInputException("sigma0", $"sigma0[{i},{i}] = {F(v)} is out of range: the prior's variances must lie from 1e-150 to 1e150 (their squares must stay in double range); rescale the data if its variances lie outside.");
        }
        if (SmallMatrix.RelativeAsymmetry(_scale, d) > SymmetryTolerance)
            throw new ModelInputException("sigma0", "sigma0 is not symmetric: the prior sigma0 matrix must be symmetric positive definite.");
        SmallMatrix.Symmetrize(_scale, d);
        _scaleCholesky = new double[d * d];
        if (!SmallMatrix.TryCholesky(_scale, _scaleCholesky, d))
            throw new ModelInputException("sigma0", "sigma0 is not positive definite: the prior sigma0 matrix must be symmetric positive definite (e.g. s·I with s > 0).");

        Kappa0 = kappa0;
        Nu0 = nu0;
        LogDeterminantSigma0 = SmallMatrix.LogDeterminantFromCholesky(_scaleCholesky, d);
        double half = nu0 / 2.0;
        // The parts of log IW(Σ | Σ0, ν0) that do not depend on Σ.
        _inverseWishartConstant = half * LogDeterminantSigma0 - half * d * Math.Log(2.0)
            - SpecialFunctions.LogMultivariateGamma(half, d);
    }

    private readonly double _inverseWishartConstant;

    /// <summary>The largest κ0 and ν0 accepted (1e100): far beyond any count of points, and κ0·μ0 stays in double range.</summary>
    public const double MaxMagnitude = 1e100;

    /// <summary>The largest |μ0_i| accepted (1e200): κ0·μ0 stays in double range.</summary>
    public const double MaxMu0 = 1e200;

    /// <summary>The smallest diagonal entry of Σ0 accepted (1e-150): its inverse square stays in double range.</summary>
    public const double MinVariance = 1e-150;

    /// <summary>The largest diagonal entry of Σ0 accepted (1e150): its square stays in double range.</summary>
    public const double MaxVariance = 1e150;

    /// <summary>The default prior for D dimensions: μ0 = 0, κ0 = 1, ν0 = D + 1, Σ0 = I.</summary>
    public static NormalInverseWishart Default(int dimension)
    {
        if (dimension < 1) throw new ModelInputException(nameof(dimension), $"dimension = {dimension}: it must be ≥ 1.");
        return new NormalInverseWishart(new double[dimension], 1.0, dimension + 1.0, SmallMatrix.ToMatrix(SmallMatrix.Identity(dimension), dimension));
    }

    /// <summary>D, the data dimension.</summary>
    public int Dimension => _mean.Length;

    /// <summary>μ0, the prior mean (length D).</summary>
    public ReadOnlySpan<double> Mu0 => _mean;

    /// <summary>κ0 &gt; 0.</summary>
    public double Kappa0 { get; }

    /// <summary>ν0 &gt; D − 1.</summary>
    public double Nu0 { get; }

    /// <summary>Σ0 as a new D×D array.</summary>
    public double[,] Sigma0 => SmallMatrix.ToMatrix(_scale, Dimension);

    /// <summary>log |Σ0|.</summary>
    internal double LogDeterminantSigma0 { get; }

    internal ReadOnlySpan<double> Sigma0Flat => _scale;

    /// <summary>
    /// The mode of one component's NIW posterior (SPEC §3) given its sufficient statistics, written
    /// into <paramref name="mean"/> (length D) and <paramref name="covariance"/> (D×D row-major):
    /// μ = (κ0 μ0 + N x̄)/(κ0 + N), Ψ = Σ0 + W + (κ0 N/(κ0 + N))(x̄ − μ0)(x̄ − μ0)ᵀ,
    /// Σ = Ψ / (ν0 + N + D + 2). With N = 0 it is μ0 and Σ0/(ν0 + D + 2).
    /// </summary>
    /// <param name="count">N_k, the component's (weighted) point count.</param>
    /// <param name="dataMean">x̄_k, length D (ignored when N_k = 0).</param>
    /// <param name="scatter">W_k, the centred scatter, D×D row-major.</param>
    /// <param name="mean">Receives μ_k, length D.</param>
    /// <param name="covariance">Receives Σ_k, D×D row-major.</param>
    public void PosteriorMode(double count, ReadOnlySpan<double> dataMean, ReadOnlySpan<double> scatter,
        Span<double> mean, Span<double> covariance)
    {
        int d = Dimension;
        double kappaN = Kappa0 + count;
        double divisor = Nu0 + count + d + 2.0;
        if (count > 0)
        {
            double shrink = Kappa0 * count / kappaN;
            // Where x̄ = μ0 the mean is μ0 exactly (the formula may round off it: at a constant column
            // of 1e200 by ~1e184, which a small variance turns into an infinite distance).
            for (int i = 0; i < d; i++) mean[i] = dataMean[i] == _mean[i] ? _mean[i] : (Kappa0 * _mean[i] + count * dataMean[i]) / kappaN;
            for (int i = 0; i < d; i++)
            {
                double di = dataMean[i] - _mean[i];
                for (int j = 0; j < d; j++)
                {
                    double dj = dataMean[j] - _mean[j];
                    covariance[i * d + j] = (_scale[i * d + j] + scatter[i * d + j] + shrink * di * dj) / divisor;
                }
            }
            SmallMatrix.Symmetrize(covariance, d);
        }
        else
        {
            _mean.CopyTo(mean);
            for (int i = 0; i < d * d; i++) covariance[i] = _scale[i] / divisor;
        }
    }

    /// <summary>
    /// The posterior mode of <see cref="PosteriorMode"/> as a component, or null when its covariance is not
    /// numerically positive definite.
    /// </summary>
    /// <remarks>
    /// When x̄ lies far from μ0 on the scale of Σ0 + W (data far from the origin under the default
    /// prior), the rank-one term (κ0 N/(κ0 + N))(x̄ − μ0)(x̄ − μ0)ᵀ dominates Ψ: the entries are of order
    /// |x̄ − μ0|² and rounding them erases the eigenvalues across that direction (at |x̄ − μ0| = 1e8 with
    /// W ~ 400, ±2 on entries of 1e16 moves the small eigenvalue by ~0.5%, and the log-joint trace goes down).
    /// Then the Cholesky factor is built without forming those entries: the factor of (Σ0 + W)/divisor,
    /// updated by the rank-one term with Givens rotations, which mix the large vector only in ratios.
    /// Below <see cref="RankOneDominance"/> the entries lose nothing that matters and the factor is taken
    /// from them as before, so ordinary data give the same bits.
    /// </remarks>
    internal GaussianComponent? PosteriorModeComponent(double count, ReadOnlySpan<double> dataMean, ReadOnlySpan<double> scatter)
    {
        int d = Dimension;
        var mean = new double[d];
        var covariance = new double[d * d];
        PosteriorMode(count, dataMean, scatter, mean, covariance);
        if (count > 0)
        {
            double shrink = Kappa0 * count / (Kappa0 + count);
            double rankOne = 0, traceBase = 0;
            for (int i = 0; i < d; i++)
            {
                double di = dataMean[i] - _mean[i];
                rankOne += shrink * di * di;
                traceBase += _scale[i * d + i] + scatter[i * d + i];
            }
            if (!(rankOne <= MaxRankOneRatio * traceBase)) throw TooFarFromMu0(count, dataMean, traceBase);
            if (rankOne > RankOneDominance * traceBase) return RankOneUpdated(count, dataMean, scatter, mean, covariance, shrink);
        }
        return GaussianComponent.TryCreate(mean, covariance);
    }

    /// <summary>
    /// How far the rank-one term of Ψ may outweigh tr(Σ0 + W) before the factor is built by a rank-one
    /// update: at 1024 the entries' rounding costs at most ~1e-13 of the small eigenvalues (times the
    /// condition of Σ0 + W), far below anything EM's monotonicity can see; images under the study's prior
    /// (colours in [0, 1], μ0 = 0, κ0 = 1, Σ0 = I) stay below 1.
    /// </summary>
    internal const double RankOneDominance = 1024;

    /// <summary>
    /// (x̄ − μ0)'s weight in Ψ beyond which a component's points are refused as too far from μ0: 1e26, a
    /// distance of ~1e13 times their spread. Beyond it the points' coordinates, exact to ~1e-16 of their
    /// distance from μ0, no longer resolve their spread (measured: two clusters of spread 1 fit with a
    /// monotone trace 1e13 from μ0 and not 3e13 from it, at 2000 points each).
    /// </summary>
    internal const double MaxRankOneRatio = 1e26;

    private ModelInputException TooFarFromMu0(double count, ReadOnlySpan<double> dataMean, double traceBase)
    {
        double distance = 0;
        for (int i = 0; i < Dimension; i++) distance = Math.Max(distance, Math.Abs(dataMean[i] - _mean[i]));
        double spread = Math.Sqrt(traceBase / (Kappa0 + count));
        return new ModelInputException("mu0",
            $"the data lie {F(distance)} from the prior mean mu0, on a scale of {F(spread)}: the fit works for data within about 1e12 times their spread (and sigma0's scale) of mu0. Set mu0 near the data (e.g. the data's mean; the empirical prior does), or subtract the data's mean first.");
    }

    private GaussianComponent? RankOneUpdated(double count, ReadOnlySpan<double> dataMean, ReadOnlySpan<double> scatter,
        double[] mean, double[] covariance, double shrink)
    {
        int d = Dimension;
        double divisor = Nu0 + count + d + 2.0;
        Span<double> baseScale = stackalloc double[d * d];
        for (int i = 0; i < d * d; i++) baseScale[i] = (_scale[i] + scatter[i]) / divisor;
        SmallMatrix.Symmetrize(baseScale, d);
        var cholesky = new double[d * d];
        if (!SmallMatrix.TryCholesky(baseScale, cholesky, d)) return null;
        Span<double> v = stackalloc double[d];
        double factor = Math.Sqrt(shrink / divisor);
        for (int i = 0; i < d; i++) v[i] = factor * (dataMean[i] - _mean[i]);
        if (!SmallMatrix.RankOneUpdate(cholesky, v, d)) return null;
        return new GaussianComponent(mean, covariance, cholesky);
    }

    /// <summary>
    /// log N(μ | μ0, Σ/κ0) + log IW(Σ | Σ0, ν0) for one component (SPEC §2).
    /// </summary>
    internal double LogDensity(GaussianComponent component) => LogMeanDensity(component) + LogInverseWishart(component);

    /// <summary>log N(μ | μ0, Σ/κ0), the prior of one component's mean (every covariance model's).</summary>
    internal double LogMeanDensity(GaussianComponent component)
    {
        int d = Dimension;
        double logDetSigma = component.LogDeterminant;
        Span<double> delta = stackalloc double[d];
        for (int i = 0; i < d; i++) delta[i] = component.Mean[i] - _mean[i];
        double mahalanobis = SmallMatrix.LowerTimesVectorSquaredNorm(component.PrecisionFactor, delta, d);
        return -0.5 * d * SpecialFunctions.LogTwoPi - 0.5 * (logDetSigma - d * Math.Log(Kappa0))
            - 0.5 * Kappa0 * mahalanobis;
    }

    /// <summary>log IW(Σ | Σ0, ν0) of one component's covariance.</summary>
    internal double LogInverseWishart(GaussianComponent component)
    {
        int d = Dimension;
        double trace = SmallMatrix.TraceCongruence(component.PrecisionFactor, _scale, d);
        return _inverseWishartConstant - 0.5 * (Nu0 + d + 1) * component.LogDeterminant - 0.5 * trace;
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
