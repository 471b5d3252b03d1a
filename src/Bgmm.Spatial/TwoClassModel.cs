namespace Bgmm.Spatial;

/// <summary>
/// The M-step and log prior of two Bayesian Gaussian mixtures fitted as one (<see cref="BoxCutout"/>):
/// components 0 … K_b − 1 are the background's, K_b … K_b + K_f − 1 the foreground's; each class has its own
/// prior (normal-inverse-Wishart and Dirichlet, SPEC §1) and its own weights π^c, which sum to 1 within the
/// class. The joint mixture the E-step sees weighs component k of class c by ρ_c π^c_k, where ρ_c, the share of
/// the image in class c, is the maximum-likelihood N_c / N (a flat prior on ρ): the model is one mixture of
/// K_b + K_f components whose labels outside the box are observed to be background, so a colour common outside
/// the box weighs towards the background inside it too.
/// </summary>
internal sealed class TwoClassModel(int backgroundComponents, MixturePrior backgroundPrior, MixturePrior foregroundPrior) : CovarianceModel
{
    public override string Name => "VVV";

    public override string Description => "two classes of ellipsoidal components, each class with its own prior";

    public override bool Supports(int dimension) => true;

    private protected override int CovarianceParameterCount(int componentCount, int dimension) => componentCount * dimension * (dimension + 1) / 2;

    public override GaussianMixture PosteriorMode(MixtureStatistics statistics, MixturePrior prior, GaussianMixture? previous)
    {
        int k = statistics.ComponentCount, kb = backgroundComponents;
        GaussianMixture background = ClassMode(statistics, 0, kb, backgroundPrior);
        GaussianMixture foreground = ClassMode(statistics, kb, k - kb, foregroundPrior);
        double nb = 0, nf = 0;
        for (int c = 0; c < k; c++)
        {
            if (c < kb) nb += statistics.Count(c);
            else nf += statistics.Count(c);
        }
        return Join(background, foreground, nf / (nb + nf));
    }

    public override double LogPrior(GaussianMixture mixture, MixturePrior prior)
    {
        (GaussianMixture background, GaussianMixture foreground) = Split(mixture, backgroundComponents);
        return backgroundPrior.LogDensity(background) + foregroundPrior.LogDensity(foreground);
    }

    public override CovarianceParameters Describe(GaussianMixture mixture) => new(Name, [], [], []);

    internal override bool Contains(GaussianMixture mixture) => true;

    /// <summary>The joint mixture: the background's weights times 1 − ρ_f, the foreground's times ρ_f.</summary>
    public static GaussianMixture Join(GaussianMixture background, GaussianMixture foreground, double foregroundShare)
    {
        int kb = background.ComponentCount, kf = foreground.ComponentCount;
        var weights = new double[kb + kf];
        var components = new GaussianComponent[kb + kf];
        for (int c = 0; c < kb; c++) (weights[c], components[c]) = (background.WeightSpan[c] * (1 - foregroundShare), background.Component(c));
        for (int c = 0; c < kf; c++) (weights[kb + c], components[kb + c]) = (foreground.WeightSpan[c] * foregroundShare, foreground.Component(c));
        return new GaussianMixture(weights, components);
    }

    /// <summary>The two classes' mixtures of a joint mixture in source order, each class's weights renormalised.</summary>
    public static (GaussianMixture Background, GaussianMixture Foreground) Split(GaussianMixture mixture, int backgroundComponents) =>
        (Part(mixture, 0, backgroundComponents), Part(mixture, backgroundComponents, mixture.ComponentCount - backgroundComponents));

    private static GaussianMixture Part(GaussianMixture mixture, int first, int count)
    {
        var weights = new double[count];
        var components = new GaussianComponent[count];
        double total = 0;
        for (int c = 0; c < count; c++) total += mixture.WeightSpan[first + c];
        for (int c = 0; c < count; c++)
        {
            weights[c] = total > 0 ? mixture.WeightSpan[first + c] / total : 1.0 / count;
            components[c] = mixture.Component(first + c);
        }
        return new GaussianMixture(weights, components);
    }

    /// <summary>One class's MAP mixture from its components' statistics; a class with no mass keeps equal weights.</summary>
    private static GaussianMixture ClassMode(MixtureStatistics statistics, int first, int count, MixturePrior prior)
    {
        int d = statistics.Dimension, stride = MixtureStatistics.Stride(d);
        var data = new double[MixtureStatistics.Length(count, d)];
        double mass = 0;
        for (int c = 0; c < count; c++)
        {
            int at = c * stride;
            data[at] = statistics.Count(first + c);
            statistics.Mean(first + c).CopyTo(data.AsSpan(at + 1, d));
            statistics.Scatter(first + c).CopyTo(data.AsSpan(at + 1 + d, d * d));
            mass += data[at];
        }
        GaussianMixture mode = Full.PosteriorMode(new MixtureStatistics(count, d, data), prior, null);
        if (mass > 0 && mode.WeightSpan.ToArray().All(double.IsFinite)) return mode;
        var equal = new double[count];
        Array.Fill(equal, 1.0 / count);
        return new GaussianMixture(equal, [.. Enumerable.Range(0, count).Select(mode.Component)]);
    }
}
