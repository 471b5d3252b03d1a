using Bgmm.Tests.Reference;
using Bgmm.Tests.Support;

namespace Bgmm.Tests.Models;

/// <summary>
/// The slow reference (Reference/SlowModels.cs) against mclust 6.0.0's
/// <c>me(model, data, unmap(labels), prior = priorControl(), control = emControl(tol = c(1e-14, 1e-15)))</c>
/// (Fixtures/mclust, made by make_fixtures.R): every data set, G and model, after 1, 10 and 100
/// iterations and at convergence; and the derivations of docs/models.md checked numerically.
/// </summary>
public class SlowModelsTests
{
    // mclust's tol[2] and the inner cap make_fixtures.R passed (itmax[2]).
    internal static readonly InnerIteration MclustInner = new(1e-15, 1000);

    // After a fixed number of iterations the reference computes mclust's formulas in another order
    // (two-pass sums of outer products where mclust updates Cholesky factors by Givens rotations,
    // Jacobi where mclust uses LAPACK's SVD, its own exp/log): rounding of ~1e-16 per operation,
    // amplified by the conditioning of the covariances and by up to 100 EM iterations. Measured worst:
    // 7e-14 (faithful_waiting G3, E and V, at 100 iterations). 1e-10 is the bar and leaves three decades.
    private const double ClosedFormTolerance = 1e-10;

    // VEI and VEV also iterate inside the M-step until the relative change of volume and shape is below
    // tol[2] = 1e-15 measured against 1 + value: an absolute floor for small values, so the inner
    // fixed point is known only to about 1e-15/λ relative (mclust's own floor). The issue allows 1e-8;
    // measured worst: 1.4e-14.
    private const double IteratingTolerance = 1e-8;

    // At convergence the two runs stop at the first iteration whose relative change of the
    // log-likelihood is ≤ 1e-14; rounding in ℓ (about 1e-16·n) can move that iteration by one or two.
    // Near the optimum Δℓ shrinks like the square of the parameter change, so one more or fewer
    // iteration moves the parameters by up to ~sqrt(1e-14) = 1e-7 relative: the bar.
    // Measured worst: 2e-10 (faithful G3 EII, 238 iterations against 237).
    private const double ConvergenceTolerance = 1e-7;

