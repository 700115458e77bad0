using NgxDoctor.Core.Fixes;

namespace NgxDoctor.Host.Fixes;

/// <summary>What one apply is to do: the files to write, whether to reload nginx, the PHP-FPM masters to reload, the sockets and units.</summary>
public sealed record FixRequest(
    IReadOnlyList<FileChange> Changes,
    IReadOnlyList<string> Actions,
    bool Reload,
    IReadOnlyList<int> PhpFpmMasters,
    IReadOnlyList<SocketChange> Sockets,
    IReadOnlyList<string> Units)
{
    /// <summary>The request of a plan's safe actions, with each file's change read from disk now.</summary>
    public static FixRequest Of(IReadOnlyList<FixAction> safe) => new(
        FileChanges.Build(safe),
        safe.Select(a => $"{a.Finding}: {a.Summary}").ToList(),
        safe.Any(a => a.ReloadNginx),
        safe.Select(a => a.ReloadPhpFpmPid).OfType<int>().Distinct().ToList(),
        safe.Select(a => a.Socket).OfType<SocketChange>().ToList(),
        safe.Select(a => a.StartUnit).OfType<string>().Distinct().ToList());
}
