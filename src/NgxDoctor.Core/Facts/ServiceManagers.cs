namespace NgxDoctor.Core.Facts;

/// <summary>What starts and stops services on the diagnosed box.</summary>
public enum ServiceManager
{
    Unknown,
    Systemd,

    /// <summary>sysvinit scripts in /etc/init.d run by `service` (Debian without systemd, WSL, many containers).</summary>
    SysVinit,
    OpenRc,
    Runit,
    S6,
    Supervisord,

    /// <summary>Nothing inside manages services: the container runtime restarts the container (its restart policy).</summary>
    Container,
}

/// <summary>The commands that start and stop a service with each manager: argv, and as a person types it.</summary>
public static class ServiceCommands
{
    public static IReadOnlyList<string>? Argv(ServiceManager manager, string verb, string name) => manager switch
    {
        ServiceManager.Systemd => ["systemctl", verb, name],
        ServiceManager.SysVinit => ["service", name, verb],
        ServiceManager.OpenRc => ["rc-service", name, verb],
        ServiceManager.Runit => ["sv", verb == "start" ? "up" : "down", name],
        ServiceManager.S6 => ["s6-svc", verb == "start" ? "-u" : "-d", "/run/service/" + name],
        ServiceManager.Supervisord => ["supervisorctl", verb, name],
        _ => null,
    };

    /// <summary>"service php8.2-fpm start"; for a container, what restarts it; null when nothing is known.</summary>
    public static string? Text(ServiceManager manager, string verb, string name) =>
        Argv(manager, verb, name) is { } argv ? string.Join(' ', argv)
        : manager == ServiceManager.Container ? $"restart the container that runs {name} (docker start / docker compose up -d; its restart policy restarts it when it exits)"
        : null;

    /// <summary>
    /// How a remedy names starting a service this box would start: the manager's own command for the example name,
    /// or both common forms when the manager is not known.
    /// </summary>
    public static string Example(ServiceManager manager, string name) =>
        Text(manager, "start", name) ?? $"systemctl start {name}, or without systemd: service {name} start";

    /// <summary>A service as the fix journal keeps it: "manager:name" (a bare name is a systemd unit, as older journals wrote it).</summary>
    public static string Ref(ServiceManager manager, string name) => manager == ServiceManager.Systemd ? name : $"{manager.ToString().ToLowerInvariant()}:{name}";

    public static (ServiceManager Manager, string Name) Parse(string reference)
    {
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Enum.TryParse<ServiceManager>(reference[..colon], ignoreCase: true, out var m) ? (m, reference[(colon + 1)..]) : (ServiceManager.Systemd, reference);
    }
}
