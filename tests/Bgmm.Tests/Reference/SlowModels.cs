namespace Bgmm.Tests.Reference;

/// <summary>mclust's covariance models with a conjugate prior (docs/models.md): E and V in one dimension, ten in D dimensions.</summary>
internal enum MclustModel { E, V, EII, VII, EEI, VEI, EVI, VVI, EEE, EEV, VEV, VVV }

/// <summary>
/// The hyperparameters mclust's <c>defaultPrior</c> returns: shrinkage κ0, mean μ0, degrees of freedom ν0 and
/// scale. <see cref="Scale"/> is the 1×1 matrix [s] for the models whose scale is a number (E, V and the
/// spherical and diagonal models) and the D×D matrix Λ0 for the ellipsoidal ones.
/// </summary>
internal sealed record MclustPrior(double Shrinkage, double[] Mean, double Dof, double[,] Scale)
{
    public double ScalarScale => Scale.Length == 1 ? Scale[0, 0] : throw new InvalidOperationException("this prior's scale is a matrix");
}

/// <summary>The inner iteration of VEI and VEV: mclust's <c>tol[2]</c> and <c>itmax[2]</c>.</summary>
internal sealed record InnerIteration(double Tolerance, int MaxIterations);

/// <summary>Per component: N_k = Σ z_ik, x̄_k and the centred scatter W_k = Σ z_ik (x_i − x̄_k)(x_i − x̄_k)ᵀ.</summary>
internal sealed record ComponentStatistics(double Count, double[] Mean, double[,] Scatter);

/// <summary>
/// A fitted mixture in mclust's terms: weights, means, full covariances and the model's own parameters
/// Σ_k = λ_k D_k diag(A_k) D_kᵀ. <see cref="Volume"/> is λ (mclust's <c>sigmasq</c> or <c>scale</c>): one
/// value when equal across components, K when variable, none for EEE and VVV. <see cref="Shape"/> is the
/// diagonal of A (det 1): one row when equal, K rows when variable, none for the spherical models, EEE and
/// VVV. <see cref="Orientation"/> holds D_k (eigenvectors as columns, in the order of the shape) for EEV
/// and VEV only.
/// </summary>
internal sealed class ModelParameters
{
    public required double[] Weights { get; init; }
    public required double[][] Means { get; init; }
    public required double[][,] Covariances { get; init; }
    public required double[] Volume { get; init; }
    public required double[][] Shape { get; init; }
    public required double[][,] Orientation { get; init; }
    public int K => Weights.Length;
    public int D => Means[0].Length;
}

/// <summary>The outcome of <see cref="SlowModels.Me"/>: mclust's <c>me()</c> after its last iteration.</summary>
internal sealed record MclustRun(ModelParameters? Parameters, int Iterations, double LogLikelihood, bool Converged, string? Failure, int MaxInnerIterations);

/// <summary>
/// A slow, obviously correct reference for mclust's <c>me()</c> with <c>prior = priorControl()</c>, written
/// from mclust 6.0.0's Fortran (me1ep … mevvvp) and docs/models.md on plain arrays: explicit N×K
/// responsibilities, two-pass centred statistics, the M-step of each model as a function of
/// (N_k, x̄_k, W_k) alone, densities through an explicit inverse and determinant, eigenvectors by cyclic
/// Jacobi. It shares nothing with the library (only <see cref="SlowEm"/>'s matrix helpers and log Γ).
/// </summary>
internal static class SlowModels
{
    /// <summary>mclust's threshold on a component's mass: below sqrt(.Machine$double.eps) me() stops with an error.</summary>
    public static readonly double MinimumCount = Math.Sqrt(Math.Pow(2, -52));

    public static bool IsUnivariate(MclustModel m) => m is MclustModel.E or MclustModel.V;

    public static bool HasMatrixScale(MclustModel m) => m is MclustModel.EEE or MclustModel.EEV or MclustModel.VEV or MclustModel.VVV;

    /// <summary>Whether the M-step iterates (an inner loop over volume and shape).</summary>
    public static bool Iterates(MclustModel m) => m is MclustModel.VEI or MclustModel.VEV;

