using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Why `fix --apply` does not edit a container's configuration (a reload alone it does: the master's SIGHUP), and where the change belongs: the host file a bind
/// mount shows there (edit it on the host, then reload inside), or the image (a change in the container's own layer
/// is lost when it is recreated).
/// </summary>
public static class ContainerFiles
{
    public static string? WhyNotApplied(LocatedInstance located, IReadOnlyList<FileChange> changes)
    {
        // A private mount namespace on the host (a unit's PrivateTmp, an unshare) shares the host's files.
        if (located.From.Root.IsHost || located.Identity?.Container is null || changes.Count == 0)
        {
            return null;
        }

        var where = located.Identity?.Where ?? "another mount namespace";
        var file = located.ConfigFile;
        var reload = located.Identity?.Container is { } c ? $"`{(c.Runtime is "docker" or "podman" ? c.Runtime : "crictl")} exec {c.Name ?? c.ShortId} nginx -s reload`" : "a reload inside it";
        if (located.Identity?.Container?.Mounts.Where(m => m.Source is not null && Under(file, m.Destination)).OrderByDescending(m => m.Destination.Length).FirstOrDefault() is { } mount)
        {
            var source = mount.Source + file[mount.Destination.TrimEnd('/').Length..];
            return $"{file} of {where} is the host's {source} (a {mount.Type} mount): fix does not edit a container's files; change {source} on the host as the plan shows, then {reload}";
        }

        return $"{file} of {where} is part of its image or its own layer: an edit there is lost when the container is recreated, so fix does not make it; change the image (or the compose file's mounts) as the plan shows";
    }

    private static bool Under(string file, string dir) =>
        file == dir || file.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);
}
