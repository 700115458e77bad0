using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// The Ansible module and playbooks of dist/ansible, run by Debian's ansible-playbook against three real containers
/// over the community.docker connection: web1 healthy, web2 with nothing on its upstream's port, web3 with a backend
/// slower than proxy_read_timeout. The fleet summary names the broken hosts and causes; fix in check mode is the plan
/// (changed, nothing written), without it the fix applied and verified in the container.
/// </summary>
[Trait("Category", "Docker")]
public sealed class AnsibleScenarios
{
    private const string Slow = "import http.server, time\nclass H(http.server.BaseHTTPRequestHandler):\n    def do_GET(self):\n        time.sleep(2); self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\nhttp.server.ThreadingHTTPServer(('127.0.0.1', 8000), H).serve_forever()";

    [SkippableFact]
    public void The_playbooks_diagnose_a_fleet_name_the_broken_hosts_and_fix_in_check_mode_and_for_real()
    {
        Skip.IfNot(File.Exists("/usr/bin/ansible-playbook"), "ansible is not installed (test.sh installs Debian's ansible)");
        Skip.IfNot(Directory.Exists("/usr/lib/python3/dist-packages/ansible_collections/community/docker"), "the community.docker collection is missing (Debian's ansible has it)");
        Skip.If(Environment.GetEnvironmentVariable("NGXDOCTOR_CLI") is null or "", "NGXDOCTOR_CLI names no native binary (test.sh sets it)");
        using var lab = new DockerLab();
        var playbooks = Path.Combine(lab.Directory, "ansible");
        CopyTree(Path.Combine(RepoRoot.Path, "dist/ansible"), playbooks);
        File.Copy(Environment.GetEnvironmentVariable("NGXDOCTOR_CLI")!, Path.Combine(playbooks, "library/ngxdoctor"));

        var web1 = lab.Nginx("web1", Config(8000));
        lab.Docker("exec", "-d", web1, "python3", "-m", "http.server", "8000", "--bind", "127.0.0.1");
        var web2 = lab.Nginx("web2", Config(8001));
        var conf3 = Directory.CreateDirectory(Path.Combine(lab.Directory, "web3")).FullName;
        File.WriteAllText(Path.Combine(conf3, "nginx.conf"), Config(8000, "proxy_read_timeout 1s;"));
        // nginx -t's sandbox (a private mount namespace) needs CAP_SYS_ADMIN in the container, as `fix --apply` does.
        var web3 = lab.StartOnNetwork("web3", "web3", ["--cap-add", "SYS_ADMIN", "--security-opt", "apparmor=unconfined", "-v", $"{conf3}:/etc/ngx"],
            "/usr/sbin/nginx", "-c", "/etc/ngx/nginx.conf", "-g", "daemon off;");
        lab.Docker("exec", "-d", web3, "python3", "-c", Slow);
        lab.WaitForPort(web1, 8000);
        lab.WaitForPort(web3, 8000);
        Assert.Equal(200, lab.Get(web1, "http://127.0.0.1/", 200));
        Assert.Equal(502, lab.Get(web2, "http://127.0.0.1/", 502));
        Assert.Equal(504, lab.Get(web3, "http://127.0.0.1/", 504));

        var inventory = Path.Combine(lab.Directory, "inventory.ini");
        File.WriteAllText(inventory, "[nginx]\n" + string.Concat(new[] { ("web1", web1), ("web2", web2), ("web3", web3) }
            .Select(h => $"{h.Item1} ansible_connection=community.docker.docker ansible_host={h.Item2} ansible_become=false\n")));
        var results = Path.Combine(lab.Directory, "results");

        var diagnose = Playbook(lab.Directory, inventory, "diagnose.yml", json: false, "-e", $"results={results}", "-e", $"ngxdoctor={Environment.GetEnvironmentVariable("NGXDOCTOR_CLI")}");
        Assert.True(diagnose.Code == 0, diagnose.Output);
        Assert.Equal(["web1.json", "web2.json", "web3.json"], Directory.GetFiles(results).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("\"CRITICAL  3 host(s): 2 critical, 0 warning, 0 unknown, 1 ok\"", diagnose.Output, StringComparison.Ordinal);
        Assert.Contains("\"  ok        web1  no problems found\"", diagnose.Output, StringComparison.Ordinal);
        Assert.Contains("\"    web2  critical  Nothing is listening on 127.0.0.1:8001\"", diagnose.Output, StringComparison.Ordinal);
        Assert.Contains("\"  upstream-timeout (critical, 1 host(s))\"", diagnose.Output, StringComparison.Ordinal);
        Assert.Contains("\"    web3  critical  ", diagnose.Output, StringComparison.Ordinal);
        Assert.Equal("critical", JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "web2.json"))).RootElement.GetProperty("status").GetString());

        var plan = Task(Playbook(lab.Directory, inventory, "fix.yml", json: true, "--check", "-l", "web3"), "web3");
        Assert.True(plan.GetProperty("changed").GetBoolean(), plan.ToString());
        Assert.StartsWith("would change files; critical: 1 finding(s), first upstream-timeout: raise proxy_read_timeout", plan.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.Contains("proxy_read_timeout 1s;", File.ReadAllText(Path.Combine(conf3, "nginx.conf")), StringComparison.Ordinal);

        var applied = Task(Playbook(lab.Directory, inventory, "fix.yml", json: true, "-l", "web3"), "web3");
        Assert.True(applied.GetProperty("changed").GetBoolean(), applied.ToString());
        Assert.StartsWith("fixed and verified", applied.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("proxy_read_timeout 1s;", File.ReadAllText(Path.Combine(conf3, "nginx.conf")), StringComparison.Ordinal);
        Assert.Equal(200, lab.Get(web3, "http://127.0.0.1/", 200));

        var nothing = Task(Playbook(lab.Directory, inventory, "fix.yml", json: true, "--check", "-l", "web1"), "web1");
        Assert.False(nothing.GetProperty("changed").GetBoolean(), nothing.ToString());
        Assert.Equal("nothing to change; ok: no problems found", nothing.GetProperty("msg").GetString());
    }

    private static string Config(int port, string extra = "") =>
        $"error_log /var/log/nginx/upstream-errors.log;\nevents {{}}\nhttp {{\n  server {{\n    listen 80;\n    location / {{\n      proxy_pass http://127.0.0.1:{port};\n      {extra}\n    }}\n  }}\n}}\n";

    /// <summary>The first task's result for a host, from the json stdout callback.</summary>
    private static JsonElement Task((int Code, string Output) run, string host)
    {
        Assert.True(run.Code == 0, run.Output);
        var json = run.Output[run.Output.IndexOf('{', StringComparison.Ordinal)..];
        return JsonDocument.Parse(json).RootElement.GetProperty("plays")[0].GetProperty("tasks")[0].GetProperty("hosts").GetProperty(host).Clone();
    }

    private static (int Code, string Output) Playbook(string dir, string inventory, string playbook, bool json, params string[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["ANSIBLE_NOCOLOR"] = "1",
            ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(dir, "ansible-tmp"),
            ["ANSIBLE_REMOTE_TEMP"] = "/tmp/.ansible",
        };
        if (json)
        {
            environment["ANSIBLE_STDOUT_CALLBACK"] = "json";
        }

        var run = Processes.Run("ansible-playbook", TimeSpan.FromMinutes(3), environment, ["-i", inventory, Path.Combine(dir, "ansible", playbook), .. extra]);
        return (run.Code, run.Stdout + (json ? "" : run.Stderr));
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
