namespace Bgmm.Spatial;

/// <summary>
/// How a stored row of q (K float32 values) is read as a distribution: every use of q — the
/// neighbour sums of a site update, F, the M-step's statistics, labels, entropy — reads the row
/// through <see cref="Normalise"/>, so q is exactly on the simplex (to double rounding) although its
/// float32 entries do not sum to exactly 1.
/// </summary>
/// <remarks>
/// Why it matters: a site update sets q_n to the maximiser of its local part of F on the simplex.
/// Read through this normalisation, the rounding to float32 moves q_n along the simplex, where the
/// maximum is stationary, so F loses only a second-order ~K·2^-48 per site; read raw, the entries
/// would leave the simplex by ~2^-24 and F would move to first order, by more than the steps of a
/// nearly converged fit. The factor 1/S is formed as 1 − e + e² with e = S − 1: every stored row
/// is a rounded distribution, so |e| ≤ K·2^-24 and the next term, e³, is below double resolution.
/// (No division: this runs for every neighbour of every site in every sweep.)
/// </remarks>
internal static class MarginalRows
{
    /// <summary>≈ 1/S for a row sum S within ~K·2^-24 of 1.</summary>
    public static double Factor(double sum)
    {
        double e = sum - 1.0;
        return (1.0 - e) + e * e;
    }

    /// <summary>The distribution q̃ = q / Σq (by <see cref="Factor"/>) of one stored row.</summary>
    public static void Normalise(ReadOnlySpan<float> row, Span<double> destination)
    {
        double sum = 0;
        for (int k = 0; k < row.Length; k++) sum += row[k];
        double factor = Factor(sum);
        for (int k = 0; k < row.Length; k++) destination[k] = row[k] * factor;
    }
}
