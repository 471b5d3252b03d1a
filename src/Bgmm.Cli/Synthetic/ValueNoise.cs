using Bgmm.Imaging;
using Bgmm.Numerics;

namespace Bgmm.Cli.Synthetic;

/// <summary>Smooth noise in [0, 1]: random values on a grid, interpolated with smoothstep.</summary>
internal sealed class ValueNoise
{
    private readonly double[] _values;
    private readonly int _columns, _rows;

    public ValueNoise(RandomStream random, int columns, int rows)
    {
        _columns = columns;
        _rows = rows;
        _values = new double[(columns + 1) * (rows + 1)];
        for (int i = 0; i < _values.Length; i++) _values[i] = random.NextDouble();
    }

    public double At(double u, double v)
    {
        double gx = u * _columns, gy = v * _rows;
        int ix = Math.Min((int)gx, _columns - 1), iy = Math.Min((int)gy, _rows - 1);
        double fx = Smooth(gx - ix), fy = Smooth(gy - iy);
        int stride = _columns + 1;
        double top = Lerp(_values[iy * stride + ix], _values[iy * stride + ix + 1], fx);
        double bottom = Lerp(_values[(iy + 1) * stride + ix], _values[(iy + 1) * stride + ix + 1], fx);
        return Lerp(top, bottom, fy);
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);

    private static double Lerp(double a, double b, double t) => a + (b - a) * t;
}
