using System.Reflection;
using Bgmm.Cli.Synthetic;

namespace Bgmm.Tests.Reliability;

/// <summary>
/// Issue 10, the library as a .NET developer meets it: bad arguments give the documented ArgumentException
/// family, with <see cref="ArgumentException.ParamName"/> the real parameter's name, before any work.
/// </summary>
public class LibraryArgumentTests
{
    private static readonly Dataset Toy = Dataset.FromRows(ToyData.Generate(perCluster: 20));

    [Fact]
    public void WrapColumns_NullColumn_ThrowsArgumentNullExceptionForColumns()
    {
        ArgumentNullException e = Assert.Throws<ArgumentNullException>(() => Dataset.WrapColumns([[1.0, 2.0], null!]));
        Assert.Equal("columns", e.ParamName);
        Assert.Contains("column 1", e.Message);
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("points")]
    [InlineData("columns")]
    public void DatasetFactories_NameTheirOwnParameter(string parameter)
    {
        ModelInputException e = Assert.Throws<ModelInputException>(() => parameter switch
        {
            "rows" => Dataset.FromRows([[1.0, double.NaN]]),
            "points" => Dataset.FromMatrix(new double[0, 2]),
            _ => Dataset.FromColumns([[1.0], [double.PositiveInfinity]]),
        });
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void PerPointMethods_DestinationTooShort_ThrowArgumentExceptionForDestination()
    {
        GaussianMixture m = MapEmFitter.Fit(Toy, null, new FitOptions(2) { MaxIterations = 3 }).Mixture;
        double[] x = [1.0, 2.0];
        ArgumentException a = Assert.Throws<ArgumentException>(() => m.PredictProbabilities(x, new double[1]));
        Assert.Equal("destination", a.ParamName);
        ArgumentException b = Assert.Throws<ArgumentException>(() => m.ComponentLogDensities(x, new double[1]));
        Assert.Equal("destination", b.ParamName);
    }

    [Theory]
    [InlineData(new[] { 1, 2, 100000 })]
    [InlineData(new[] { 0, 2 })]
    public void ModelSelection_InvalidCandidate_IsRefusedBeforeAnyFit(int[] components)
    {
        var progress = new CountingProgress();
        ModelInputException t = Assert.Throws<ModelInputException>(() =>
            ModelSelection.Select(Toy, (_, _) => MixturePrior.Default(2), new FitOptions(1) { MaxIterations = 5 }, components, [CovarianceModel.VVV], SelectionCriterion.Bic, progress: progress));
        Assert.Equal("components", t.ParamName);
        Assert.Equal(0, progress.Reports);
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("kappa0")]
    [InlineData("nu0")]
    [InlineData("mu0")]
    [InlineData("sigma0")]
    public void Hyperparameters_BeyondTheirRange_ThrowArgumentOutOfRangeException_NamingThem(string parameter)
    {
        ArgumentOutOfRangeException e = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => parameter switch
        {
            "alpha" => MixturePrior.Create(2, alpha: 1e308),
            "kappa0" => MixturePrior.Create(2, kappa0: 1e308),
            "nu0" => MixturePrior.Create(2, nu0: 1e308),
            "mu0" => MixturePrior.Create(2, mu0: [1e308, 0]),
            _ => MixturePrior.Create(2, sigma0: new double[,] { { 1e-308, 0 }, { 0, 1 } }),
        });
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void DirichletLogDensity_AtHugeAlpha_MatchesTheDuplicationFormula()
    {
        // K = 2, π = (½ + e, ½ − e): Legendre's duplication Γ(2α) = 2^(2α−1) Γ(α) Γ(α + ½)/√π and
        // log Γ(α + ½) − log Γ(α) = ½ log α − 1/(8α) + O(α⁻³) give
        // log Dir = log 2 + ½ log(α/π) − 1/(8α) + (α − 1)·log(1 − 4e²), with log(1 − 4e²) = −4e² − 8e⁴ − … .
        // The direct sum log Γ(2α) − 2 log Γ(α) + (α − 1) Σ log π_k cancels terms of ~1.4α: at α = 1e17 it
        // was off by ~10. Tolerance: 1e-12 for the terms of order 1–20, plus the rounding of log(1 ± 2e)
        // (u·2e each, u = 2^−52) that (α − 1) multiplies: 2e-8 at α = 1e17, against the old error of ~10.
        foreach (double alpha in new[] { 1e5, 1e9, 1e17 })
        {
            double p = 0.5 + 1e-9, e = p - 0.5; // e exactly as the double p holds it (Sterbenz)
            double expected = Math.Log(2) + 0.5 * Math.Log(alpha / Math.PI) - 1 / (8 * alpha) + (alpha - 1) * (-4 * e * e - 8 * e * e * e * e);
            double actual = new Dirichlet(alpha).LogDensity([p, 1 - p]);
            double tolerance = 1e-12 * Math.Max(1, Math.Abs(expected)) + 2 * alpha * Math.Pow(2, -52) * 2 * e;
            Assert.True(Math.Abs(actual - expected) < tolerance, $"α = {alpha}: {actual:R} vs {expected:R}");
        }
    }

    private sealed class CountingProgress : IProgress<SelectionProgress>
    {
        public int Reports { get; private set; }

        public void Report(SelectionProgress value) => Reports++;
    }

    /// <summary>
    /// Every public method of the core, Bgmm.Spatial and Bgmm.Imaging that takes a non-nullable reference
    /// parameter, called with null for all of those (and default values for the rest), throws an
    /// ArgumentException (ArgumentNullException mostly) whose ParamName is one of the method's parameters —
    /// never a NullReferenceException, and never a name the caller cannot find in the signature.
    /// </summary>
    [Fact]
    public void PublicMethods_WithNullArguments_ThrowArgumentExceptionsNamingARealParameter()
    {
        var instances = new Dictionary<Type, object>
        {
            [typeof(Dataset)] = Toy,
            [typeof(GaussianMixture)] = MapEmFitter.Fit(Toy, null, new FitOptions(2) { MaxIterations = 3 }).Mixture,
            [typeof(MixturePrior)] = MixturePrior.Default(2),
            [typeof(NormalInverseWishart)] = NormalInverseWishart.Default(2),
            [typeof(Dirichlet)] = new Dirichlet(),
            [typeof(MixtureStatistics)] = new MixtureStatistics(2, 2),
        };
        foreach (CovarianceModel model in CovarianceModel.All) instances.TryAdd(model.GetType(), model);

        var nullability = new NullabilityInfoContext();
        var problems = new List<string>();
        int checkedMethods = 0;
        Assembly[] assemblies = [typeof(Dataset).Assembly, typeof(Bgmm.Spatial.MeanFieldEmFitter).Assembly, typeof(Bgmm.Imaging.ImageSegmenter).Assembly];
        foreach (Type type in assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            // Records (result carriers) and exceptions hold what they are given; they do no work to guard.
            if (type.IsGenericTypeDefinition || typeof(Exception).IsAssignableFrom(type) || type.GetMethod("<Clone>$") is not null) continue;
            if (type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null) continue;
            foreach (MethodBase method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal)).Cast<MethodBase>()
                .Concat(type.IsAbstract ? [] : type.GetConstructors()))
            {
                if (method.IsGenericMethodDefinition || method.IsAbstract) continue;
                ParameterInfo[] parameters = method.GetParameters();
                if (parameters.Any(p => p.ParameterType.IsByRef || p.ParameterType.IsByRefLike || p.ParameterType.IsPointer)) continue;
                bool[] nonNullable = [.. parameters.Select(p => !p.ParameterType.IsValueType && nullability.Create(p).WriteState == NullabilityState.NotNull)];
                if (!nonNullable.Any(b => b)) continue;
                object? target = null;
                if (!method.IsStatic && method is not ConstructorInfo && !instances.TryGetValue(type, out target)) continue;
                object?[] args = [.. parameters.Select((p, i) => nonNullable[i] ? null : p.HasDefaultValue ? p.DefaultValue : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null)];
                checkedMethods++;
                string name = $"{type.Name}.{method.Name}({string.Join(", ", parameters.Select(p => p.Name))})";
                try
                {
                    if (method is ConstructorInfo c) c.Invoke(args);
                    else method.Invoke(target, args);
                    problems.Add($"{name}: accepted null");
                }
                catch (TargetInvocationException t) when (t.InnerException is ArgumentException a)
                {
                    if (!parameters.Any(p => p.Name == a.ParamName)) problems.Add($"{name}: {a.GetType().Name} names '{a.ParamName}'");
                }
                catch (TargetInvocationException t)
                {
                    problems.Add($"{name}: {t.InnerException!.GetType().Name}: {t.InnerException.Message}");
                }
            }
        }
        Assert.True(checkedMethods > 40, $"only {checkedMethods} methods checked: the sweep found too little to mean anything");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