    // Each extra iteration is one of those rounding-sized moves; measured worst difference: 2 (iris G3 VEI, 292 vs 290).
    private const int ConvergenceIterationSlack = 5;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in MclustFixture.Files())
        {
            foreach (MclustModel model in MclustFixture.Load(file).Models.Keys) data.Add(file, model.ToString());
        }
        return data;
    }

    public static TheoryData<string> Models() => [.. Enum.GetNames<MclustModel>()];

    [Fact]
    public void Fixtures_CoverEveryModelOnFourDataSetsWithTwoAndThreeComponents()
    {
        var files = MclustFixture.Files().Select(MclustFixture.Load).ToList();
        foreach (MclustModel model in Enum.GetValues<MclustModel>())
        {
            var sets = files.Where(f => f.Models.ContainsKey(model)).ToList();
            Assert.True(sets.Count >= (SlowModels.IsUnivariate(model) ? 2 : 8), $"{model}: {sets.Count} fixtures");
            Assert.Equal([2, 3], sets.Select(f => f.G).Distinct().Order());
        }
        Assert.All(files, f => Assert.Equal("6.0.0", f.MclustVersion));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reference_AfterOneTenAndHundredIterations_MatchesMclust(string file, string modelName)
    {
        (MclustFixture f, MclustModel model, MclustModelFixture m) = Load(file, modelName);
        double tolerance = SlowModels.Iterates(model) ? IteratingTolerance : ClosedFormTolerance;
        foreach (MclustFit fit in m.Fits.Where(x => x.MaxIterations <= 100))
        {
            if (fit.Failed)
            {
                AssertFailsLikeMclust(f, model, m, fit);
                continue;
            }
            MclustRun run = SlowModels.Me(f.Data, model, SlowModels.Unmap(f.Labels, f.G), m.Prior, fit.Iterations, null, MclustInner);
            Assert.Null(run.Failure);
            Assert.Equal(fit.Iterations, run.Iterations);
            AssertMatches(run, fit, tolerance, $"{file} {model} after {fit.Iterations} iterations");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reference_AtConvergence_MatchesMclust(string file, string modelName)
    {
        (MclustFixture f, MclustModel model, MclustModelFixture m) = Load(file, modelName);
        MclustFit fit = m.Fits.Single(x => x.MaxIterations > 100);
        if (fit.Failed)
        {
            AssertFailsLikeMclust(f, model, m, fit);
            return;
        }
        MclustRun run = SlowModels.Me(f.Data, model, SlowModels.Unmap(f.Labels, f.G), m.Prior, fit.MaxIterations, 1e-14, MclustInner);
        Assert.True(fit.Converged, $"{file} {model}: mclust did not converge in {fit.MaxIterations} iterations");
        Assert.True(run.Converged, $"{file} {model}: the reference did not converge in {fit.MaxIterations} iterations");
        Assert.InRange(run.Iterations, fit.Iterations - ConvergenceIterationSlack, fit.Iterations + ConvergenceIterationSlack);
        AssertMatches(run, fit, ConvergenceTolerance, $"{file} {model} at convergence ({run.Iterations} vs {fit.Iterations} iterations)");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DefaultPrior_EqualsMclustDefaultPrior(string file, string modelName)
    {
        (MclustFixture f, MclustModel model, MclustModelFixture m) = Load(file, modelName);
        MclustPrior ours = SlowModels.DefaultPrior(f.Data, f.G, model);

        // Column means and n − 1 variances summed in another order than R's: a few ulps.
        const double tolerance = 1e-13;
        Assert.Equal(m.Prior.Shrinkage, ours.Shrinkage);
        Assert.Equal(m.Prior.Dof, ours.Dof);
        Assert.True(Norms.Relative(ours.Mean, m.Prior.Mean) < tolerance, "prior mean");
        Assert.Equal(m.Prior.Scale.GetLength(0), ours.Scale.GetLength(0));
        Assert.True(Norms.Relative(ours.Scale, m.Prior.Scale) < tolerance, "prior scale");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParameterCount_EqualsNMclustParams(string file, string modelName)
    {
        (MclustFixture f, MclustModel model, MclustModelFixture m) = Load(file, modelName);

        Assert.Equal(m.ParameterCount, SlowModels.ParameterCount(model, f.Data[0].Length, f.G));
    }

    /// <summary>
    /// docs/models.md says which objective each M-step maximises. At the M-step's result no small move of
    /// any one parameter (a weight, a mean coordinate, the volume, a pair of shape entries, a rotation of
    /// an orientation, a covariance entry for EEE and VVV) may increase Σ z log π N + log prior. A prior
    /// exponent off by ½ shows as a first-order gain of ~h·N/2 against a second-order loss of ~h²·N.
    /// For EEI this is the conjugate MAP step the library takes (mclust's maximises nothing: see the next test).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void MStep_MaximisesTheDocumentedObjective(string modelName)
    {
        MclustModel model = Enum.Parse<MclustModel>(modelName);
        foreach ((double[][] x, double[,] z, MclustPrior prior) in SoftStarts(model))
        {
            ModelParameters best = SlowModels.MStep(model, SlowModels.Statistics(x, z), prior, 1, null, MclustInner, out _, eeiMap: true);
            double top = SlowModels.CompleteDataObjective(model, x, z, best, prior, 1);
            Assert.True(double.IsFinite(top));
            int moves = 0;
            foreach ((string what, ModelParameters moved) in Perturbations(model, best, 1e-4))
            {
                double value = SlowModels.CompleteDataObjective(model, x, z, moved, prior, 1);
                // Rounding in an objective of ~1e3 summed over ~1e3 terms: ~1e-12 relative at most.
                Assert.True(value <= top + 1e-12 * Math.Abs(top), $"{model}: moving {what} raises the objective from {top:R} to {value:R}");
                moves++;
            }
            Assert.True(moves > 4, "too few perturbations to mean anything");
        }
    }

    /// <summary>
    /// mclust's meeeip keeps the unshrunk means x̄_k and divides by n + ν0 + 2: no posterior of the
    /// conjugate family is maximised by that. The MAP under the per-coordinate conjugate prior (shrunk
    /// means, divisor n + G + ν0 + 2) reaches a higher value of the EEI objective; it is the step the library
    /// takes for EEI (docs/models.md §3.5).
    /// </summary>
    [Fact]
    public void EeiMStep_IsNotTheMaximiserOfTheConjugatePosterior()
    {
        foreach ((double[][] x, double[,] z, MclustPrior prior) in SoftStarts(MclustModel.EEI))
        {
            ComponentStatistics[] stats = SlowModels.Statistics(x, z);
            ModelParameters mclust = SlowModels.MStep(MclustModel.EEI, stats, prior, 1, null, MclustInner, out _);
            ModelParameters map = SlowModels.MStep(MclustModel.EEI, stats, prior, 1, null, MclustInner, out _, eeiMap: true);
            double a = SlowModels.CompleteDataObjective(MclustModel.EEI, x, z, mclust, prior, 1);
            double b = SlowModels.CompleteDataObjective(MclustModel.EEI, x, z, map, prior, 1);
            Assert.True(b > a + 1e-9 * Math.Abs(a), $"conjugate MAP {b:R} is not above mclust's EEI step {a:R}");
            Assert.NotEqual(mclust.Means[0][0], map.Means[0][0]);
        }
    }

    /// <summary>MAP-EM (and ECM for VEI, VEV) never lowers log-likelihood + log prior (docs/models.md); EEI with its MAP step.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void LogJointTrace_NeverDecreases(string modelName)
    {
        MclustModel model = Enum.Parse<MclustModel>(modelName);
        foreach (string file in MclustFixture.Files())
        {
            MclustFixture f = MclustFixture.Load(file);
            if (!f.Models.TryGetValue(model, out MclustModelFixture? m)) continue;
            var trace = new List<double>();
            SlowModels.Me(f.Data, model, SlowModels.Unmap(f.Labels, f.G), m.Prior, 60, null, MclustInner,
                onIteration: (_, p, logLikelihood) => trace.Add(logLikelihood + SlowModels.LogPrior(model, p, m.Prior, 1)), eeiMap: true);
            Assert.True(trace.Count > 1);
            Norms.AssertNonDecreasing(trace, f.Data.Length);
        }
    }

    /// <summary>
    /// The reference's EEI MAP step against the R implementation of the same formula with mclust's E-step
    /// (make_fixtures.R, run_eei_map): two independent implementations of the library's EEI, every fixture,
    /// after 1, 10, 100 iterations and at convergence, at the closed-form models' tolerances.
    /// </summary>
    [Theory]
    [MemberData(nameof(EeiMapFiles))]
    public void ReferenceEeiMap_MatchesTheRImplementation(string file)
    {
        MclustFixture f = MclustFixture.Load(file);
        MclustModelFixture m = f.EeiMap!;
        foreach (MclustFit fit in m.Fits)
        {
            bool convergence = fit.MaxIterations > 100;
            MclustRun run = SlowModels.Me(f.Data, MclustModel.EEI, SlowModels.Unmap(f.Labels, f.G), m.Prior, convergence ? fit.MaxIterations : fit.Iterations,
                convergence ? 1e-14 : null, MclustInner, eeiMap: true);
            if (convergence) Assert.InRange(run.Iterations, fit.Iterations - ConvergenceIterationSlack, fit.Iterations + ConvergenceIterationSlack);
            else Assert.Equal(fit.Iterations, run.Iterations);
            AssertMatches(run, fit, convergence ? ConvergenceTolerance : ClosedFormTolerance, $"{file} EEI (MAP) after {run.Iterations} iterations");
        }
    }

    public static TheoryData<string> EeiMapFiles() => [.. MclustFixture.Files().Where(f => MclustFixture.Load(f).EeiMap is not null)];

    /// <summary>mclust's VVV with priorControl() is SPEC §3's NIW posterior mode with κ0 = 0.01, μ0 = the data mean, ν0 = D + 2, Σ0 = scale.</summary>
    [Fact]
    public void VvvMStep_IsTheSpecNiwPosteriorMode()
    {
        foreach ((double[][] x, double[,] z, MclustPrior prior) in SoftStarts(MclustModel.VVV))
        {
            ModelParameters ours = SlowModels.MStep(MclustModel.VVV, SlowModels.Statistics(x, z), prior, 1, null, MclustInner, out _);
            SlowMixture spec = SlowEm.MStep(x, [.. Enumerable.Repeat(1.0, x.Length)], z,
                new SlowPrior(1, prior.Mean, prior.Shrinkage, prior.Dof, prior.Scale));

            // Same formula, different summation order (SlowEm accumulates S_k, then μ_k = (κ0 μ0 + S_k)/κ_k).
            const double tolerance = 1e-13;
            Assert.True(Norms.Relative(ours.Weights, spec.Weights) < tolerance);
            for (int k = 0; k < ours.K; k++)
            {
                Assert.True(Norms.Relative(ours.Means[k], spec.Means[k]) < tolerance);
                Assert.True(Norms.Relative(ours.Covariances[k], spec.Covariances[k]) < tolerance);
            }
        }
    }

    private static (MclustFixture, MclustModel, MclustModelFixture) Load(string file, string modelName)
    {
        MclustFixture f = MclustFixture.Load(file);
        MclustModel model = Enum.Parse<MclustModel>(modelName);
        return (f, model, f.Models[model]);
    }

    /// <summary>
    /// A run mclust gave up on (a component's mass fell to sqrt(eps)) fails in the reference too, in the same
    /// iteration. meveip (VEI) counts an iteration after its M-step, so it reports one fewer than the others.
    /// </summary>
    private static void AssertFailsLikeMclust(MclustFixture f, MclustModel model, MclustModelFixture m, MclustFit fit)
    {
        Assert.Equal("mixing proportion fell below threshold", fit.Warning);
        int failing = fit.Iterations + (model == MclustModel.VEI ? 1 : 0);
        MclustRun run = SlowModels.Me(f.Data, model, SlowModels.Unmap(f.Labels, f.G), m.Prior, fit.MaxIterations, 1e-14, MclustInner);
        Assert.Equal(fit.Warning, run.Failure);
        Assert.Equal(failing, run.Iterations);
    }

    private static void AssertMatches(MclustRun run, MclustFit fit, double tolerance, string what)
    {
        ModelParameters p = run.Parameters!;
        void Check(double error, string name) => Assert.True(error < tolerance, $"{what}: {name} differs by {error:E2} (tolerance {tolerance:E0})");
        Check(Norms.Relative(run.LogLikelihood, fit.LogLikelihood!.Value), "loglik");
        Check(Norms.Relative(p.Weights, fit.Weights!), "weights");
        for (int k = 0; k < p.K; k++)
        {
            Check(Norms.Relative(p.Means[k], fit.Means![k]), $"mean {k}");
            Check(Norms.Relative(p.Covariances[k], fit.Covariances![k]), $"covariance {k}");
        }
        if (fit.Volume is { Length: > 0 }) Check(Norms.Relative(p.Volume, fit.Volume), "volume (scale/sigmasq)");
        if (fit.Shape is not null)
        {
            Assert.Equal(fit.Shape.Length, p.Shape.Length);
            for (int k = 0; k < fit.Shape.Length; k++) Check(Norms.Relative(p.Shape[k], fit.Shape[k]), $"shape {k}");
        }
        if (fit.Orientation is not null)
        {
            // Eigenvectors are defined up to sign: compare each column with the fixture's or its negative.
            for (int k = 0; k < p.K; k++)
            {
                int d = p.D;
                for (int c = 0; c < d; c++)
                {
                    double[] ours = [.. Enumerable.Range(0, d).Select(r => p.Orientation[k][r, c])];
                    double[] theirs = [.. Enumerable.Range(0, d).Select(r => fit.Orientation[k][r, c])];
                    double error = Math.Min(Norms.Relative(ours, theirs), Norms.Relative(ours.Select(v => -v).ToArray(), theirs));
                    Check(error, $"orientation {k} column {c}");
                }
            }
        }
    }

    /// <summary>Soft responsibilities to test an M-step on: three EM iterations from the fixtures' partitions.</summary>
    private static IEnumerable<(double[][] X, double[,] Z, MclustPrior Prior)> SoftStarts(MclustModel model)
    {
        string[] files = SlowModels.IsUnivariate(model) ? ["faithful_waiting_G3.json"] : ["iris_G3.json", "generated_G2.json", "faithful_G3.json"];
        foreach (string file in files)
        {
            MclustFixture f = MclustFixture.Load(file);
            MclustPrior prior = f.Models[model].Prior;
            MclustRun run = SlowModels.Me(f.Data, model, SlowModels.Unmap(f.Labels, f.G), prior, 3, null, MclustInner);
            yield return (f.Data, SlowModels.EStep(f.Data, run.Parameters!, out _), prior);
        }
    }

    /// <summary>Small moves of one parameter at a time, in the model's own parametrisation, both ways.</summary>
    private static IEnumerable<(string What, ModelParameters Moved)> Perturbations(MclustModel model, ModelParameters m, double h)
    {
        int g = m.K, p = m.D;
        foreach (double s in new[] { h, -h })
        {
            for (int k = 0; k < g; k++)
            {
                for (int l = 0; l < g; l++)
                {
                    if (k == l) continue;
                    double[] w = (double[])m.Weights.Clone();
                    w[k] += s * w[k];
                    w[l] -= s * m.Weights[k];
                    yield return ($"weights {k},{l}", With(m, weights: w));
                }
                for (int j = 0; j < p; j++)
                {
                    double[][] means = [.. m.Means.Select(v => (double[])v.Clone())];
                    means[k][j] += s * Math.Sqrt(m.Covariances[k][j, j]);
                    yield return ($"mean {k}[{j}]", With(m, means: means));
                }
            }
            if (model is MclustModel.EEE or MclustModel.VVV)
            {
                int count = model == MclustModel.EEE ? 1 : g;
                for (int c = 0; c < count; c++)
                {
                    for (int i = 0; i < p; i++)
                    {
                        for (int j = i; j < p; j++)
                        {
                            double[][,] cov = [.. m.Covariances.Select(a => (double[,])a.Clone())];
                            double step = s * Math.Sqrt(m.Covariances[c][i, i] * m.Covariances[c][j, j]);
                            foreach (int k in model == MclustModel.EEE ? Enumerable.Range(0, g) : [c])
                            {
                                cov[k][i, j] += step;
                                if (i != j) cov[k][j, i] += step;
                            }
                            yield return ($"covariance {c}[{i},{j}]", With(m, covariances: cov));
                        }
                    }
                }
                continue;
            }
            for (int v = 0; v < m.Volume.Length; v++)
            {
                double[] volume = (double[])m.Volume.Clone();
                volume[v] *= 1 + s;
                yield return ($"volume {v}", Reassembled(model, m, volume, m.Shape, m.Orientation));
            }
            for (int r = 0; r < m.Shape.Length; r++)
            {
                for (int i = 0; i < p; i++)
                {
                    for (int j = i + 1; j < p; j++)
                    {
                        double[][] shape = [.. m.Shape.Select(a => (double[])a.Clone())];
                        shape[r][i] *= Math.Exp(s);
                        shape[r][j] *= Math.Exp(-s);
                        yield return ($"shape {r}[{i},{j}]", Reassembled(model, m, m.Volume, shape, m.Orientation));
                    }
                }
            }
            for (int k = 0; k < m.Orientation.Length; k++)
            {
                for (int i = 0; i < p; i++)
                {
                    for (int j = i + 1; j < p; j++)
                    {
                        double[][,] orientation = [.. m.Orientation.Select(a => (double[,])a.Clone())];
                        double c = Math.Cos(s), sn = Math.Sin(s);
                        for (int row = 0; row < p; row++)
                        {
                            double a = m.Orientation[k][row, i], b = m.Orientation[k][row, j];
                            orientation[k][row, i] = c * a - sn * b;
                            orientation[k][row, j] = sn * a + c * b;
                        }
                        yield return ($"orientation {k} in plane {i},{j}", Reassembled(model, m, m.Volume, m.Shape, orientation));
                    }
                }
            }
        }
    }

    private static ModelParameters Reassembled(MclustModel model, ModelParameters m, double[] volume, double[][] shape, double[][,] orientation) =>
        new()
        {
            Weights = m.Weights, Means = m.Means, Volume = volume, Shape = shape, Orientation = orientation,
            Covariances = SlowModels.Assemble(model, m.K, m.D, volume, shape, orientation),
        };

    private static ModelParameters With(ModelParameters m, double[]? weights = null, double[][]? means = null, double[][,]? covariances = null) =>
        new()
        {
            Weights = weights ?? m.Weights, Means = means ?? m.Means, Covariances = covariances ?? m.Covariances,
            Volume = m.Volume, Shape = m.Shape, Orientation = m.Orientation,
        };
}
