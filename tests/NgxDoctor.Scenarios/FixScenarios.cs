using NgxDoctor.Core.Fixes;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Fixes;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`fix` on real nginx: broken, then fixed through nginx, with only the intended lines changed; and the transaction's guarantees.</summary>
public sealed class FixScenarios : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;

    public void Dispose() => Directory.Delete(_state, true);

    private CliRun Fix(ScenarioLab lab, params string[] args) => lab.Fix(_state, args);

    /// <summary>Every file under a directory with the hash of its bytes (restoring a file gives it a new mtime, never new bytes).</summary>
    private static string Contents(string dir) => string.Join("\n", Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{f} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));

    /// <summary>Lines of the file before and after that differ (a line-by-line comparison; edits here only replace or add lines).</summary>
    private static List<string> Changed(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        return b.Except(a).ToList();
    }

    [SkippableFact]
    public async Task A_read_timeout_too_short_for_a_slow_backend_is_raised_and_the_request_then_succeeds()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", 3);
        await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n            proxy_read_timeout 1s;\n        }}"));
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);

        var dry = Fix(lab);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("+            proxy_read_timeout 5s;", dry.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(lab.Nginx.ConfigFile));
        var plan = Fix(lab, "--json");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal("critical", plan.Json.GetProperty("status").GetString());
        Assert.Contains("+            proxy_read_timeout 5s;", plan.Json.GetProperty("diffs")[0].GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, plan.Json.GetProperty("result").ValueKind);

        var run = Fix(lab, "--apply", "--yes", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Json.GetProperty("result").GetProperty("applied").GetBoolean(), run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        Assert.Equal(["            proxy_read_timeout 5s;"], Changed(before, File.ReadAllText(lab.Nginx.ConfigFile)));
        Assert.Contains("applied", Fix(lab, "--history").Stdout, StringComparison.Ordinal);
        var history = Fix(lab, "--history", "--json");
        Assert.Equal("applied", history.Json.GetProperty("applies")[0].GetProperty("step").GetString());

        var undo = Fix(lab, "--rollback");
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Equal(before, File.ReadAllText(lab.Nginx.ConfigFile));
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);
        // Nothing applied is left to roll back: said as such, not as "no applied fix last".
        var again = Fix(lab, "--rollback");
        Assert.True(again.ExitCode == 3, again.ToString());
        Assert.Contains("no fix in", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("is applied and not rolled back", again.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_response_header_over_the_buffer_gets_a_bigger_buffer_and_the_request_then_succeeds()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "bigheader");
        await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n        }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        var changed = Changed(before, File.ReadAllText(lab.Nginx.ConfigFile));
        Assert.Equal(["            proxy_buffer_size 16k;", "            proxy_buffers 8 16k;"], changed.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task An_upstream_on_ipv4_loopback_while_node_listens_on_ipv6_is_repointed_and_the_request_then_succeeds()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartNodeAsync(port, "::1");
        await lab.StartPythonAsync(ScenarioLab.FreePort()); // an unrelated service: not a candidate
        await lab.StartNginxAsync($"upstream app {{\n    server 127.0.0.1:{ScenarioLab.Str(port)} max_fails=3; # the app\n}}\n" + lab.Server("location / { proxy_pass http://app; }"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);

        var run = Fix(lab, "--apply", "--yes", "--only", "wrong-address");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        Assert.Equal([$"    server [::1]:{ScenarioLab.Str(port)} max_fails=3; # the app"], Changed(before, File.ReadAllText(lab.Nginx.ConfigFile)));
    }

    private static async Task<(ScenarioLab Lab, int Port)> SlowAsync()
    {
        var lab = new ScenarioLab();
        try
        {
            var port = ScenarioLab.FreePort();
            await lab.StartFakeAsync(port, "slow", 2);
            await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n            proxy_read_timeout 1s;\n        }}"));
            Assert.Equal(504, (await lab.GetAsync("/"))[0]);
            return (lab, port);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The transaction as `fix --apply` runs it (located, diagnosed, planned, applied), with one step made to fail for
    /// real through its seam: a write nginx -t rejects, or a verification that fails.
    /// </summary>
    [SkippableTheory]
    [InlineData(true, "nginx -t failed")]
    [InlineData(false, "the fix did not help")]
    public async Task A_fix_that_fails_its_test_or_its_verification_leaves_every_file_byte_identical_and_nginx_serving(bool breakTheWrite, string message)
    {
        var (lab, _) = await SlowAsync();
        using var __ = lab;
        var before = Contents(lab.Nginx.PathOf("conf"));
        var master = lab.Nginx.Nginx!.Pid;
        var located = await DiagnosisService.LocateAsync(lab.Nginx.ConfigFile, default);
        var diagnosed = await DiagnosisService.DiagnoseAsync(located, new CollectOptions { ProbeTimeout = TimeSpan.FromSeconds(10), Deadline = TimeSpan.FromSeconds(30) }, default);
        var safe = FixPlanner.Plan(diagnosed.Report, diagnosed.Facts, diagnosed.Config).Safe.ToList();
        Assert.NotEmpty(safe);
        var steps = breakTheWrite ? new FixSteps { Write = (path, bytes) => SafeFileWriter.Write(path, [.. bytes, .. "\nngxdoctor_invalid_directive;\n"u8]) } : new FixSteps();
        var transaction = new FixTransaction(new FixState(_state), located, diagnosed.Config, steps);

        var result = await transaction.ApplyAsync(FixRequest.Of(safe), _ => Task.FromResult((false, "verification failed")), default);
        Assert.False(result.Applied, string.Join("\n", result.Steps));
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Contains("every file is restored", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, Contents(lab.Nginx.PathOf("conf")));
        Assert.False(lab.Nginx.Nginx.HasExited);
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);
        Assert.Contains("rolled-back", Fix(lab, "--history").Stdout, StringComparison.Ordinal);
        Assert.Equal(master, lab.Nginx.Nginx.Pid);
    }

    /// <summary>
    /// Issue 28: the plan of a tab-indented configuration (Debian's) is a real unified diff: its tabs are tabs, and
    /// `patch` applies it to the file as printed (the lines before the diff are what patch skips as garbage).
    /// </summary>
    [SkippableFact]
    public async Task The_plan_of_a_tab_indented_file_is_a_diff_patch_applies()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", 2);
        await lab.StartNginxAsync($"\tserver {{\n\t\tlisten 127.0.0.1:{ScenarioLab.Str(lab.Port)};\n\t\tlocation / {{\n\t\t\tproxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n\t\t\tproxy_read_timeout 1s;\n\t\t}}\n\t}}");
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);
        var plan = Fix(lab);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("+\t\t\tproxy_read_timeout ", plan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\x09", plan.Stdout, StringComparison.Ordinal);

        var copy = Path.Combine(lab.Root, "copy.conf");
        File.Copy(lab.Nginx.ConfigFile, copy);
        var patch = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("patch", ["--batch", copy]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
        await patch.StandardInput.WriteAsync(plan.Stdout);
        patch.StandardInput.Close();
        var said = await patch.StandardOutput.ReadToEndAsync() + await patch.StandardError.ReadToEndAsync();
        await patch.WaitForExitAsync();
        Assert.True(patch.ExitCode == 0, said + "\n" + plan.Stdout);
        Assert.Contains("\t\t\tproxy_read_timeout ", File.ReadAllText(copy), StringComparison.Ordinal);
        Assert.DoesNotContain("proxy_read_timeout 1s;", File.ReadAllText(copy), StringComparison.Ordinal);
    }

    /// <summary>
    /// An edit that would leave a configuration nginx refuses (issue 27: a block after a simple directive) is refused
    /// before anything is written, in nginx's words, read as nginx reads the edited files.
    /// </summary>
    [SkippableFact]
    public async Task An_edit_nginx_would_refuse_is_never_written()
    {
        var (lab, _) = await SlowAsync();
        using var __ = lab;
        var before = Contents(lab.Nginx.PathOf("conf"));
        var located = await DiagnosisService.LocateAsync(lab.Nginx.ConfigFile, default);
        var diagnosed = await DiagnosisService.DiagnoseAsync(located, new CollectOptions { ProbeTimeout = TimeSpan.FromSeconds(10), Deadline = TimeSpan.FromSeconds(30) }, default);
        var request = FixRequest.Of(FixPlanner.Plan(diagnosed.Report, diagnosed.Facts, diagnosed.Config).Safe.ToList());
        var change = request.Changes[0];
        var broken = System.Text.Encoding.UTF8.GetString(change.After).Replace("proxy_read_timeout ", "proxy_buffering off {} proxy_read_timeout ", StringComparison.Ordinal);
        var transaction = new FixTransaction(new FixState(_state), located, diagnosed.Config);

        var result = await transaction.ApplyAsync(request with { Changes = [change with { After = System.Text.Encoding.UTF8.GetBytes(broken) }] }, _ => Task.FromResult((true, "")), default);
        Assert.False(result.Applied, string.Join("\n", result.Steps));
        Assert.Contains("directive \"proxy_buffering\" is not terminated by \";\"", result.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, Contents(lab.Nginx.PathOf("conf")));
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);
    }

    /// <summary>
    /// A real `fix --apply` stopped (SIGSTOP) the moment its write lands and then killed: the journal of a dead run is
    /// finished by the next transaction. The watcher sees the rename within milliseconds; nginx -t alone takes longer.
    /// </summary>
    [SkippableFact]
    public async Task An_apply_killed_after_writing_is_undone_by_the_next_run()
    {
        var (lab, _) = await SlowAsync();
        using var __ = lab;
        var before = Contents(lab.Nginx.PathOf("conf"));
        var psi = NgxDoctorCli.StartInfo(["fix", "--config", lab.Nginx.ConfigFile, "--apply", "--yes"]);
        psi.Environment["NGXDOCTOR_STATE_DIR"] = _state;
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(lab.Nginx.ConfigFile)!) { IncludeSubdirectories = true };
        using var fix = System.Diagnostics.Process.Start(psi)!;
        var written = new TaskCompletionSource();
        watcher.Renamed += (_, _) =>
        {
            Stop(fix.Id);
            written.TrySetResult();
        };
        watcher.EnableRaisingEvents = true;
        try
        {
            Assert.True(await Task.WhenAny(written.Task, Task.Delay(TimeSpan.FromSeconds(90))) == written.Task, "the apply never wrote");
            Assert.NotEqual(before, Contents(lab.Nginx.PathOf("conf")));
            var changed = Contents(lab.Nginx.PathOf("conf"));
            // A second transaction on the host while the first holds the lock is refused, and touches nothing of the first's.
            var second = Fix(lab, "--apply", "--yes");
            Assert.True(second.ExitCode == 3, second.ToString());
            Assert.Contains($"another fix transaction runs on this host (pid {fix.Id}", second.Stderr, StringComparison.Ordinal);
            Assert.Equal(changed, Contents(lab.Nginx.PathOf("conf")));
        }
        finally
        {
            fix.Kill();
            fix.WaitForExit();
        }

        // A temporary manifest of a run that is gone (its pid names no process) is cleaned by the next transaction.
        var orphan = Path.Combine(Directory.GetDirectories(Path.Combine(_state, "backups"))[0], ".manifest.json.ngxdoctor-99999999.tmp");
        File.WriteAllText(orphan, "{");

        Assert.Empty(Directory.GetFiles(lab.Nginx.PathOf("conf"), ".*.tmp"));
        var history = Fix(lab, "--history").Stdout;
        Assert.Matches("writing|written|tested|reloaded", history);
        Assert.DoesNotMatch("applied|rolled-back", history);
        var recovered = Fix(lab, "--apply", "--yes", "--only", "backend-error");
        Assert.True(recovered.ExitCode == 1, recovered.ToString()); // recovered, but nothing of what was asked applied
        Assert.StartsWith("ngxdoctor: nothing applied: no backend-error finding to fix", recovered.Stderr, StringComparison.Ordinal);
        Assert.Contains("recovered", recovered.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Contents(lab.Nginx.PathOf("conf")));
        Assert.False(File.Exists(orphan), recovered.ToString());
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static void Stop(int pid) => Assert.Equal(0, kill(pid, 19));

    [SkippableTheory]
    [InlineData("n", 504)]
    [InlineData("y", 200)]
    public async Task On_a_terminal_apply_asks_before_each_change_and_only_a_yes_changes_anything(string answer, int status)
    {
        var (lab, _) = await SlowAsync();
        using var __ = lab;
        var before = Contents(lab.Nginx.PathOf("conf"));

        // `script` gives ngxdoctor a terminal (a pty) and types the answer into it.
        var line = string.Join(' ', NgxDoctorCli.Command.Concat(["fix", "--config", lab.Nginx.ConfigFile, "--apply"]).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var psi = new System.Diagnostics.ProcessStartInfo("script", ["-q", "-e", "-c", line, "/dev/null"]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["NGXDOCTOR_STATE_DIR"] = _state;
        psi.Environment["TERM"] = "xterm";
        using var fix = System.Diagnostics.Process.Start(psi)!;
        var output = fix.StandardOutput.ReadToEndAsync();
        await fix.StandardInput.WriteAsync(answer + "\n");
        await fix.StandardInput.FlushAsync();
        if (!fix.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            fix.Kill(entireProcessTree: true);
        }

        var text = await output;
        Assert.True(fix.ExitCode == (answer == "n" ? 1 : 0), text);
        Assert.Contains("Apply: raise proxy_read_timeout", text, StringComparison.Ordinal);
        Assert.Equal(status, (await lab.GetAsync("/"))[0]);
        if (answer == "n")
        {
            Assert.Equal(before, Contents(lab.Nginx.PathOf("conf")));
            Assert.DoesNotContain("nginx -t", text, StringComparison.Ordinal);
            Assert.Contains("ngxdoctor: nothing applied: every change was declined", text, StringComparison.Ordinal);
            Assert.DoesNotContain("APPLIED", text, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_state));
        }
        else
        {
            Assert.NotEqual(before, Contents(lab.Nginx.PathOf("conf")));
            Assert.Contains("APPLIED", text, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task A_dry_run_changes_nothing_on_disk()
    {
        var (lab, _) = await SlowAsync();
        using var __ = lab;
        var conf = TreeSnapshot.Of(lab.Nginx.PathOf("conf"));
        var state = TreeSnapshot.Of(_state);
        var run = Fix(lab);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("proxy_read_timeout", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(conf, TreeSnapshot.Of(lab.Nginx.PathOf("conf")));
        Assert.Equal(state, TreeSnapshot.Of(_state));
    }

    [SkippableFact]
    public async Task A_symlinked_site_file_with_crlf_and_comments_is_edited_in_place_and_the_rest_stays_byte_identical()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", 2);
        var available = lab.Nginx.PathOf("conf/sites-available");
        var enabled = lab.Nginx.PathOf("conf/sites-enabled");
        Directory.CreateDirectory(available);
        Directory.CreateDirectory(enabled);
        var site = Path.Combine(available, "app.conf");
        var text = $"# the app\r\nserver {{\r\n    listen 127.0.0.1:{ScenarioLab.Str(lab.Port)};\r\n    server_name scenario.test;\r\n\r\n    location / {{ # slow API\r\n        # keep this comment\r\n        proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\r\n        proxy_read_timeout 1s;   # too short\r\n    }}\r\n}}\r\n";
        File.WriteAllText(site, text);
        File.CreateSymbolicLink(Path.Combine(enabled, "app.conf"), site);
        await lab.StartNginxAsync($"include {enabled}/*.conf;");
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(new FileInfo(Path.Combine(enabled, "app.conf")).LinkTarget is not null, "the link must stay a link");
        Assert.Equal(text.Replace("proxy_read_timeout 1s;", "proxy_read_timeout 4s;", StringComparison.Ordinal), File.ReadAllText(site));
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task A_php_fpm_socket_the_workers_may_not_use_gets_their_group_and_php_fpm_is_reloaded()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/locked.sock");
        await lab.StartPhpFpmAsync(sock, owner: "root", group: "root", mode: "0660");
        await lab.StartNginxAsync(lab.Server($"location / {{ fastcgi_pass unix:{sock}; include /etc/nginx/fastcgi_params; }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var pool = lab.Nginx.PathOf("conf/locked-fpm.conf");
        var before = File.ReadAllText(pool);

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEqual(502, (await lab.GetAsync("/"))[0]);
        Assert.Equal(["listen.group = nogroup"], Changed(before, File.ReadAllText(pool)).Select(l => l.Trim()));
    }

    [SkippableFact]
    public async Task A_saturated_php_fpm_pool_gets_more_children_as_memory_allows_and_concurrent_requests_then_succeed()
    {
        using var lab = new ScenarioLab();
        var (fpm, _) = await lab.StartSaturatedPoolAsync();
        var pool = lab.Nginx.PathOf("conf/small-fpm.conf");
        var before = File.ReadAllText(pool);

        var run = Fix(lab, "--apply", "--yes", "--only", "pool-exhausted");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["pm.max_children = 4"], Changed(before, File.ReadAllText(pool)).Select(l => l.Trim()));

        // The pool forks its 4 children one by one; a burst before they are all up would meet the backlog of 2.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (NgxDoctor.Host.Proc.ProcessTable.Read().Count(p => p.ParentPid == fpm.Pid) < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // Forked is not yet accepting, and a child of the old generation may still be leaving: under load the first
        // burst can meet a pool not yet whole. The burst of 6 that got a 502 from the unfixed pool (one child and a
        // queue of three) succeeding within 20 s (a loaded CI machine) is the fix working (four children and the queue take seven).
        int[] statuses;
        var until = DateTime.UtcNow.AddSeconds(20);
        do
        {
            statuses = await lab.GetAsync("/slow.php", 6);
        }
        while (statuses.Any(s => s != 200) && DateTime.UtcNow < until);

        var children = NgxDoctor.Host.Proc.ProcessTable.Read().Count(p => p.ParentPid == fpm.Pid);
        Assert.True(statuses.All(s => s == 200),
            $"statuses {string.Join(',', statuses)}, {children} children\n{File.ReadAllText(lab.Nginx.PathOf("logs/small-fpm.log"))}");
    }

    [SkippableFact]
    public async Task Servers_marked_failed_after_they_came_back_are_released_by_a_reload()
    {
        using var lab = new ScenarioLab();
        var a = ScenarioLab.FreePort();
        var b = ScenarioLab.FreePort();
        await lab.StartNginxAsync($"upstream app {{ server 127.0.0.1:{ScenarioLab.Str(a)} max_fails=1 fail_timeout=300s; server 127.0.0.1:{ScenarioLab.Str(b)} max_fails=1 fail_timeout=300s; }}\n"
            + lab.Server("location / { proxy_pass http://app; }"));
        await lab.GetAsync("/", 3);
        await lab.StartFakeAsync(a, "ok");
        await lab.StartFakeAsync(b, "ok");
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var before = Contents(lab.Nginx.PathOf("conf"));

        var run = Fix(lab, "--apply", "--yes", "--only", "no-live-upstreams");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("reload nginx", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        Assert.Equal(before, Contents(lab.Nginx.PathOf("conf")));
    }

    [SkippableFact]
    public async Task An_address_that_changed_after_nginx_started_is_picked_up_by_a_reload()
    {
        using var lab = new ScenarioLab();
        await DnsScenarios.MovedBackendAsync(lab);

        var run = Fix(lab, "--apply", "--yes", "--only", "dns-stale");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task A_dead_backend_whose_service_is_not_known_is_left_to_a_person_and_nothing_changes()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var before = Contents(lab.Nginx.PathOf("conf"));

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith($"ngxdoctor: nothing applied: no safe fix: upstream-down 127.0.0.1:{ScenarioLab.Str(port)}: ", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("manual", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("does not guess a command line", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Contents(lab.Nginx.PathOf("conf")));
        Assert.Empty(Directory.GetDirectories(_state));
    }

    [SkippableFact]
    public async Task A_php_fpm_access_list_without_nginx_s_address_is_found_and_the_address_added()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        File.WriteAllText(lab.Nginx.PathOf("www/x.php"), "<?php echo 'php ok';");
        await lab.StartPhpFpmAsync($"127.0.0.1:{ScenarioLab.Str(port)}", allowedClients: "127.0.0.2");
        var snapshot = await lab.StartNginxAsync(lab.Server($$"""
            location ~ \.php$ {
                    include /etc/nginx/fastcgi_params;
                    fastcgi_param SCRIPT_FILENAME {{lab.Nginx.PathOf("www")}}$fastcgi_script_name;
                    fastcgi_pass 127.0.0.1:{{ScenarioLab.Str(port)}};
                }
            """));
        Assert.Equal(502, (await lab.GetAsync("/x.php"))[0]);
        // PHP-FPM closes a connection from an address it does not allow: a reset when nginx's request was already in
        // its buffer, else an end of file before the header (which one is a race; a CI run of session 11 saw the latter).
        var logged = File.ReadAllText(lab.Nginx.ErrorLog);
        Assert.True(logged.Contains("(104: Connection reset by peer)", StringComparison.Ordinal) || logged.Contains("upstream prematurely closed", StringComparison.Ordinal), logged);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Findings(run)[0];
        Assert.True(f.GetProperty("check").GetString() == "backend-access-list", run.ToString());
        Assert.Equal("socket-permission", f.GetProperty("cause").GetString());
        var pool = lab.Nginx.PathOf($"conf/tcp{ScenarioLab.Str(port)}-fpm.conf");
        Assert.Contains($"{pool}:", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Contains("listen.allowed_clients = 127.0.0.2", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.All(ScenarioLab.Findings(run).Skip(1), x => Assert.Contains($"socket-permission 127.0.0.1:{ScenarioLab.Str(port)}", x.GetProperty("explainedBy").GetRawText(), StringComparison.Ordinal));

        var before = File.ReadAllText(pool);
        var fix = Fix(lab, "--apply", "--yes", "--only", "socket-permission");
        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.Equal(["listen.allowed_clients = 127.0.0.2,127.0.0.1"], Changed(before, File.ReadAllText(pool)).Select(l => l.Trim()));
        Assert.Equal(200, (await lab.GetAsync("/x.php"))[0]);
    }

    /// <summary>
    /// A backend that closes idle keep-alive connections after 3 s and does not answer a request in its last idle
    /// second (the race, made wide): a POST 2.5 s after the first one, on nginx's cached connection, gets 502.
    /// </summary>
    [SkippableFact]
    public async Task A_keepalive_race_is_measured_named_and_fixed_by_a_shorter_keepalive_timeout()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "keepalive", 3);
        await lab.StartNginxAsync($"upstream app {{\n    server 127.0.0.1:{ScenarioLab.Str(port)};\n    keepalive 4;\n}}\n"
            + lab.Server("location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }"));
        using var http = new HttpClient();
        async Task<int> PostAsync()
        {
            using var r = await http.PostAsync(new Uri($"http://127.0.0.1:{lab.Port}/orders"), new StringContent("x"));
            return (int)r.StatusCode;
        }

        var first = await PostAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // into the backend's last idle second on nginx's cached connection
        var second = await PostAsync();
        Assert.Equal((200, 502), (first, second));
        Assert.Contains("upstream prematurely closed connection", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var run = lab.Diagnose(TreeSnapshot.Of(lab.Nginx.PathOf("conf")));
        var f = ScenarioLab.Findings(run)[0];
        Assert.True(f.GetProperty("check").GetString() == "keepalive-race", run.ToString());
        Assert.Equal("upstream-crash", f.GetProperty("cause").GetString());
        Assert.Matches(@"closes idle connections after [23]\.\d s, nginx reuses them for 60 s \(upstream app\)", f.GetProperty("title").GetString());
        Assert.Contains("keepalive_timeout 60s (nginx's default)", ScenarioLab.Evidence(f), StringComparison.Ordinal);

        var before = File.ReadAllText(lab.Nginx.ConfigFile);
        var fix = Fix(lab, "--apply", "--yes", "--only", "upstream-crash");
        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.Contains(Changed(before, File.ReadAllText(lab.Nginx.ConfigFile)), l => l.Trim() is "keepalive_timeout 1s;" or "keepalive_timeout 2s;");
        Assert.Equal(200, await PostAsync());
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // nginx now drops its idle connection before the backend's last second
        Assert.Equal(200, await PostAsync());
    }
}
