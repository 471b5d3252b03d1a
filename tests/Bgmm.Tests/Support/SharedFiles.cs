namespace Bgmm.Tests.Support;

/// <summary>Locates the project's root and the read-only <c>../shared</c> folder (SPEC §5).</summary>
internal static class SharedFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>../shared from the repository root, or null when it is absent.</summary>
    public static string? SharedDirectory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("BGMM_SHARED");
            string dir = env ?? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary>The path of a shared file, or skips the test with a clear message when it is absent.</summary>
    public static string RequireShared(params string[] parts)
    {
        string? shared = SharedDirectory;
        if (shared is null) Assert.Skip("../shared is absent (the study's images and reference results live there): skipped.");
        string path = Path.Combine([shared, .. parts]);
        if (!File.Exists(path)) Assert.Skip($"{path} is absent: skipped.");
        return path;
    }

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir, "Bgmm.slnx"))) return dir;
            dir = Path.GetDirectoryName(dir);
        }
        throw new InvalidOperationException("Bgmm.slnx not found above " + AppContext.BaseDirectory);
    }
}
