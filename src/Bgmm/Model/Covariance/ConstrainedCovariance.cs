using Bgmm.Numerics;

namespace Bgmm;

/// <summary>Whether a part of Σ_k = λ_k D_k A_k D_kᵀ is Equal across components, Variable, or the Identity.</summary>
internal enum Variation
{
    Equal,
    Variable,
    Identity,
}

/// <summary>
/// What every constrained model's M-step shares (docs/models.md §2.2): the Dirichlet mode for the
/// weights, the shrunk means μ_k = (N_k x̄_k + κ0 μ0)/(N_k + κ0) and the scatter plus the mean prior's
/// share B_k = W_k + κ0 N_k/(κ0 + N_k) (x̄_k − μ0)(x̄_k − μ0)ᵀ; and what every log prior shares: the
/// Dirichlet and N(μ_k | μ0, Σ_k/κ0). A model supplies the covariances and their log prior.
/// </summary>
internal abstract class ConstrainedCovariance(Variation volume, Variation shape, Variation orientation) : CovarianceModel
{
    /// <summary>Tolerance of <see cref="Contains"/>: a mixture rebuilt from its own parameters differs by rounding (~1e-15).</summary>
    private const double ContainsTolerance = 1e-9;

    public override string Name { get; } = Letter(volume) + Letter(shape) + Letter(orientation);

    public override string Description =>
        (orientation == Variation.Identity ? shape == Variation.Identity ? "spherical" : "diagonal" : "ellipsoidal")
        + $", {Word(volume)} volume" + (shape == Variation.Identity ? "" : $", {Word(shape)} shape")
        + (orientation == Variation.Identity ? "" : $", {Word(orientation)} orientation");

    public override bool Supports(int dimension) => dimension >= 2;

    internal override bool HasScalarScale => orientation == Variation.Identity;

