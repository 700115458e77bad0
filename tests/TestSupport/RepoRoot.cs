namespace NgxDoctor.TestSupport;

/// <summary>The checkout the tests were built from: the first directory above the test binaries with NgxDoctor.slnx.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NgxDoctor.slnx")) && File.Exists(System.IO.Path.Combine(dir.FullName, "build.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (NgxDoctor.slnx) was not found above the test binaries");
    }
}
