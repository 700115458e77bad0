using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// socket-permission: the PHP-FPM pool behind the socket gets listen.group = the nginx worker's group and
/// listen.mode = 0660 (the pool's file edited, php-fpm reloaded by signal to its master). When a directory above
/// the socket is what the worker cannot search, or no running pool owns the socket, no edit: the manual remedy
/// (or `usermod -aG GROUP WORKER`) stands.
/// </summary>
public sealed class SocketPermissionFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.SocketPermission;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (finding.Check == Checks.BackendAccessListCheck.CheckId)
        {
            return AccessList(finding, facts);
        }

        if (finding.Check == Checks.MacDenialCheck.CheckId)
        {
            return FixAction.None(finding, "AppArmor or SELinux denies it: a security policy is changed by a person, not by ngxdoctor (the remedy names the rule)");
        }

        if (FixContext.Target(facts, finding) is not { Address.SocketPath: { } path } target || facts.Worker is not { } worker)
        {
            return FixAction.None(finding, "the socket or the worker user is not known");
        }

        if (facts.SocketPathFor(path) is not { Socket: { } socket } sp || SocketAccess.MissingPermission(worker, sp) is not { } missing)
        {
            return FixAction.None(finding, "the worker may connect now");
        }

        if (missing.StartsWith("search", StringComparison.Ordinal))
        {
            return FixAction.None(finding, $"the worker lacks {missing}: change that directory by hand (a pool setting cannot)");
        }

        if (PoolEdits.PoolAt(facts, target.Address.Text) is not { } owner)
        {
            return FixAction.None(finding, $"no running PHP-FPM pool listens on {path}: add {worker.User} to group {socket.GroupName} (usermod -aG {socket.GroupName} {worker.User}) and restart nginx");
        }

        var (master, pool) = owner;
        var why = $"nginx's workers run as {worker.User}:{worker.GroupName}; the socket is {socket.OwnerName}:{socket.GroupName} {socket.ModeOctal}";
        return new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream,
            $"let group {worker.GroupName} use {path}: listen.group = {worker.GroupName}, listen.mode = 0660 in pool [{pool.Name}], then reload php-fpm",
            new[] { PoolEdits.Set(pool, "listen.group", worker.GroupName, why), PoolEdits.Set(pool, "listen.mode", "0660", why) }.Where(e => pool.Get(e.Directive) != e.Args).ToList(),
            [$"chgrp {worker.GroupName} {path} && chmod 0660 {path}  # the running pool keeps its socket across a reload", $"kill -USR2 {master.Pid}  # php-fpm reloads its pools"],
            FixContext.Verify(finding, target.Sites[0]))
        {
            ReloadPhpFpmPid = master.Pid,
            Socket = new SocketChange(path, worker.Gid, 0x1b0), // 0660
        };
    }

    /// <summary>The pool's listen.allowed_clients gets nginx's address appended (the pool's file edited, php-fpm reloaded).</summary>
    private static FixAction AccessList(Finding finding, DiagnosisFacts facts)
    {
        if (FixContext.Target(facts, finding) is not { } target || PoolEdits.PoolAt(facts, target.Address.Text) is not { } owner
            || owner.Pool.Get(Checks.BackendAccessListCheck.Setting) is not { } allowed || Checks.BackendAccessListCheck.Source(facts, target) is not { } source)
        {
            return FixAction.None(finding, "the pool or nginx's address is not known");
        }

        var (master, pool) = owner;
        var value = $"{allowed},{source}";
        return new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream,
            $"let nginx's address {source} in: {Checks.BackendAccessListCheck.Setting} = {value} in pool [{pool.Name}], then reload php-fpm",
            [PoolEdits.Set(pool, Checks.BackendAccessListCheck.Setting, value, $"nginx connects to {target.Address.Text} from {source}")],
            [$"kill -USR2 {master.Pid}  # php-fpm reloads its pools"],
            FixContext.Verify(finding, target.Sites[0]))
        {
            ReloadPhpFpmPid = master.Pid,
        };
    }
}