    public sealed override GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior, GaussianMixture? previous)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(prior);
        if (statistics.ComponentCount == 1 && OneComponent is CovarianceModel single) return single.PosteriorMode(statistics, prior, previous);
        prior.CheckDimension(statistics.Dimension);
        var step = new PosteriorStep(statistics, prior);
        var covariances = new double[step.K][];
        for (int c = 0; c < step.K; c++) covariances[c] = new double[step.D * step.D];
        Covariances(step, previous, covariances);
        var components = new GaussianComponent[step.K];
        for (int c = 0; c < step.K; c++) components[c] = Component(step.Means[c], covariances[c], c);
        var weights = new double[step.K];
        prior.WeightPrior.PosteriorMode(step.Counts, weights);
        return new GaussianMixture(weights, components);
    }

    public sealed override double LogPrior(GaussianMixture mixture, MixturePrior prior)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(prior);
        if (mixture.ComponentCount == 1 && OneComponent is CovarianceModel single) return single.LogPrior(mixture, prior);
        prior.CheckDimension(mixture.Dimension);
        double sum = prior.WeightPrior.LogDensity(mixture.WeightSpan);
        for (int k = 0; k < mixture.ComponentCount; k++) sum += prior.ComponentPrior.LogMeanDensity(mixture.Component(k));
        return sum + CovarianceLogPrior(mixture, prior.ComponentPrior);
    }

    public override CovarianceParameters Describe(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        Decomposition[] parts = Decompose(mixture);
        int k = parts.Length;
        IReadOnlyList<double> volumes = volume == Variation.Equal ? [parts[0].Volume] : [.. parts.Select(p => p.Volume)];
        IReadOnlyList<double[]> shapes = shape switch
        {
            Variation.Identity => [],
            Variation.Equal => [parts[0].Shape],
            _ => [.. parts.Select(p => p.Shape)],
        };
        IReadOnlyList<double[,]> orientations = orientation == Variation.Identity ? [] : [.. parts.Select(p => SmallMatrix.ToMatrix(p.Orientation, mixture.Dimension))];
        return new CovarianceParameters(Name, volumes, shapes, orientations);
    }

    /// <summary>
    /// Whether every Σ_k is rebuilt, to rounding, from λ_k (or λ_0 when the volume is equal), A_k (A_0 when
    /// the shape is equal, 1 for the spherical models) and D_k (D_0 when equal, I for the diagonal models).
    /// </summary>
    internal override bool Contains(GaussianMixture mixture)
    {
        Decomposition[] parts = Decompose(mixture);
        int d = mixture.Dimension;
        var rebuilt = new double[d * d];
        for (int k = 0; k < parts.Length; k++)
        {
            double lambda = parts[volume == Variation.Equal ? 0 : k].Volume;
            double[] a = shape == Variation.Identity ? Ones(d) : parts[shape == Variation.Equal ? 0 : k].Shape;
            double[]? vectors = orientation == Variation.Identity ? null : parts[orientation == Variation.Equal ? 0 : k].Orientation;
            VolumeShape.Assemble(lambda, a, vectors, rebuilt, d);
            double[] sigma = mixture.Component(k).Covariance;
            double scale = 0, diff = 0;
            for (int i = 0; i < d * d; i++)
            {
                scale = Math.Max(scale, Math.Abs(sigma[i]));
                diff = Math.Max(diff, Math.Abs(sigma[i] - rebuilt[i]));
            }
            if (!(diff <= ContainsTolerance * scale)) return false;
        }
        return true;
    }

    /// <summary>Σ0's diagonal for the diagonal models, tr Σ0 / D · I for the spherical ones, Σ0 otherwise.</summary>
    internal override double[] InitialCovariance(MixturePrior prior)
    {
        if (orientation != Variation.Identity) return base.InitialCovariance(prior);
        int d = prior.Dimension;
        double[] s = shape == Variation.Identity ? [.. Enumerable.Repeat(PosteriorStep.MeanScale(prior.ComponentPrior), d)] : PosteriorStep.DiagonalScale(prior.ComponentPrior);
        var sigma = new double[d * d];
        for (int j = 0; j < d; j++) sigma[j * d + j] = s[j];
        return sigma;
    }

    /// <summary>
    /// The model whose M-step and log prior this one takes with one component, or null for its own. With K = 1
    /// equal and variable coincide, and mclust's <c>Mclust</c>/<c>mclustBIC</c> fit every model of a family with
    /// one step (mvnXII, mvnXXI, mvnXXX): VII's for EII, VVI's for VEI and EVI, VVV's for VEV (EEI, EEE and EEV
    /// give those at K = 1 by themselves).
    /// </summary>
    private protected virtual CovarianceModel? OneComponent => null;

    /// <summary>Writes Σ_k (D×D row-major) into <paramref name="covariances"/>[k] for every k.</summary>
    private protected abstract void Covariances(PosteriorStep step, GaussianMixture? previous, double[][] covariances);

    /// <summary>The covariances' log prior (without the means' and the weights').</summary>
    private protected abstract double CovarianceLogPrior(GaussianMixture mixture, NormalInverseWishart prior);

    /// <summary>Per component: λ_k = |Σ_k|^(1/D), A_k = ω_k/λ_k with ω_k the diagonal (diagonal models) or the eigenvalues in decreasing order, and D_k.</summary>
    private Decomposition[] Decompose(GaussianMixture mixture)
    {
        int d = mixture.Dimension;
        var parts = new Decomposition[mixture.ComponentCount];
        for (int k = 0; k < parts.Length; k++)
        {
            double[] sigma = mixture.Component(k).Covariance;
            var values = new double[d];
            double[] vectors = [];
            if (orientation == Variation.Identity)
            {
                for (int j = 0; j < d; j++) values[j] = sigma[j * d + j];
            }
            else
            {
                vectors = new double[d * d];
                SymmetricEigen.Decompose(sigma, d, values, vectors);
            }
            double lambda = VolumeShape.GeometricMean(values);
            for (int j = 0; j < d; j++) values[j] /= lambda;
            parts[k] = new Decomposition(lambda, values, vectors);
        }
        return parts;
    }

    private static double[] Ones(int d) => [.. Enumerable.Repeat(1.0, d)];

    private static string Letter(Variation v) => v switch { Variation.Equal => "E", Variation.Variable => "V", _ => "I" };

    private static string Word(Variation v) => v == Variation.Equal ? "equal" : "variable";

    private sealed record Decomposition(double Volume, double[] Shape, double[] Orientation);
}

