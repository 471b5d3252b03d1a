namespace Bgmm.Data;

/// <summary>A table whose values are already columns in memory, which a <see cref="TableSource"/> uses without a copy.</summary>
internal interface IColumnsInMemory
{
    /// <summary>The table's columns (exactly its rows long, never changed), or null when the values are not in memory.</summary>
    double[][]? Columns { get; }
}