    /// <summary>R's <c>mclust::defaultPrior(data, G, modelName)</c>, with R's n − 1 variances.</summary>
    public static MclustPrior DefaultPrior(double[][] x, int g, MclustModel model)
    {
        int n = x.Length, p = x[0].Length;
        double[] mean = new double[p];
        for (int j = 0; j < p; j++) mean[j] = x.Sum(r => r[j]) / n;
        var cov = new double[p, p];
        for (int a = 0; a < p; a++)
        {
            for (int b = 0; b < p; b++) cov[a, b] = x.Sum(r => (r[a] - mean[a]) * (r[b] - mean[b])) / (n - 1);
        }
        if (IsUnivariate(model)) return new MclustPrior(0.01, mean, 3, new[,] { { cov[0, 0] / ((double)g * g) } });
        double fac = Math.Pow(1.0 / g, 2.0 / p);
        if (!HasMatrixScale(model))
        {
            double sum = 0;
            for (int j = 0; j < p; j++) sum += cov[j, j];
            return new MclustPrior(0.01, mean, p + 2, new[,] { { fac * sum / p } });
        }
        var scale = new double[p, p];
        for (int a = 0; a < p; a++)
        {
            for (int b = 0; b < p; b++) scale[a, b] = n > p ? fac * cov[a, b] : a == b ? fac * cov[a, a] : 0;
        }
        return new MclustPrior(0.01, mean, p + 2, scale);
    }

    /// <summary>mclust's <c>nMclustParams</c>: covariance parameters + G·d means + G − 1 weights.</summary>
    public static int ParameterCount(MclustModel model, int d, int g)
    {
        int covariance = model switch
        {
            MclustModel.E or MclustModel.EII => 1,
            MclustModel.V or MclustModel.VII => g,
            MclustModel.EEI => d,
            MclustModel.VEI => g + (d - 1),
            MclustModel.EVI => 1 + g * (d - 1),
            MclustModel.VVI => g * d,
            MclustModel.EEE => d * (d + 1) / 2,
            MclustModel.EEV => 1 + (d - 1) + g * d * (d - 1) / 2,
            MclustModel.VEV => g + (d - 1) + g * d * (d - 1) / 2,
            MclustModel.VVV => g * d * (d + 1) / 2,
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        return covariance + g * d + (g - 1);
    }

    /// <summary>One-hot responsibilities from 0-based labels (R's <c>unmap</c>).</summary>
    public static double[,] Unmap(int[] labels, int g)
    {
        var z = new double[labels.Length, g];
        for (int i = 0; i < labels.Length; i++) z[i, labels[i]] = 1;
        return z;
    }

    /// <summary>(N_k, x̄_k, W_k) in two passes: the mean first, then the scatter about it.</summary>
    public static ComponentStatistics[] Statistics(double[][] x, double[,] z)
    {
        int n = x.Length, g = z.GetLength(1), p = x[0].Length;
        var stats = new ComponentStatistics[g];
        for (int k = 0; k < g; k++)
        {
            double nk = 0;
            var mean = new double[p];
            for (int i = 0; i < n; i++)
            {
                nk += z[i, k];
                for (int a = 0; a < p; a++) mean[a] += z[i, k] * x[i][a];
            }
            for (int a = 0; a < p; a++) mean[a] /= nk;
            var w = new double[p, p];
            for (int i = 0; i < n; i++)
            {
                for (int a = 0; a < p; a++)
                {
                    for (int b = 0; b < p; b++) w[a, b] += z[i, k] * (x[i][a] - mean[a]) * (x[i][b] - mean[b]);
                }
            }
            stats[k] = new ComponentStatistics(nk, mean, w);
        }
        return stats;
    }

    /// <summary>
    /// The M-step of <paramref name="model"/> under mclust's prior, from the statistics alone (docs/models.md).
    /// Weights are the Dirichlet(α) mode (N_k + α − 1)/(N + K(α − 1)); mclust has no prior on the weights,
    /// which is α = 1. <paramref name="previous"/> is the last M-step's result: VEI and VEV start their
    /// inner iteration from its volume and shape, as mclust does (null on the first iteration).
    /// Every N_k must exceed <see cref="MinimumCount"/>. With <paramref name="eeiMap"/>, EEI takes the conjugate
    /// MAP step the library fits (shrunk means, divisor n + G + ν0 + 2: docs/models.md §3.5) instead of mclust's.
    /// </summary>
    public static ModelParameters MStep(MclustModel model, ComponentStatistics[] stats, MclustPrior prior, double alpha,
        ModelParameters? previous, InnerIteration inner, out int innerIterations, bool eeiMap = false)
    {
        int g = stats.Length, p = stats[0].Mean.Length;
        double n = stats.Sum(s => s.Count);
        double k0 = prior.Shrinkage;
        double meanPrior = k0 > 0 ? 1 : 0;
        innerIterations = 0;

        var weights = stats.Select(s => (s.Count + alpha - 1) / (n + g * (alpha - 1))).ToArray();
        // μ_k = (N_k x̄_k + κ0 μ0)/(N_k + κ0); EEI keeps x̄_k (mclust's meeeip never shrinks its means).
        var means = stats.Select(s => model == MclustModel.EEI && !eeiMap
            ? (double[])s.Mean.Clone()
            : s.Mean.Select((v, j) => s.Count / (s.Count + k0) * v + k0 / (s.Count + k0) * prior.Mean[j]).ToArray()).ToArray();
        // B_k = W_k + κ0 N_k/(κ0 + N_k) (x̄_k − μ0)(x̄_k − μ0)ᵀ: the scatter plus the mean prior's share.
        var b = stats.Select(s =>
        {
            double c = k0 * s.Count / (k0 + s.Count);
            var m = (double[,])s.Scatter.Clone();
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++) m[i, j] += c * (s.Mean[i] - prior.Mean[i]) * (s.Mean[j] - prior.Mean[j]);
            }
            return m;
        }).ToArray();

