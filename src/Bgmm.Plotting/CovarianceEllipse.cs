namespace Bgmm.Plotting;

/// <summary>
/// The eigen-decomposition of a symmetric 2×2 matrix [[a, b], [b, c]]: eigenvalues
/// <see cref="Major"/> ≥ <see cref="Minor"/> and the angle of the major eigenvector.
/// </summary>
/// <param name="Major">The larger eigenvalue λ₁.</param>
/// <param name="Minor">The smaller eigenvalue λ₂.</param>
/// <param name="Angle">The angle (radians, in (−π/2, π/2]) of the eigenvector of λ₁ from the x1 axis.</param>
internal readonly record struct SymmetricEigen2(double Major, double Minor, double Angle)
{
    /// <summary>Decomposes [[a, b], [b, c]].</summary>
    /// <remarks>
    /// λ = m ± r with m = (a + c)/2 and r = hypot((a − c)/2, b): hypot neither overflows nor loses
    /// the smaller term. The major eigenvector (cos φ, sin φ) has φ = ½ atan2(2b, a − c), which is
    /// exact for a diagonal matrix (φ = 0 or π/2) and for a = c (φ = ±π/4). When a = c and b = 0
    /// every direction is an eigenvector and φ = 0. λ₂ = m − r has an absolute error of a few
    /// ulps of m, so for a nearly singular matrix it may come out slightly negative; callers that
    /// need a square root clamp it (see <see cref="CovarianceEllipse.Axes"/>).
    /// </remarks>
    public static SymmetricEigen2 Of(double a, double b, double c)
    {
        double m = 0.5 * (a + c);
        double r = double.Hypot(0.5 * (a - c), b);
        double angle = 0.5 * Math.Atan2(2.0 * b, a - c);
        return new SymmetricEigen2(m + r, m - r, angle);
    }

    /// <summary>Decomposes a 2×2 matrix, averaging its off-diagonal entries.</summary>
    public static SymmetricEigen2 Of(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(0) != 2 || matrix.GetLength(1) != 2)
            throw new ArgumentException($"the matrix is {matrix.GetLength(0)}×{matrix.GetLength(1)}: it must be 2×2.", nameof(matrix));
        return Of(matrix[0, 0], 0.5 * (matrix[0, 1] + matrix[1, 0]), matrix[1, 1]);
    }
}

/// <summary>
/// The s-σ ellipse of a 2-D Gaussian N(μ, Σ): the points x with (x − μ)ᵀ Σ⁻¹ (x − μ) = s².
/// </summary>
internal static class CovarianceEllipse
{
    /// <summary>
    /// The semi-axes √λ₁·s and √λ₂·s and the rotation φ of the s-σ ellipse of <paramref name="covariance"/>.
    /// </summary>
    public static (double SemiMajor, double SemiMinor, double Angle) Axes(double[,] covariance, double s)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(s);
        SymmetricEigen2 e = SymmetricEigen2.Of(covariance);
        return (Math.Sqrt(Math.Max(e.Major, 0.0)) * s, Math.Sqrt(Math.Max(e.Minor, 0.0)) * s, e.Angle);
    }

    /// <summary>
    /// <paramref name="count"/> points on the s-σ ellipse, the first repeated at the end so that a
    /// polyline through them closes: μ + R(φ)·(√λ₁·s·cos t, √λ₂·s·sin t) for t = 2π i / count.
    /// </summary>
    public static (double[] X, double[] Y) Points(double[] mean, double[,] covariance, double s, int count = 120)
    {
        ArgumentNullException.ThrowIfNull(mean);
        if (mean.Length != 2) throw new ArgumentException($"the mean has {mean.Length} coordinates: it must have 2.", nameof(mean));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 3);
        (double major, double minor, double angle) = Axes(covariance, s);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var x = new double[count + 1];
        var y = new double[count + 1];
        for (int i = 0; i < count; i++)
        {
            double t = 2.0 * Math.PI * i / count;
            double u = major * Math.Cos(t), v = minor * Math.Sin(t);
            x[i] = mean[0] + cos * u - sin * v;
            y[i] = mean[1] + sin * u + cos * v;
        }
        x[count] = x[0];
        y[count] = y[0];
        return (x, y);
    }
}
