using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Fixes;

/// <summary>Starts or stops a service the fix journal names ("manager:name"; a bare name is a systemd unit) with its manager's own command.</summary>
public static class ServiceControl
{
    public static Task<CommandResult> RunAsync(string reference, string verb, CancellationToken ct)
    {
        var (manager, name) = ServiceCommands.Parse(reference);
        var argv = ServiceCommands.Argv(manager, verb, name) ?? ["systemctl", verb, name];
        return CommandRunner.RunAsync(CommandRunner.Which(argv[0]) ?? argv[0], argv.Skip(1).ToList(), TimeSpan.FromSeconds(60), ct);
    }
}