/// <summary>
/// The inputs of a constrained model's M-step (docs/models.md §2.2), computed once: n = Σ N_k, N_k, μ_k, B_k,
/// and the prior's ν0, its scale per coordinate s_j = (Σ0)_jj, their mean s̄ and Λ0 = Σ0.
/// </summary>
internal sealed class PosteriorStep
{
    public PosteriorStep(MixtureStatistics statistics, MixturePrior prior)
    {
        NormalInverseWishart p = prior.ComponentPrior;
        K = statistics.ComponentCount;
        D = statistics.Dimension;
        Counts = new double[K];
        Means = new double[K][];
        Scatter = new double[K][];
        ReadOnlySpan<double> mu0 = p.Mu0;
        double kappa0 = p.Kappa0;
        for (int c = 0; c < K; c++)
        {
            double count = statistics.Count(c);
            Counts[c] = count;
            Total += count;
            var mean = new double[D];
            var b = new double[D * D];
            if (count > 0)
            {
                ReadOnlySpan<double> xbar = statistics.Mean(c);
                statistics.Scatter(c).CopyTo(b);
                double kappaN = kappa0 + count, shrink = kappa0 * count / kappaN;
                for (int i = 0; i < D; i++) mean[i] = (kappa0 * mu0[i] + count * xbar[i]) / kappaN;
                for (int i = 0; i < D; i++)
                {
                    double di = xbar[i] - mu0[i];
                    for (int j = 0; j < D; j++) b[i * D + j] += shrink * di * (xbar[j] - mu0[j]);
                }
                SmallMatrix.Symmetrize(b, D);
            }
            else
            {
                mu0.CopyTo(mean);
            }
            Means[c] = mean;
            Scatter[c] = b;
        }
        Nu0 = p.Nu0;
        ScaleDiagonal = DiagonalScale(p);
        ScaleMean = MeanScale(p);
        ScaleMatrix = p.Sigma0Flat.ToArray();
    }

    /// <summary>K and D.</summary>
    public int K { get; }

    public int D { get; }

    /// <summary>n = Σ_k N_k.</summary>
    public double Total { get; }

    /// <summary>N_k.</summary>
    public double[] Counts { get; }

    /// <summary>μ_k, the posterior mode of the means (μ0 for an empty component).</summary>
    public double[][] Means { get; }

    /// <summary>B_k, D×D row-major (0 for an empty component).</summary>
    public double[][] Scatter { get; }

    /// <summary>ν0.</summary>
    public double Nu0 { get; }

    /// <summary>s_j = (Σ0)_jj: the scale of the diagonal models (s·1 for mclust's prior).</summary>
    public double[] ScaleDiagonal { get; }

    /// <summary>s̄ = tr Σ0 / D: the scale of the spherical models (s for mclust's prior).</summary>
    public double ScaleMean { get; }

    /// <summary>Λ0 = Σ0, D×D row-major: the scale of the ellipsoidal models.</summary>
    public double[] ScaleMatrix { get; }

    /// <summary>b_kj = s_j + (B_k)_jj.</summary>
    public double[] DiagonalPlusScale(int k)
    {
        var b = new double[D];
        for (int j = 0; j < D; j++) b[j] = ScaleDiagonal[j] + Scatter[k][j * D + j];
        return b;
    }

    /// <summary>tr B_k.</summary>
    public double Trace(int k)
    {
        double t = 0;
        for (int j = 0; j < D; j++) t += Scatter[k][j * D + j];
        return t;
    }

    /// <summary>Ψ_k = Λ0 + B_k, D×D row-major.</summary>
    public double[] ScatterPlusScale(int k)
    {
        var psi = new double[D * D];
        for (int i = 0; i < D * D; i++) psi[i] = ScaleMatrix[i] + Scatter[k][i];
        return psi;
    }

    public static double[] DiagonalScale(NormalInverseWishart prior)
    {
        int d = prior.Dimension;
        ReadOnlySpan<double> s = prior.Sigma0Flat;
        var diagonal = new double[d];
        for (int j = 0; j < d; j++) diagonal[j] = s[j * d + j];
        return diagonal;
    }

    public static double MeanScale(NormalInverseWishart prior)
    {
        double[] s = DiagonalScale(prior);
        bool equal = s.All(v => v == s[0]);
        // Σ0 = s·I (mclust's prior) gives s itself, not a rounded (s + … + s)/D.
        return equal ? s[0] : s.Sum() / s.Length;
    }
}
