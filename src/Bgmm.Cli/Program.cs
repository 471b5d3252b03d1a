using System.Globalization;
using Bgmm;

FitResult fit = MapEmFitter.Fit(Dataset.FromRows(ToyData.Generate()), ToyData.Prior(), ToyData.Options());
for (int k = 0; k < fit.Mixture.Components; k++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"component {k}: weight {fit.Mixture.Weights[k]:F4} mean [{string.Join(", ", fit.Mixture.GetMean(k).Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}]"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log joint {fit.LogJoint:F4} after {fit.Iterations} iterations"));
