using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class CovarianceEllipseTests
{
    [Fact]
    public void Eigen_Diagonal_IsExact()
    {
        // m = 2.5, r = hypot(1.5, 0) = 1.5 and atan2(0, 3) = 0 are all exact in binary
        // floating point, so the result is exact: no tolerance.
        SymmetricEigen2 e = SymmetricEigen2.Of(4, 0, 1);

        Assert.Equal(4.0, e.Major);
        Assert.Equal(1.0, e.Minor);
        Assert.Equal(0.0, e.Angle);
    }

    [Fact]
    public void Eigen_DiagonalWithLargerSecondEntry_PointsAlongX2()
    {
        SymmetricEigen2 e = SymmetricEigen2.Of(1, 0, 4);

        Assert.Equal(4.0, e.Major);
        Assert.Equal(1.0, e.Minor);
        // atan2(0, −3) is the double nearest π and halving it is exact, so this equals π/2 up to
        // the 1-ulp accuracy .NET documents for Atan2: 1e-15 is a few ulps of π/2 ≈ 1.57.
        Assert.Equal(Math.PI / 2, e.Angle, 1e-15);
    }

    [Theory]
    [InlineData(1.0, 1)]   // [[2, 1], [1, 2]]: eigenvector (1, 1)/√2 for λ = 3, angle +45°
    [InlineData(-1.0, -1)] // [[2, −1], [−1, 2]]: eigenvector (1, −1)/√2 for λ = 3, angle −45°
    public void Eigen_Rotated45Degrees_MatchesHandComputation(double b, int sign)
    {
        SymmetricEigen2 e = SymmetricEigen2.Of(2, b, 2);

        // λ = 2 ± hypot(0, 1) = 2 ± 1, exact.
        Assert.Equal(3.0, e.Major);
        Assert.Equal(1.0, e.Minor);
        // ½·atan2(±2, 0) = ±π/4, within Atan2's 1-ulp accuracy (1e-15 ≈ 9 ulps of π/4).
        Assert.Equal(sign * Math.PI / 4, e.Angle, 1e-15);
    }

    [Fact]
    public void Eigen_Isotropic_HasEqualEigenvaluesAndAngleZero()
    {
        SymmetricEigen2 e = SymmetricEigen2.Of(2, 0, 2);

        Assert.Equal((2.0, 2.0, 0.0), (e.Major, e.Minor, e.Angle));
    }

    [Theory]
    [InlineData(5.0, 0.5, 30.0)]
    [InlineData(2.0, 1.0, -60.0)]
    [InlineData(1e4, 1e-2, 10.0)]
    [InlineData(3.0, 3.0 - 1e-6, 75.0)]
    public void Eigen_RecoversAMatrixBuiltFromItsDecomposition(double major, double minor, double degrees)
    {
        double phi = degrees * Math.PI / 180;
        double c = Math.Cos(phi), s = Math.Sin(phi);
        // Σ = R diag(λ₁, λ₂) Rᵀ.
        double a = major * c * c + minor * s * s;
        double b = (major - minor) * c * s;
        double d = major * s * s + minor * c * c;

        SymmetricEigen2 e = SymmetricEigen2.Of(a, b, d);

        // Building Σ rounds each entry by ~1e-16·λ₁; eigenvalues of a symmetric matrix move by at
        // most that perturbation's norm (Weyl), so 1e-14·λ₁ leaves a margin of ~50.
        Assert.Equal(major, e.Major, 1e-14 * major);
        Assert.Equal(minor, e.Minor, 1e-14 * major);
        // Check the eigenvectors by their residual ‖Σv − λv‖ rather than the angle: for nearly
        // equal eigenvalues (the last case) the angle is ill-conditioned but the residual is not.
        AssertEigenpair(a, b, d, e.Major, e.Angle);
        AssertEigenpair(a, b, d, e.Minor, e.Angle + Math.PI / 2);
    }

    [Fact]
    public void Eigen_NearlySingular_KeepsTheSmallEigenvalueToAbsoluteRounding()
    {
        // [[1, 1 − 1e-9], [1 − 1e-9, 1]] has λ = 2 − 1e-9 and 1e-9 with eigenvectors at ±45°.
        SymmetricEigen2 e = SymmetricEigen2.Of(1, 1 - 1e-9, 1);

        Assert.Equal(2 - 1e-9, e.Major, 1e-15);
        // λ₂ = m − r cancels: its error is a few ulps of m = 1 (2.2e-16 each), hence 1e-15 absolute.
        Assert.Equal(1e-9, e.Minor, 1e-15);
        Assert.Equal(Math.PI / 4, e.Angle, 1e-15);
    }

    [Fact]
    public void Axes_AreSquareRootsOfTheEigenvaluesTimesTheRadius()
    {
        (double major, double minor, double angle) = CovarianceEllipse.Axes(new double[,] { { 4, 0 }, { 0, 1 } }, 2);

        Assert.Equal((4.0, 2.0, 0.0), (major, minor, angle));
    }

    [Fact]
    public void Axes_OfASingularMatrix_AreFiniteWithAZeroMinorAxis()
    {
        // [[0.1, √0.03], [√0.03, 0.3]] is singular up to rounding; m − r may come out as −1e-17.
        double b = Math.Sqrt(0.1 * 0.3);
        (double major, double minor, _) = CovarianceEllipse.Axes(new double[,] { { 0.1, b }, { b, 0.3 } }, 1);

        // λ₁ = 0.4, so √λ₁ = 0.632…; the minor axis is √(few ulps) ≈ 1e-8 at most, never NaN.
        Assert.Equal(Math.Sqrt(0.4), major, 1e-15);
        Assert.InRange(minor, 0.0, 1e-7);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Points_LieAtMahalanobisDistanceS(double s)
    {
        double[] mean = [5, 8];
        var covariance = new double[,] { { 2.0, 0.9 }, { 0.9, 0.7 } };
        double det = 2.0 * 0.7 - 0.9 * 0.9;

        (double[] x, double[] y) = CovarianceEllipse.Points(mean, covariance, s, 64);

        Assert.Equal(65, x.Length);
        Assert.Equal((x[0], y[0]), (x[^1], y[^1]));
        foreach ((double px, double py) in x.Zip(y))
        {
            double u = px - mean[0], v = py - mean[1];
            double distanceSquared = (0.7 * u * u - 2 * 0.9 * u * v + 2.0 * v * v) / det;
            // A few roundings in the eigen-decomposition, cos/sin and this inverse (condition
            // number of Σ ≈ 7): 1e-12 relative is far above them and far below anything visible.
            Assert.Equal(s * s, distanceSquared, 1e-12 * s * s);
        }
    }

    [Fact]
    public void Points_OfAnAxisAlignedEllipse_ReachTheExpectedExtremes()
    {
        (double[] x, double[] y) = CovarianceEllipse.Points([5, 5], new double[,] { { 4, 0 }, { 0, 1 } }, 1, 120);

        // t = 0 and t = π/2 are vertices (120 is a multiple of 4): the extremes are 5 ± 2 and 5 ± 1
        // up to the rounding of cos and sin near their zeros (≈ 1e-16).
        Assert.Equal(7.0, x.Max(), 1e-12);
        Assert.Equal(3.0, x.Min(), 1e-12);
        Assert.Equal(6.0, y.Max(), 1e-12);
        Assert.Equal(4.0, y.Min(), 1e-12);
    }

    private static void AssertEigenpair(double a, double b, double d, double lambda, double angle)
    {
        double vx = Math.Cos(angle), vy = Math.Sin(angle);
        double rx = a * vx + b * vy - lambda * vx;
        double ry = b * vx + d * vy - lambda * vy;
        double norm = Math.Abs(a) + Math.Abs(b) + Math.Abs(d);
        // Backward-stable: the residual is a modest multiple of ε·‖Σ‖.
        Assert.True(Math.Sqrt(rx * rx + ry * ry) <= 1e-14 * norm, $"residual for λ = {lambda}: ({rx}, {ry})");
    }
}
