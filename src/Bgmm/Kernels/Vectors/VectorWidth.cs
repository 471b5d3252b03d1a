using System.Runtime.Intrinsics;

namespace Bgmm.Kernels;

/// <summary>The vector widths of the kernel ladder, widest first.</summary>
internal enum VectorWidth
{
    Vector512,
    Vector256,
    Vector128,
    Scalar,
}

/// <summary>A kernel entry point instantiated for one width (see <see cref="VectorWidths.Dispatch{TCall}"/>).</summary>
internal interface IWidthCall
{
    /// <summary>Runs the call on the float64 lanes of one width.</summary>
    void Invoke<TOps, TV>()
        where TOps : struct, IVectorOps<TV>
        where TV : unmanaged;
}

/// <summary>
/// The one width selector: the ladder Vector512 → Vector256 → Vector128 → scalar, each rung only where
/// the runtime reports it hardware-accelerated (so the runtime's switches <c>DOTNET_EnableAVX512=0</c>,
/// <c>DOTNET_PreferredVectorBitWidth=256</c>, <c>DOTNET_EnableAVX2=0</c> and
/// <c>DOTNET_EnableHWIntrinsic=0</c> step down the ladder).
/// </summary>
internal static class VectorWidths
{
    /// <summary>The widest width that runs in hardware here.</summary>
    public static VectorWidth Best =>
        Vector512.IsHardwareAccelerated ? VectorWidth.Vector512
        : Vector256.IsHardwareAccelerated ? VectorWidth.Vector256
        : Vector128.IsHardwareAccelerated ? VectorWidth.Vector128
        : VectorWidth.Scalar;

    /// <summary>Whether the runtime accelerates <paramref name="width"/> on this machine.</summary>
    public static bool IsAccelerated(VectorWidth width) => width switch
    {
        VectorWidth.Vector512 => Vector512.IsHardwareAccelerated,
        VectorWidth.Vector256 => Vector256.IsHardwareAccelerated,
        VectorWidth.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>
    /// Runs <paramref name="call"/> on the float64 operations of <paramref name="width"/> (a width this
    /// machine does not accelerate still runs, emulated and slowly: for tests).
    /// </summary>
    public static void Dispatch<TCall>(VectorWidth width, ref TCall call)
        where TCall : struct, IWidthCall, allows ref struct
    {
        switch (width)
        {
            case VectorWidth.Vector512:
                call.Invoke<Ops512Double, Vector512<double>>();
                break;
            case VectorWidth.Vector256:
                call.Invoke<Ops256Double, Vector256<double>>();
                break;
            case VectorWidth.Vector128:
                call.Invoke<Ops128Double, Vector128<double>>();
                break;
            default:
                call.Invoke<OpsScalar, double>();
                break;
        }
    }
}
