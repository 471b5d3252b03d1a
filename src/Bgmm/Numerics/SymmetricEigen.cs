namespace Bgmm.Numerics;

/// <summary>
/// Eigendecomposition of a small symmetric matrix, A = V diag(ω) Vᵀ, by cyclic Jacobi rotations
/// (Golub &amp; Van Loan §8.5): V orthogonal, ω in decreasing order. For symmetric positive definite
/// A (every use here) Jacobi's eigenvalues are accurate relative to their own size, not only to ‖A‖.
/// D is small and nothing here is on the per-point path.
/// </summary>
internal static class SymmetricEigen
{
    // Sweeps converge quadratically: 6–10 suffice for D ≤ 20; the cap only guards against NaN input.
    private const int MaxSweeps = 60;

    /// <summary>
    /// Writes the eigenvalues of the symmetric D×D row-major <paramref name="matrix"/> (only its values are
    /// read, it is not changed) into <paramref name="values"/> in decreasing order, and the matching unit
    /// eigenvectors into the columns of <paramref name="vectors"/> (row-major D×D): column j belongs to ω_j.
    /// </summary>
    public static void Decompose(ReadOnlySpan<double> matrix, int d, Span<double> values, Span<double> vectors)
    {
        Span<double> a = d <= 16 ? stackalloc double[d * d] : new double[d * d];
        matrix[..(d * d)].CopyTo(a);
        Span<double> v = d <= 16 ? stackalloc double[d * d] : new double[d * d];
        v.Clear();
        for (int i = 0; i < d; i++) v[i * d + i] = 1.0;

        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < d - 1; p++)
            {
                for (int q = p + 1; q < d; q++)
                {
                    double apq = a[p * d + q];
                    if (apq == 0) continue;
                    // Demmel–Veselić's test: a_pq negligible against the geometric mean of its diagonal
                    // entries (below rounding of either), which keeps small eigenvalues relatively accurate.
                    if (Math.Abs(apq) <= 1e-18 * Math.Sqrt(Math.Abs(a[p * d + p] * a[q * d + q])))
                    {
                        a[p * d + q] = a[q * d + p] = 0;
                        continue;
                    }
                    Rotate(a, v, d, p, q);
                    rotated = true;
                }
            }
            if (!rotated) break;
        }

        Span<int> order = d <= 64 ? stackalloc int[d] : new int[d];
        for (int i = 0; i < d; i++) order[i] = i;
        // Insertion sort by decreasing eigenvalue, ties by index: deterministic and stable.
        for (int i = 1; i < d; i++)
        {
            int current = order[i];
            int j = i - 1;
            while (j >= 0 && a[order[j] * d + order[j]] < a[current * d + current])
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = current;
        }
        for (int c = 0; c < d; c++)
        {
            values[c] = a[order[c] * d + order[c]];
            for (int r = 0; r < d; r++) vectors[r * d + c] = v[r * d + order[c]];
        }
    }

    /// <summary>One Jacobi rotation in the (p, q) plane that zeroes a_pq (the stable form: t the smaller root).</summary>
    private static void Rotate(Span<double> a, Span<double> v, int d, int p, int q)
    {
        double apq = a[p * d + q];
        if (apq == 0) return;
        double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        if (double.IsInfinity(theta * theta)) t = 1 / (2 * theta);
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < d; k++)
        {
            double akp = a[k * d + p], akq = a[k * d + q];
            a[k * d + p] = c * akp - s * akq;
            a[k * d + q] = s * akp + c * akq;
        }
        for (int k = 0; k < d; k++)
        {
            double apk = a[p * d + k], aqk = a[q * d + k];
            a[p * d + k] = c * apk - s * aqk;
            a[q * d + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < d; k++)
        {
            double vkp = v[k * d + p], vkq = v[k * d + q];
            v[k * d + p] = c * vkp - s * vkq;
            v[k * d + q] = s * vkp + c * vkq;
        }
        // Zero in exact arithmetic; set so, or rounding would leave a residue for the next sweep to chase.
        a[p * d + q] = a[q * d + p] = 0;
    }
}
