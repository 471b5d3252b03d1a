namespace Bgmm;

/// <summary>
/// The full prior of SPEC §1: a normal-inverse-Wishart on every component's (μ_k, Σ_k) and a
/// symmetric Dirichlet on the weights.
/// </summary>
public sealed partial class MixturePrior
{
    /// <summary>Combines the two priors.</summary>
    public MixturePrior(NormalInverseWishart componentPrior, Dirichlet weightPrior)
    {
        ComponentPrior = componentPrior ?? throw new ArgumentNullException(nameof(componentPrior));
        WeightPrior = weightPrior ?? throw new ArgumentNullException(nameof(weightPrior));
    }

    /// <summary>The prior on each component's mean and covariance.</summary>
    public NormalInverseWishart ComponentPrior { get; }

    /// <summary>The prior on the weights.</summary>
    public Dirichlet WeightPrior { get; }

    /// <summary>D.</summary>
    public int Dimension => ComponentPrior.Dimension;

    /// <summary>
    /// The library defaults for D dimensions: α = 1, μ0 = 0, κ0 = 1, ν0 = D + 1, Σ0 = I. They assume
    /// data of order 1 near the origin; for other data set μ0 and Σ0 to match its location and scale.
    /// </summary>
    public static MixturePrior Default(int dimension) =>
        new(NormalInverseWishart.Default(dimension), new Dirichlet());

    /// <summary>
    /// A prior built from the given hyperparameters, each defaulting as in <see cref="Default"/>.
    /// </summary>
    /// <param name="dimension">D.</param>
    /// <param name="alpha">α ≥ 1.</param>
    /// <param name="mu0">μ0, length D.</param>
    /// <param name="kappa0">κ0 &gt; 0.</param>
    /// <param name="nu0">ν0 &gt; D − 1.</param>
    /// <param name="sigma0">Σ0, D×D symmetric positive definite.</param>
    public static MixturePrior Create(int dimension, double? alpha = null, double[]? mu0 = null,
        double? kappa0 = null, double? nu0 = null, double[,]? sigma0 = null)
    {
        if (dimension < 1) throw new ModelInputException(nameof(dimension), $"dimension = {dimension}: it must be ≥ 1.");
        if (mu0 is not null && mu0.Length != dimension)
            throw new ModelInputException(nameof(mu0), $"mu0 has {mu0.Length} values but the data has D = {dimension}: give one value per dimension.");
        double[,] scale = sigma0 ?? Numerics.SmallMatrix.ToMatrix(Numerics.SmallMatrix.Identity(dimension), dimension);
        if (scale.GetLength(0) != dimension || scale.GetLength(1) != dimension)
            throw new ModelInputException(nameof(sigma0), $"sigma0 is {scale.GetLength(0)}×{scale.GetLength(1)} but the data has D = {dimension}: it must be {dimension}×{dimension}.");
        return new MixturePrior(
            new NormalInverseWishart(mu0 ?? new double[dimension], kappa0 ?? 1.0, nu0 ?? dimension + 1.0, scale),
            new Dirichlet(alpha ?? Dirichlet.DefaultAlpha));
    }

    /// <summary>
    /// mclust's default prior for <paramref name="model"/> and K components (<c>defaultPrior</c>, what
    /// <c>priorControl()</c> and <c>--prior mclust</c> give): κ0 = 0.01, μ0 = the data mean, ν0 = D + 2, and
    /// the scale from R's n − 1 covariance V of the data (n the total weight): V / K^(2/D) for the ellipsoidal
    /// models, s·I with s = K^(−2/D) Σ_j V_jj / D for the spherical and diagonal ones, V / K² at D = 1. It
    /// depends on K, so a model-selection table needs one per K. Always valid: a constant column or
    /// collinear columns get a tiny ridge (docs/models.md §2.1).
    /// </summary>
    /// <param name="data">The points (weights count as repeated points).</param>
    /// <param name="componentCount">K ≥ 1.</param>
    /// <param name="model">The covariance model (default <see cref="CovarianceModel.Full"/>); it must apply to the data's D.</param>
    /// <param name="alpha">The Dirichlet concentration α ≥ 1 (mclust has no prior on the weights: α = 1).</param>
    public static MixturePrior Empirical(Dataset data, int componentCount, CovarianceModel? model = null, double alpha = Dirichlet.DefaultAlpha) =>
        EmpiricalPrior.Create(DataMoments.Of(data), componentCount, model ?? CovarianceModel.Full, alpha);

    /// <summary>
    /// mclust's default prior from the data's moments, computed once for a data set that is not in memory (or
    /// for every model and K of a selection): the same prior, bit for bit, as <see cref="Empirical(Dataset, int, CovarianceModel?, double)"/>
    /// on a dataset of the same rows.
    /// </summary>
    /// <param name="moments">The data's mean and covariance (<see cref="DataMoments.Of(IRowReader, CancellationToken)"/>).</param>
    /// <param name="componentCount">K ≥ 1.</param>
    /// <param name="model">The covariance model (default <see cref="CovarianceModel.Full"/>); it must apply to the data's D.</param>
    /// <param name="alpha">The Dirichlet concentration α ≥ 1.</param>
    public static MixturePrior Empirical(DataMoments moments, int componentCount, CovarianceModel? model = null, double alpha = Dirichlet.DefaultAlpha) =>
        EmpiricalPrior.Create(moments, componentCount, model ?? CovarianceModel.Full, alpha);

    /// <summary>
    /// log p(θ) = Σ_k [log N(μ_k | μ0, Σ_k/κ0) + log IW(Σ_k | Σ0, ν0)] + log Dir(π | α) (SPEC §2).
    /// </summary>
    public double LogDensity(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        CheckDimension(mixture.Dimension);
        double sum = 0;
        for (int k = 0; k < mixture.ComponentCount; k++) sum += ComponentPrior.LogDensity(mixture.Component(k));
        return sum + WeightPrior.LogDensity(mixture.WeightSpan);
    }

    internal void CheckDimension(int dimension)
    {
        if (dimension != Dimension)
            throw new ModelInputException("prior", $"the prior is for D = {Dimension} but the data has D = {dimension}: give mu0 and sigma0 of the data's dimension.");
    }
}
