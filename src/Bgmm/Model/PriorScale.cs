using System.Globalization;

namespace Bgmm;

public sealed partial class MixturePrior
{
    /// <summary>The widest ratio tr(Σ0)/tr(V) a prior may have to the data's covariance V before it is called off scale.</summary>
    public const double ScaleRatioLimit = 1e4;

    /// <summary>The farthest μ0 may be from the data's mean, in the data's standard deviations, before it is called off scale.</summary>
    public const double LocationLimit = 1e3;

    /// <summary>
    /// Why this prior is far off the scale of the data (the library defaults μ0 = 0, Σ0 = I assume data of
    /// order 1 near the origin, and on other data give nonsense without failing): one sentence per problem, empty
    /// when there is none. A prior is off scale when tr(Σ0)/tr(V) is outside [1/<see cref="ScaleRatioLimit"/>,
    /// <see cref="ScaleRatioLimit"/>] (V the data's covariance), or when ‖μ0 − x̄‖ exceeds <see cref="LocationLimit"/>
    /// times the data's standard deviation √(tr V / D). Data with no spread (tr V = 0) have no scale to compare with.
    /// </summary>
    /// <param name="moments">The data's moments (<see cref="DataMoments.Of(Dataset)"/>).</param>
    public IReadOnlyList<string> ScaleWarnings(DataMoments moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        CheckDimension(moments.Dimension);
        int d = Dimension;
        double spread = moments.TotalVariance;
        if (!(spread > 0) || !double.IsFinite(spread)) return [];
        var warnings = new List<string>(2);
        double[,] sigma0 = ComponentPrior.Sigma0;
        double scale = 0;
        for (int j = 0; j < d; j++) scale += sigma0[j, j];
        double ratio = scale / spread;
        if (!(ratio >= 1 / ScaleRatioLimit && ratio <= ScaleRatioLimit))
        {
            string effect = ratio > 1
                ? "the prior's covariances are much wider than the data, and they dominate the fitted covariances"
                : "the prior's covariances are much narrower than the data";
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"the prior is off the data's scale: tr(Σ0)/tr(data covariance) = {ratio:G3}, outside [{1 / ScaleRatioLimit:G0}, {ScaleRatioLimit:G0}] ({effect}); give Σ0 on the data's scale or use mclust's default prior (MixturePrior.Empirical)."));
        }
        double distance = 0;
        ReadOnlySpan<double> mean = moments.Mean;
        for (int j = 0; j < d; j++)
        {
            double delta = ComponentPrior.Mu0[j] - mean[j];
            distance += delta * delta;
        }
        double standardDeviations = Math.Sqrt(distance) / Math.Sqrt(spread / d);
        if (standardDeviations > LocationLimit)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"the prior is off the data's location: μ0 is {standardDeviations:G3} standard deviations of the data from its mean (more than {LocationLimit:G0}); give μ0 near the data (e.g. its mean) or use mclust's default prior (MixturePrior.Empirical)."));
        }
        return warnings;
    }
}
