namespace Bgmm.Spatial;

/// <summary>Which pixels are neighbours in the Potts prior of SPEC §6.</summary>
public enum Neighbourhood
{
    /// <summary>4-connected: left, right, up, down (2 unordered edges per interior pixel).</summary>
    Four = 4,

    /// <summary>8-connected: the 4-connected neighbours and the four diagonals (4 edges per interior pixel).</summary>
    Eight = 8,
}
