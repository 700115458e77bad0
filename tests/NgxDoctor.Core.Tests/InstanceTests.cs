using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests;

/// <summary>Several instances in one report; evidence about where a backend went; remedies run where nginx is.</summary>
public class InstanceTests
{
    private static readonly ContainerIdentity Web = new("docker", new string('a', 64)) { Name = "shop-web-1", Networks = ["shop_default"] };

    private static DiagnosisFacts Down() =>
        FactsBuilder.FromConfig("server { listen 80; location / { proxy_pass http://app:8000; } }")
            .Probe("app:8000", ProbeOutcome.Refused, "connection refused (111)");

    private static Peer App(string state, params string[] listening) =>
        new(4026532999, listening)
        {
            Container = new ContainerIdentity("docker", new string('b', 64)) { Name = "shop-app-1", ComposeService = "app", Networks = ["shop_default"] },
            State = state,
            Names = ["shop-app-1", "app"],
            Addresses = state == "running" ? ["172.20.0.3"] : [],
        };

    [Fact]
    public void The_container_that_answers_to_the_upstream_s_name_is_named_with_the_ports_it_really_listens_on()
    {
        var facts = Down() with { Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf") { Container = Web, OwnNetwork = true }, Peers = [App("running", "*:8001", "*:9000")] };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.UpstreamDown);
        Assert.Contains(f.Evidence, e => e.Source == "container shop-app-1 (compose service app)" && e.Text == "answers to app (172.20.0.3); it listens on *:8001, *:9000, not on port 8000");
    }

    [Fact]
    public void The_container_of_the_name_listening_on_one_other_port_is_the_wrong_address_and_its_port_the_fix()
    {
        var facts = Down() with { Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf") { Container = Web, OwnNetwork = true }, Peers = [App("running", "*:8001")] };
        var report = DiagnosisEngine.Diagnose(facts);
        var f = Assert.Single(report.Findings);
        Assert.Equal(Cause.WrongAddress, f.Cause);
        Assert.Equal("Nothing listens on app:8000, but container shop-app-1 (compose service app) listens on *:8001", f.Title);
        Assert.Contains("to `proxy_pass http://app:8001;`", f.Remedy.Summary, StringComparison.Ordinal);
        var plan = Fixes.FixPlanner.Plan(report, facts, FactsBuilder.Config("server { listen 80; location / { proxy_pass http://app:8000; } }"), null);
        Assert.Contains(plan.Safe.SelectMany(a => a.Edits), e => e.Args == "http://app:8001");
    }

    [Fact]
    public void A_container_listening_on_several_ports_or_a_stopped_one_is_no_candidate()
    {
        foreach (var peer in new[] { App("running", "*:8001", "*:9000"), App("exited") })
        {
            var facts = Down() with { Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf") { Container = Web, OwnNetwork = true }, Peers = [peer] };
            Assert.DoesNotContain(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.WrongAddress);
        }
    }

    [Fact]
    public void A_stopped_container_is_named_and_its_start_is_the_remedy()
    {
        var facts = Down() with { Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf") { Container = Web, OwnNetwork = true }, Peers = [App("exited")] };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.UpstreamDown);
        Assert.Contains(f.Evidence, e => e.Text == "answers to app; it is exited");
        Assert.Contains("docker start shop-app-1", f.Remedy.Commands);
    }

    /// <summary>Docker's DNS drops a stopped container's name; nginx still connects to the address it resolved at start.</summary>
    [Theory]
    [InlineData(Logs.FailureKind.Unreachable, Cause.UpstreamDown)]
    [InlineData(Logs.FailureKind.ConnectTimeout, Cause.UpstreamTimeout)]
    public void A_stopped_container_is_the_one_root_of_its_name_that_does_not_resolve_and_its_old_address_that_fails(Logs.FailureKind kind, Cause logged)
    {
        var facts = FactsBuilder.FromConfig("server { listen 80; location / { proxy_pass http://app:8000; } }")
            .Resolve("app", DnsLookup.NotFound, []).Probe("app:8000", ProbeOutcome.DnsFailure, "does not resolve")
            .Log(kind, logged, "172.20.0.3:8000", count: 6, status: 502)
            with { Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf") { Container = Web, OwnNetwork = true }, Peers = [App("exited")] };
        var report = DiagnosisEngine.Diagnose(facts);
        var f = Assert.Single(report.Findings);
        Assert.Equal((Cause.UpstreamDown, Severity.Critical, "app:8000"), (f.Cause, f.Severity, f.Upstream));
        Assert.Equal("app:8000 is down: the container that answers to app, shop-app-1, is exited", f.Title);
        Assert.Contains(f.Cause, CheckRegistry.All.Single(c => c.Id == f.Check).Causes);
        Assert.Contains("docker start shop-app-1", f.Remedy.Commands);
        Assert.Contains(f.Evidence, e => e.Source == "/var/log/nginx/error.log:42");
        Assert.Equal(new RequestPath.FailureTally(6, 6, 0), report.Failures);
    }

    [Fact]
    public void A_name_on_a_network_nginx_is_not_on_is_not_evidence()
    {
        var elsewhere = Web with { Networks = ["billing_default"] };
        var facts = Down() with { Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf") { Container = elsewhere, OwnNetwork = true }, Peers = [App("exited")] };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.UpstreamDown);
        Assert.DoesNotContain(f.Evidence, e => e.Kind == EvidenceKind.Process);
        Assert.DoesNotContain("docker start shop-app-1", f.Remedy.Commands);
    }

    [Fact]
    public void Probes_from_another_namespace_say_so_and_socket_commands_run_there()
    {
        var facts = Down() with { Identity = new InstanceIdentity("pid:10", 10, "/etc/nginx/nginx.conf") { OwnNetwork = true, Namespaces = new NamespaceIds(4026532111, null, null, null) } };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.UpstreamDown);
        Assert.Contains(f.Evidence, e => e.Kind == EvidenceKind.Probe && e.Text.EndsWith("(from network namespace 4026532111)", StringComparison.Ordinal));
        Assert.Contains(f.Remedy.Commands, c => c.StartsWith("nsenter -t 10 -n ss ", StringComparison.Ordinal));
    }

    [Fact]
    public void Remedy_commands_name_the_instance_s_binary_prefix_and_configuration()
    {
        var master = new NginxInstance(812, "/srv/x/sbin/nginx", "nginx: master process /srv/x/sbin/nginx -p /srv/x -c conf/nginx.conf", "conf/nginx.conf", "/srv/x", [], [813], null);
        var facts = FactsBuilder.FromConfig("server { listen 80; location / { proxy_pass http://127.0.0.1:3000; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused (111)").Listen("[::1]:3000", "node") with { Instance = master };
        var commands = DiagnosisEngine.Diagnose(facts).Findings.SelectMany(f => f.Remedy.Commands).Where(c => c.Contains("nginx -", StringComparison.Ordinal) || c.Contains("/nginx ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.StartsWith("/srv/x/sbin/nginx -p /srv/x -c conf/nginx.conf ", c, StringComparison.Ordinal));
        Assert.Contains("`/srv/x/sbin/nginx -p /srv/x -c conf/nginx.conf -t && /srv/x/sbin/nginx -p /srv/x -c conf/nginx.conf -s reload`", DiagnosisEngine.Diagnose(facts).Findings[0].Remedy.Summary, StringComparison.Ordinal);
        Assert.Equal("nginx", InstanceVantage.NginxCommand(master with { Executable = "/usr/sbin/nginx", ConfigFile = null, Prefix = null }));
        Assert.Equal("nginx -c '/srv/my site/nginx.conf'", InstanceVantage.NginxCommand(master with { Executable = "/usr/sbin/nginx", ConfigFile = "/srv/my site/nginx.conf", Prefix = null }));
    }

    [Fact]
    public void On_the_host_nothing_is_added()
    {
        var plain = DiagnosisEngine.Diagnose(Down());
        var host = DiagnosisEngine.Diagnose(Down() with { Identity = new InstanceIdentity("host", 10, "/etc/nginx/nginx.conf") });
        Assert.Equal(plain.Findings.Select(f => (f.Title, f.Evidence.Count, f.Remedy.Commands.Count)), host.Findings.Select(f => (f.Title, f.Evidence.Count, f.Remedy.Commands.Count)));
    }

    [Fact]
    public void Several_instances_give_the_worst_status_the_worst_instance_first_and_each_finding_its_instance()
    {
        var ok = DiagnosisEngine.Diagnose(FactsBuilder.FromConfig("server { listen 80; location / { proxy_pass http://127.0.0.1:9000; } }").Probe("127.0.0.1:9000", ProbeOutcome.Connected));
        var down = DiagnosisEngine.Diagnose(Down() with { NotCollected = [new NotCollected(Fact.Firewall, "not read")] });
        var report = InstanceReports.Combine([(new InstanceIdentity("host", 1, "/etc/nginx/nginx.conf"), ok), (new InstanceIdentity("shop-web-1", 2, "/etc/nginx/nginx.conf") { Container = Web }, down)]);
        Assert.Equal(Status.Critical, report.Status);
        Assert.Equal(["shop-web-1", "host"], report.Instances!.Select(i => i.Id));
        Assert.All(report.Findings, f => Assert.Equal("shop-web-1", f.Instance));
        Assert.True(InstanceReports.HasSections(report));
        Assert.Contains(report.Skipped, s => s.Check == "shop-web-1: firewall" && s.Reason == "not read");
    }

    [Fact]
    public void A_container_s_facts_saved_and_read_back_give_the_same_report()
    {
        var facts = Down() with
        {
            Identity = new InstanceIdentity("shop-web-1", 10, "/etc/nginx/nginx.conf")
            {
                Container = Web with { Mounts = [new ContainerMount("bind", "/srv/shop/nginx.conf", "/etc/nginx/nginx.conf", false)] },
                OwnNetwork = true,
                Namespaces = new NamespaceIds(4026532111, 4026532112, null, null),
                Root = "/proc/10/root",
            },
            Peers = [App("running", "*:8001"), App("exited")],
        };
        var again = NgxJson.Deserialize<DiagnosisFacts>(NgxJson.Serialize(facts))!;
        static string Verdict(DiagnosisReport r) => $"{r.Status} " + string.Join("\n", r.Findings.Select(f => $"{f.Cause} {f.Title} {string.Join(" | ", f.Evidence.Select(e => e.Text))} {string.Join(" ; ", f.Remedy.Commands)}"));
        Assert.Equal(Verdict(DiagnosisEngine.Diagnose(facts)), Verdict(DiagnosisEngine.Diagnose(again)));
        Assert.Equal("/srv/shop/nginx.conf", again.Identity!.Container!.Mounts[0].Source);
    }

    [Fact]
    public void One_host_instance_is_one_plain_section()
    {
        var report = InstanceReports.Combine([(new InstanceIdentity("host", 1, "/etc/nginx/nginx.conf"), DiagnosisEngine.Diagnose(Down()))]);
        Assert.False(InstanceReports.HasSections(report));
        Assert.Equal("host", Assert.Single(report.Instances!).Id);
    }
}
