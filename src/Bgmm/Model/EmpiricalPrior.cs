using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// mclust's default prior (<c>defaultPrior(data, G, modelName)</c>, what <c>priorControl()</c> gives), computed
/// from the data's moments (<see cref="DataMoments"/>, weights counted): κ0 = 0.01, μ0 = the data mean, ν0 = D + 2, and the scale
/// from R's n − 1 covariance V (n the total weight, so a weighted dataset gives the prior of the expanded
/// data): Λ0 = V / K^(2/D) for the ellipsoidal models (only V's diagonal when n ≤ D), s·I with
/// s = K^(−2/D) Σ_j V_jj / D for the spherical and diagonal ones, V / K² at D = 1 (E and V).
/// </summary>
/// <remarks>
/// It is always a valid prior. A column of zero variance gets <see cref="Ridge"/> times the data's scale
/// (the mean of the other columns' variances, else the largest squared mean, else 1). For the ellipsoidal
/// models, when the columns are (nearly) collinear — the smallest eigenvalue ρ of the correlation matrix
/// below <see cref="Ridge"/>, as for a grey image (R = G = B) — every variance V_jj is raised by
/// (<see cref="Ridge"/> − ρ)·V_jj, which lifts ρ to about <see cref="Ridge"/>: Λ0 stays positive definite, with
/// a condition number of at most about D/<see cref="Ridge"/> in correlation terms. Data that need neither get
/// mclust's prior exactly (to rounding).
/// </remarks>
internal static class EmpiricalPrior
{
    /// <summary>mclust's shrinkage κ0.</summary>
    public const double Shrinkage = 0.01;

    /// <summary>
    /// The relative ridge: small against every variance the data show, large enough that the M-step's
    /// covariances (Λ0 + B_k)/(N_k + …) stay numerically positive definite for N_k up to ~1e9 points.
    /// </summary>
    public const double Ridge = 1e-6;

    public static MixturePrior Create(DataMoments moments, int componentCount, CovarianceModel model, double alpha)
    {
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(model);
        if (componentCount < 1) throw new ModelInputException("componentCount", $"K = {componentCount}: the number of components must be ≥ 1.");
        int d = moments.Dimension;
        model.CheckDimension(d);
        double[] mean = moments.Mean.ToArray();
        double[] v = moments.CopyCovariance();
        double n = moments.TotalWeight;
        foreach (double value in v)
        {
            if (!double.IsFinite(value))
                throw new ModelInputException("data", "the data's variance is beyond double precision's range (values spread over more than about 1e150): rescale the data.");
        }
        double floor = Ridge * Scale(mean, v, d);
        var sigma0 = new double[d, d];
        if (d == 1)
        {
            sigma0[0, 0] = v[0] > 0 ? v[0] / ((double)componentCount * componentCount) : floor;
        }
        else if (model.HasScalarScale)
        {
            double sum = 0;
            for (int j = 0; j < d; j++) sum += v[j * d + j];
            double s = Math.Pow(1.0 / componentCount, 2.0 / d) * sum / d;
            for (int j = 0; j < d; j++) sigma0[j, j] = s > 0 ? s : floor;
        }
        else
        {
            for (int j = 0; j < d; j++)
            {
                if (!(v[j * d + j] > 0)) v[j * d + j] = floor;
            }
            if (n > d) Decorrelate(v, d);
            double factor = Math.Pow(1.0 / componentCount, 2.0 / d);
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) sigma0[i, j] = n > d || i == j ? factor * v[i * d + j] : 0;
            }
        }
        return new MixturePrior(new NormalInverseWishart(mean, Shrinkage, d + 2.0, sigma0), new Dirichlet(alpha));
    }

    /// <summary>The data's scale for a floor: the mean positive variance, else the largest squared mean, else 1.</summary>
    private static double Scale(double[] mean, double[] v, int d)
    {
        double sum = 0;
        int positive = 0;
        for (int j = 0; j < d; j++)
        {
            if (v[j * d + j] > 0)
            {
                sum += v[j * d + j];
                positive++;
            }
        }
        if (positive > 0) return sum / positive;
        double largest = mean.Max(m => m * m);
        return largest > 0 ? largest : 1.0;
    }

    /// <summary>Raises every variance by (ε − ρ)·V_jj when the correlation matrix's smallest eigenvalue ρ is below ε.</summary>
    private static void Decorrelate(double[] v, int d)
    {
        var correlation = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) correlation[i * d + j] = v[i * d + j] / Math.Sqrt(v[i * d + i] * v[j * d + j]);
        }
        var values = new double[d];
        SymmetricEigen.Decompose(correlation, d, values, new double[d * d]);
        double rho = values[d - 1];
        if (rho >= Ridge) return;
        for (int j = 0; j < d; j++) v[j * d + j] += (Ridge - rho) * v[j * d + j];
    }
}
