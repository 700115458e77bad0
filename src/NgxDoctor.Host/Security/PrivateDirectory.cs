namespace NgxDoctor.Host.Security;

/// <summary>Directories only their owner may enter: made 0700, and set back to 0700 when an older run or a person left them wider.</summary>
public static class PrivateDirectory
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Ensure(params string[] dirs)
    {
        foreach (var d in dirs.Distinct(StringComparer.Ordinal))
        {
            Directory.CreateDirectory(d, Owner);
            if (File.GetUnixFileMode(d) != Owner)
            {
                File.SetUnixFileMode(d, Owner);
            }
        }
    }
}
