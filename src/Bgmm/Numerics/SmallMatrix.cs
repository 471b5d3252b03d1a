namespace Bgmm.Numerics;

/// <summary>
/// Dense D×D helpers on row-major spans. D is small (3 for colour images), so these are plain
/// loops; nothing here is on the per-point path.
/// </summary>
internal static class SmallMatrix
{
    /// <summary>
    /// Lower Cholesky factor C with A = C Cᵀ, reading only the lower triangle of A. Returns false
    /// when A is not (numerically) positive definite; then <paramref name="factor"/> is garbage.
    /// </summary>
    public static bool TryCholesky(ReadOnlySpan<double> a, Span<double> factor, int d)
    {
        factor[..(d * d)].Clear();
        for (int j = 0; j < d; j++)
        {
            double diagonal = a[j * d + j];
            for (int k = 0; k < j; k++) diagonal -= factor[j * d + k] * factor[j * d + k];
            if (!(diagonal > 0) || !double.IsFinite(diagonal)) return false;
            double cjj = Math.Sqrt(diagonal);
            factor[j * d + j] = cjj;
            for (int i = j + 1; i < d; i++)
            {
                double s = a[i * d + j];
                for (int k = 0; k < j; k++) s -= factor[i * d + k] * factor[j * d + k];
                factor[i * d + j] = s / cjj;
            }
        }
        return true;
    }

    /// <summary>
    /// Replaces the lower Cholesky factor C of A by that of A + v vᵀ (v is overwritten), by Givens
    /// rotations of [C v] that zero v: each rotation mixes v into C only through cos and sin, so a v far
    /// larger than C loses nothing of C across v's direction (forming A + v vᵀ would). Returns false when
    /// a value is not finite (v beyond double range).
    /// </summary>
    public static bool RankOneUpdate(Span<double> factor, Span<double> v, int d)
    {
        for (int k = 0; k < d; k++)
        {
            double ckk = factor[k * d + k], vk = v[k];
            if (vk == 0) continue;
            double r = double.Hypot(ckk, vk);
            double cos = ckk / r, sin = vk / r;
            factor[k * d + k] = r;
            for (int i = k + 1; i < d; i++)
            {
                double cik = factor[i * d + k];
                factor[i * d + k] = cos * cik + sin * v[i];
                v[i] = cos * v[i] - sin * cik;
            }
        }
        for (int i = 0; i < d * d; i++)
        {
            if (!double.IsFinite(factor[i])) return false;
        }
        return true;
    }

    /// <summary>Inverse of a lower-triangular matrix (forward substitution on the identity's columns).</summary>
    public static void InvertLower(ReadOnlySpan<double> lower, Span<double> inverse, int d)
    {
        inverse[..(d * d)].Clear();
        for (int col = 0; col < d; col++)
        {
            inverse[col * d + col] = 1.0 / lower[col * d + col];
            for (int i = col + 1; i < d; i++)
            {
                double s = 0;
                for (int k = col; k < i; k++) s -= lower[i * d + k] * inverse[k * d + col];
                inverse[i * d + col] = s / lower[i * d + i];
            }
        }
    }

    /// <summary>log|A| from A's Cholesky factor: 2 Σ log C_ii.</summary>
    public static double LogDeterminantFromCholesky(ReadOnlySpan<double> factor, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++) s += Math.Log(factor[i * d + i]);
        return 2 * s;
    }

    /// <summary>‖L v‖² for lower-triangular L.</summary>
    public static double LowerTimesVectorSquaredNorm(ReadOnlySpan<double> lower, ReadOnlySpan<double> v, int d)
    {
        double sum = 0;
        for (int i = 0; i < d; i++)
        {
            double y = 0;
            for (int k = 0; k <= i; k++) y += lower[i * d + k] * v[k];
            sum += y * y;
        }
        return sum;
    }

    /// <summary>tr(P S Pᵀ) = Σ_i p_iᵀ S p_i for lower-triangular P (rows p_i) and symmetric S.</summary>
    public static double TraceCongruence(ReadOnlySpan<double> lower, ReadOnlySpan<double> s, int d)
    {
        double trace = 0;
        for (int i = 0; i < d; i++)
        {
            for (int a = 0; a <= i; a++)
            {
                double pa = lower[i * d + a];
                if (pa == 0) continue;
                for (int b = 0; b <= i; b++) trace += pa * s[a * d + b] * lower[i * d + b];
            }
        }
        return trace;
    }

    /// <summary>Replaces A by (A + Aᵀ)/2.</summary>
    public static void Symmetrize(Span<double> a, int d)
    {
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                double m = 0.5 * (a[i * d + j] + a[j * d + i]);
                a[i * d + j] = m;
                a[j * d + i] = m;
            }
        }
    }

    /// <summary>
    /// Largest |A_ij − A_ji| relative to the largest |A_ij|; 0 for a symmetric matrix.
    /// </summary>
    public static double RelativeAsymmetry(ReadOnlySpan<double> a, int d)
    {
        double scale = 0, worst = 0;
        for (int i = 0; i < d * d; i++) scale = Math.Max(scale, Math.Abs(a[i]));
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++) worst = Math.Max(worst, Math.Abs(a[i * d + j] - a[j * d + i]));
        }
        return scale == 0 ? 0 : worst / scale;
    }

    public static double[] Identity(int d)
    {
        var m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = 1.0;
        return m;
    }

    public static double[] Flatten(double[,] m)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        var flat = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) flat[i * cols + j] = m[i, j];
        }
        return flat;
    }

    public static double[,] ToMatrix(ReadOnlySpan<double> flat, int d)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) m[i, j] = flat[i * d + j];
        }
        return m;
    }
}
