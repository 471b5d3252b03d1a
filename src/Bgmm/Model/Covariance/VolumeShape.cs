using Bgmm.Numerics;

namespace Bgmm;

/// <summary>
/// The building blocks of the constrained models' M-steps and log priors (docs/models.md §2.2): the
/// geometric mean that splits a diagonal into volume and shape, Σ = λ D diag(A) Dᵀ, the volume–shape
/// alternation of VEI and VEV, and the inverse-gamma density.
/// </summary>
internal static class VolumeShape
{
    /// <summary>
    /// Passes of the volume–shape alternation at most. Each pass never lowers the objective and the
    /// alternation converges linearly to the unique maximiser; it usually stops after a few passes
    /// (warm-started from the previous M-step), and the cap only ends rounding-level cycles.
    /// </summary>
    public const int MaxPasses = 1000;

    /// <summary>
    /// The alternation stops when no volume or shape entry moved by more than this, relative to itself:
    /// a few units in the last place, where further passes only shuffle rounding.
    /// </summary>
    public const double PassTolerance = 1e-15;

    /// <summary>exp(Σ_j log v_j / D), the geometric mean (of positive values).</summary>
    public static double GeometricMean(ReadOnlySpan<double> v)
    {
        double sum = 0;
        foreach (double x in v) sum += Math.Log(x);
        return Math.Exp(sum / v.Length);
    }

    /// <summary>Divides <paramref name="a"/> by its geometric mean (so that its product is 1) and returns that mean.</summary>
    public static double Normalize(Span<double> a)
    {
        double g = GeometricMean(a);
        for (int j = 0; j < a.Length; j++) a[j] /= g;
        return g;
    }

    /// <summary>
    /// Σ = λ V diag(a) Vᵀ (V's columns the orientation, D×D row-major), or λ diag(a) when
    /// <paramref name="vectors"/> is empty; exactly symmetric.
    /// </summary>
    public static void Assemble(double lambda, ReadOnlySpan<double> a, ReadOnlySpan<double> vectors, Span<double> sigma, int d)
    {
        sigma[..(d * d)].Clear();
        if (vectors.IsEmpty)
        {
            for (int j = 0; j < d; j++) sigma[j * d + j] = lambda * a[j];
            return;
        }
        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                double t = 0;
                for (int l = 0; l < d; l++) t += vectors[i * d + l] * a[l] * vectors[j * d + l];
                sigma[i * d + j] = sigma[j * d + i] = lambda * t;
            }
        }
    }

    /// <summary>
    /// The alternation of VEI and VEV (docs/models.md §3.6, §3.11), maximising
    /// Σ_k [−(c_k/2) log λ_k − Σ_j w_kj / (2 λ_k a_j)] over volumes λ_k and a shape a with Π a_j = 1:
    /// λ_k = Σ_j w_kj/a_j / c_k for every k (with the shape of the previous pass), then
    /// a_j ∝ Σ_k w_kj/λ_k normalised. Each half-step maximises exactly, so no pass lowers the objective;
    /// it is concave in (log λ, log a), so the fixed point is unique. Components with
    /// <paramref name="keep"/>[k] keep their volume (VEV's empty components, whose optimum is λ = ∞).
    /// </summary>
    /// <param name="w">w_kj ≥ 0, K rows of D.</param>
    /// <param name="divisors">c_k.</param>
    /// <param name="keep">Components whose volume stays as given.</param>
    /// <param name="volumes">λ_k: the start in, the result out.</param>
    /// <param name="shape">a (product 1, decreasing where D_k orders it): the start in, the result out.</param>
    public static void Alternate(double[][] w, double[] divisors, bool[] keep, double[] volumes, double[] shape)
    {
        int k = volumes.Length, d = shape.Length;
        Span<double> next = d <= 64 ? stackalloc double[d] : new double[d];
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            double change = 0;
            for (int c = 0; c < k; c++)
            {
                if (keep[c]) continue;
                double t = 0;
                for (int j = 0; j < d; j++) t += w[c][j] / shape[j];
                double lambda = t / divisors[c];
                change = Math.Max(change, Math.Abs(lambda - volumes[c]) / lambda);
                volumes[c] = lambda;
            }
            next.Clear();
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < d; j++) next[j] += w[c][j] / volumes[c];
            }
            Normalize(next);
            for (int j = 0; j < d; j++)
            {
                change = Math.Max(change, Math.Abs(next[j] - shape[j]) / next[j]);
                shape[j] = next[j];
            }
            if (!(change > PassTolerance)) return;
        }
    }

    /// <summary>λ_k = |Σ_k|^(1/D) of every component of <paramref name="previous"/>, or null when it is absent or of another size.</summary>
    public static double[]? PreviousVolumes(GaussianMixture? previous, int k, int d)
    {
        if (previous is null || previous.ComponentCount != k || previous.Dimension != d) return null;
        var volumes = new double[k];
        for (int c = 0; c < k; c++)
        {
            volumes[c] = Math.Exp(previous.Component(c).LogDeterminant / d);
            if (!(volumes[c] > 0) || !double.IsFinite(volumes[c])) return null;
        }
        return volumes;
    }

    /// <summary>log IG(v | shape, scale) = shape·log scale − log Γ(shape) − (shape + 1) log v − scale/v.</summary>
    public static double LogInverseGamma(double v, double shape, double scale) =>
        shape * Math.Log(scale) - SpecialFunctions.LogGamma(shape) - (shape + 1) * Math.Log(v) - scale / v;
}