        double[] volume = [];
        double[][] shape = [];
        double[][,] orientation = [];
        double[][,] covariances;
        switch (model)
        {
            case MclustModel.E:
                volume = [(prior.ScalarScale + b.Sum(m => m[0, 0])) / (prior.Dof + n + g + 2)];
                break;
            case MclustModel.V:
                volume = [.. stats.Select((s, k) => (prior.ScalarScale + b[k][0, 0]) / (prior.Dof + s.Count + 3))];
                break;
            case MclustModel.EII:
                // mclust's meeiip leaves the prior scale out of the sum.
                volume = [b.Sum(Trace) / (prior.Dof + (n + g) * p + 2)];
                break;
            case MclustModel.VII:
                volume = [.. stats.Select((s, k) => (prior.ScalarScale + Trace(b[k])) / (prior.Dof + s.Count * p + 2 + meanPrior * p))];
                break;
            case MclustModel.EEI:
            {
                var d = Enumerable.Range(0, p).Select(j => prior.ScalarScale + b.Sum(m => m[j, j])).ToArray();
                double gm = GeometricMean(d);
                volume = [gm / (eeiMap ? n + g + prior.Dof + 2 : prior.Dof + 1 + meanPrior + n)];
                shape = [d.Select(v => v / gm).ToArray()];
                break;
            }
            case MclustModel.VVI:
            case MclustModel.EVI:
            {
                var d = b.Select(m => Enumerable.Range(0, p).Select(j => prior.ScalarScale + m[j, j]).ToArray()).ToArray();
                var gm = d.Select(GeometricMean).ToArray();
                volume = model == MclustModel.VVI
                    ? [.. stats.Select((s, k) => gm[k] / (s.Count + prior.Dof + 2 + meanPrior))]
                    : [gm.Sum() / (prior.Dof + 1 + n + meanPrior)];
                shape = [.. d.Select((row, k) => row.Select(v => v / gm[k]).ToArray())];
                break;
            }
            case MclustModel.VEI:
            {
                var w = b.Select(m => Enumerable.Range(0, p).Select(j => prior.ScalarScale + m[j, j]).ToArray()).ToArray();
                double[] scale = previous is null ? [.. Enumerable.Repeat(1.0, g)] : (double[])previous.Volume.Clone();
                double[] a = previous is null ? [.. Enumerable.Repeat(1.0, p)] : (double[])previous.Shape[0].Clone();
                if (inner.MaxIterations > 0)
                {
                    double change;
                    do
                    {
                        innerIterations++;
                        var oldScale = (double[])scale.Clone();
                        for (int k = 0; k < g; k++)
                        {
                            double t = 0;
                            for (int j = 0; j < p; j++) t += w[k][j] / a[j];
                            scale[k] = t / (p * stats[k].Count + prior.Dof + 2 + meanPrior);
                        }
                        var oldShape = (double[])a.Clone();
                        for (int j = 0; j < p; j++)
                        {
                            double t = 0;
                            for (int k = 0; k < g; k++) t += w[k][j] / scale[k];
                            a[j] = t;
                        }
                        double gm = GeometricMean(a);
                        for (int j = 0; j < p; j++) a[j] /= gm;
                        change = 0;
                        for (int k = 0; k < g; k++) change = Math.Max(change, Math.Abs(oldScale[k] - scale[k]) / (1 + scale[k]));
                        for (int j = 0; j < p; j++) change = Math.Max(change, Math.Abs(oldShape[j] - a[j]) / (1 + a[j]));
                    }
                    while (change > inner.Tolerance && innerIterations <= inner.MaxIterations);
                }
                volume = scale;
                shape = [a];
                break;
            }
            case MclustModel.EEE:
            {
                var sum = (double[,])prior.Scale.Clone();
                foreach (var m in b) AddTo(sum, m, 1);
                double div = prior.Dof + p + 1 + meanPrior * g + n;
                covariances = [.. Enumerable.Range(0, g).Select(_ => Scaled(sum, 1 / div))];
                return Result(weights, means, covariances, volume, shape, orientation);
            }
            case MclustModel.VVV:
                covariances = [.. b.Select((m, k) =>
                {
                    var psi = (double[,])prior.Scale.Clone();
                    AddTo(psi, m, 1);
                    return Scaled(psi, 1 / (prior.Dof + stats[k].Count + p + 2));
                })];
                return Result(weights, means, covariances, volume, shape, orientation);
            case MclustModel.EEV:
            case MclustModel.VEV:
            {
                // Ψ_k = Λ0 + B_k = Ω_k's eigenvectors D_k and eigenvalues ω_k (descending).
                var eig = b.Select(m =>
                {
                    var psi = (double[,])prior.Scale.Clone();
                    AddTo(psi, m, 1);
                    return SymmetricEigen(psi);
                }).ToArray();
                orientation = [.. eig.Select(e => e.Vectors)];
                var a = new double[p];
                for (int j = 0; j < p; j++) a[j] = eig.Sum(e => e.Values[j]);
                if (model == MclustModel.EEV)
                {
                    double gm = GeometricMean(a);
                    volume = [gm / (prior.Dof + p + 1 + meanPrior + n)];
                    shape = [a.Select(v => v / gm).ToArray()];
                    break;
                }
                double[] scale;
                if (previous is null)
                {
                    double gm = GeometricMean(a);
                    scale = [.. stats.Select(s => gm / s.Count)];
                    for (int j = 0; j < p; j++) a[j] /= gm;
                }
                else
                {
                    scale = (double[])previous.Volume.Clone();
                    a = (double[])previous.Shape[0].Clone();
                }
                if (inner.MaxIterations > 0)
                {
                    double change;
                    do
                    {
                        var oldShape = (double[])a.Clone();
                        var oldScale = (double[])scale.Clone();
                        Array.Clear(a);
                        for (int k = 0; k < g; k++)
                        {
                            double t = 0;
                            for (int j = 0; j < p; j++) t += eig[k].Values[j] / oldShape[j];
                            scale[k] = t / (stats[k].Count * p);
                            for (int j = 0; j < p; j++) a[j] += eig[k].Values[j] / scale[k];
                        }
                        innerIterations++;
                        double gm = GeometricMean(a);
                        for (int j = 0; j < p; j++) a[j] /= gm;
                        change = 0;
                        for (int j = 0; j < p; j++) change = Math.Max(change, Math.Abs(oldShape[j] - a[j]) / (1 + a[j]));
                        for (int k = 0; k < g; k++) change = Math.Max(change, Math.Abs(scale[k] - oldScale[k]) / (1 + scale[k]));
                    }
                    while (change >= inner.Tolerance && innerIterations < inner.MaxIterations);
                }
                volume = scale;
                shape = [a];
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(model));
        }
        covariances = Assemble(model, g, p, volume, shape, orientation);
        return Result(weights, means, covariances, volume, shape, orientation);
    }

    /// <summary>Σ_k = λ_k D_k diag(A_k) D_kᵀ from the model's own parameters (not for EEE and VVV, whose Σ is free).</summary>
    public static double[][,] Assemble(MclustModel model, int g, int p, double[] volume, double[][] shape, double[][,] orientation)
    {
        if (model is MclustModel.EEE or MclustModel.VVV) throw new ArgumentException("EEE and VVV have no volume/shape/orientation form here", nameof(model));
        var result = new double[g][,];
        for (int k = 0; k < g; k++)
        {
            double lambda = volume.Length == 1 ? volume[0] : volume[k];
            double[] a = shape.Length == 0 ? [.. Enumerable.Repeat(1.0, p)] : shape.Length == 1 ? shape[0] : shape[k];
            var s = new double[p, p];
            if (orientation.Length == 0)
            {
                for (int j = 0; j < p; j++) s[j, j] = lambda * a[j];
            }
            else
            {
                double[,] o = orientation[k];
                for (int i = 0; i < p; i++)
                {
                    for (int j = 0; j < p; j++)
                    {
                        double t = 0;
                        for (int l = 0; l < p; l++) t += o[i, l] * a[l] * o[j, l];
                        s[i, j] = lambda * t;
                    }
                }
                Symmetrize(s);
            }
            result[k] = s;
        }
        return result;
    }

    /// <summary>Responsibilities at <paramref name="m"/> and the data's log-likelihood Σ_i log Σ_k π_k N(x_i | μ_k, Σ_k).</summary>
    public static double[,] EStep(double[][] x, ModelParameters m, out double logLikelihood)
    {
        int n = x.Length, g = m.K;
        var inverse = m.Covariances.Select(SlowEm.Inverse).ToArray();
        var logDet = m.Covariances.Select(s => Math.Log(SlowEm.Determinant(s))).ToArray();
        var z = new double[n, g];
        logLikelihood = 0;
        var l = new double[g];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < g; k++)
            {
                l[k] = m.Weights[k] > 0
                    ? Math.Log(m.Weights[k]) + LogGaussian(x[i], m.Means[k], inverse[k], logDet[k])
                    : double.NegativeInfinity;
                max = Math.Max(max, l[k]);
            }
            double sum = 0;
            for (int k = 0; k < g; k++) sum += Math.Exp(l[k] - max);
            for (int k = 0; k < g; k++) z[i, k] = Math.Exp(l[k] - max) / sum;
            logLikelihood += max + Math.Log(sum);
        }
        return z;
    }

    /// <summary>
    /// mclust's <c>me()</c>: starting from <paramref name="z"/>, repeat M-step then E-step. It stops after
    /// <paramref name="maxIterations"/> iterations or at the first with
    /// |ℓ_t − ℓ_{t−1}| / (1 + |ℓ_t|) ≤ <paramref name="tolerance"/> (ℓ_0 = huge); a null tolerance runs exactly
    /// <paramref name="maxIterations"/>. Like mclust it gives up when a component's mass falls to
    /// <see cref="MinimumCount"/> or below. <paramref name="onIteration"/> sees every iteration's parameters
    /// and log-likelihood.
    /// </summary>
    public static MclustRun Me(double[][] x, MclustModel model, double[,] z, MclustPrior prior, int maxIterations,
        double? tolerance, InnerIteration inner, double alpha = 1, Action<int, ModelParameters, double>? onIteration = null, bool eeiMap = false)
    {
        double hold = double.MaxValue / 2, hood = double.NaN;
        ModelParameters? current = null;
        int maxInner = 0;
        for (int iteration = 1; ; iteration++)
        {
            ComponentStatistics[] stats = Statistics(x, z);
            if (stats.Min(s => s.Count) <= MinimumCount)
                return new MclustRun(null, iteration, double.NaN, false, "mixing proportion fell below threshold", maxInner);
            current = MStep(model, stats, prior, alpha, current, inner, out int innerIterations, eeiMap);
            maxInner = Math.Max(maxInner, innerIterations);
            z = EStep(x, current, out hood);
            onIteration?.Invoke(iteration, current, hood);
            double change = Math.Abs(hold - hood) / (1 + Math.Abs(hood));
            hold = hood;
            bool stop = iteration >= maxIterations || (tolerance is double tol && change <= tol);
            if (stop) return new MclustRun(current, iteration, hood, iteration < maxIterations, null, maxInner);
        }
    }

    /// <summary>
    /// The log prior each model's M-step maximises (docs/models.md): Dirichlet(α) on the weights,
    /// N(μ0, Σ_k/κ0) on every mean, and the model's covariance prior — normalised where it is proper
    /// (inverse gamma, inverse Wishart), a kernel without constant where it is not (EII, VEI, EVI, EEV, VEV).
    /// For EEI it is the per-coordinate conjugate prior (σ_j² ~ IG(ν0/2, s/2)), which mclust's EEI step does not maximise.
    /// </summary>
    public static double LogPrior(MclustModel model, ModelParameters m, MclustPrior prior, double alpha)
    {
        int g = m.K, p = m.D;
        double nu = prior.Dof, k0 = prior.Shrinkage;
        double sum = SlowEm.LanczosLogGamma(g * alpha) - g * SlowEm.LanczosLogGamma(alpha);
        if (alpha != 1) sum += m.Weights.Sum(w => (alpha - 1) * Math.Log(w));
        if (k0 > 0)
        {
            for (int k = 0; k < g; k++)
            {
                var s = Scaled(m.Covariances[k], 1 / k0);
                sum += LogGaussian(m.Means[k], prior.Mean, SlowEm.Inverse(s), Math.Log(SlowEm.Determinant(s)));
            }
        }
        double LogInverseGamma(double v, double shape, double scale) =>
            shape * Math.Log(scale) - SlowEm.LanczosLogGamma(shape) - (shape + 1) * Math.Log(v) - scale / v;
        double s0 = HasMatrixScale(model) ? double.NaN : prior.ScalarScale;
        double TraceInverse(double[] a) => a.Sum(v => 1 / v);
        switch (model)
        {
            case MclustModel.E:
                return sum + LogInverseGamma(m.Volume[0], nu / 2, s0 / 2);
            case MclustModel.V:
            case MclustModel.VII:
                return sum + m.Volume.Sum(v => LogInverseGamma(v, nu / 2, s0 / 2));
            case MclustModel.EII:
                return sum - (nu / 2 + 1) * Math.Log(m.Volume[0]);
            case MclustModel.EEI:
                return sum + m.Shape[0].Sum(a => LogInverseGamma(m.Volume[0] * a, nu / 2, s0 / 2));
            case MclustModel.VVI:
                return sum + Enumerable.Range(0, g).Sum(k => m.Shape[k].Sum(a => LogInverseGamma(m.Volume[k] * a, nu / 2, s0 / 2)));
            case MclustModel.EVI:
                return sum - p * (nu + 2 - g) / 2 * Math.Log(m.Volume[0]) - s0 / (2 * m.Volume[0]) * m.Shape.Sum(TraceInverse);
            case MclustModel.VEI:
                return sum + m.Volume.Sum(l => -(nu + 3 - p) / 2 * Math.Log(l) - s0 / (2 * l) * TraceInverse(m.Shape[0]));
            case MclustModel.EEE:
                return sum + LogInverseWishart(m.Covariances[0], prior.Scale, nu);
            case MclustModel.VVV:
                return sum + m.Covariances.Sum(s => LogInverseWishart(s, prior.Scale, nu));
            case MclustModel.EEV:
                return sum - p * (nu + p + 2 - g) / 2 * Math.Log(m.Volume[0]) - 0.5 * m.Covariances.Sum(s => TraceProduct(SlowEm.Inverse(s), prior.Scale));
            case MclustModel.VEV:
                return sum + Enumerable.Range(0, g).Sum(k => p / 2.0 * Math.Log(m.Volume[k]) - 0.5 * TraceProduct(SlowEm.Inverse(m.Covariances[k]), prior.Scale));
            default:
                throw new ArgumentOutOfRangeException(nameof(model));
        }
    }

    /// <summary>The M-step's objective: Σ_i Σ_k z_ik [log π_k + log N(x_i | μ_k, Σ_k)] + log prior.</summary>
    public static double CompleteDataObjective(MclustModel model, double[][] x, double[,] z, ModelParameters m, MclustPrior prior, double alpha)
    {
        double sum = LogPrior(model, m, prior, alpha);
        for (int k = 0; k < m.K; k++)
        {
            var inverse = SlowEm.Inverse(m.Covariances[k]);
            double logDet = Math.Log(SlowEm.Determinant(m.Covariances[k]));
            for (int i = 0; i < x.Length; i++)
            {
                if (z[i, k] > 0) sum += z[i, k] * (Math.Log(m.Weights[k]) + LogGaussian(x[i], m.Means[k], inverse, logDet));
            }
        }
        return sum;
    }

    public static double LogGaussian(double[] x, double[] mu, double[,] inverse, double logDet)
    {
        int d = x.Length;
        double quad = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) quad += (x[i] - mu[i]) * inverse[i, j] * (x[j] - mu[j]);
        }
        return -0.5 * (d * Math.Log(2 * Math.PI) + logDet + quad);
    }

    /// <summary>log IW(Σ | Ψ, ν) as in SPEC §2.</summary>
    public static double LogInverseWishart(double[,] sigma, double[,] psi, double nu)
    {
        int d = sigma.GetLength(0);
        double logMvGamma = d * (d - 1) / 4.0 * Math.Log(Math.PI);
        for (int j = 1; j <= d; j++) logMvGamma += SlowEm.LanczosLogGamma(nu / 2 + (1 - j) / 2.0);
        return nu / 2 * Math.Log(SlowEm.Determinant(psi)) - nu * d / 2 * Math.Log(2) - logMvGamma
            - (nu + d + 1) / 2 * Math.Log(SlowEm.Determinant(sigma)) - 0.5 * TraceProduct(SlowEm.Inverse(sigma), psi);
    }

    /// <summary>Cyclic Jacobi: eigenvalues in descending order and the eigenvectors as the columns of a matrix.</summary>
    public static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        double norm = Math.Sqrt(Norms(a));
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            }
            if (Math.Sqrt(off) <= 1e-22 * norm) break;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(i => a[i, i])];
        var values = order.Select(i => a[i, i]).ToArray();
        var vectors = new double[n, n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++) vectors[r, c] = v[r, order[c]];
        }
        return (values, vectors);

        static double Norms(double[,] m)
        {
            double s = 0;
            foreach (double e in m) s += e * e;
            return s;
        }
    }

    private static ModelParameters Result(double[] weights, double[][] means, double[][,] covariances, double[] volume, double[][] shape, double[][,] orientation) =>
        new() { Weights = weights, Means = means, Covariances = covariances, Volume = volume, Shape = shape, Orientation = orientation };

    private static double GeometricMean(double[] v) => Math.Exp(v.Sum(Math.Log) / v.Length);

    private static double Trace(double[,] m)
    {
        double t = 0;
        for (int i = 0; i < m.GetLength(0); i++) t += m[i, i];
        return t;
    }

    private static double TraceProduct(double[,] a, double[,] b)
    {
        double t = 0;
        int n = a.GetLength(0);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) t += a[i, j] * b[j, i];
        }
        return t;
    }

    private static void AddTo(double[,] target, double[,] m, double factor)
    {
        for (int i = 0; i < target.GetLength(0); i++)
        {
            for (int j = 0; j < target.GetLength(1); j++) target[i, j] += factor * m[i, j];
        }
    }

    private static double[,] Scaled(double[,] m, double factor)
    {
        var r = new double[m.GetLength(0), m.GetLength(1)];
        AddTo(r, m, factor);
        return r;
    }

    private static void Symmetrize(double[,] s)
    {
        for (int i = 0; i < s.GetLength(0); i++)
        {
            for (int j = 0; j < i; j++) s[i, j] = s[j, i] = 0.5 * (s[i, j] + s[j, i]);
        }
    }
}
