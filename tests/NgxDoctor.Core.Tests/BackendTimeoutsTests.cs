using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class BackendTimeoutsTests
{
    [Theory]
    [InlineData("/usr/bin/python3 /usr/bin/gunicorn -w 2 -t 5 app:app", 5)]
    [InlineData("/usr/bin/python3 /usr/bin/gunicorn -w 2 -t5 app:app", 5)]
    [InlineData("gunicorn --timeout=120 --bind 127.0.0.1:3000 app:app", 120)]
    [InlineData("/srv/venv/bin/gunicorn --timeout 45 app:app", 45)]
    [InlineData("/usr/bin/python3 /usr/bin/gunicorn -w 2 app:app", 30)]
    public void Gunicorns_timeout_is_read_from_its_command_line_with_its_default(string cmdline, int seconds)
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Listen("127.0.0.1:3000", "gunicorn", cmdline: cmdline);
        var timeout = BackendTimeouts.For(facts, facts.Inventory.Targets[0]);
        Assert.Equal(TimeSpan.FromSeconds(seconds), timeout?.Value);
    }

    [Fact]
    public void Other_backends_and_a_disabled_timeout_have_none()
    {
        var node = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Listen("127.0.0.1:3000", "node", cmdline: "node server.js --timeout 5");
        Assert.Null(BackendTimeouts.For(node, node.Inventory.Targets[0]));
        var off = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Listen("127.0.0.1:3000", "gunicorn", cmdline: "gunicorn -t 0 app:app");
        Assert.Null(BackendTimeouts.For(off, off.Inventory.Targets[0]));
    }

    [Fact]
    public void A_shorter_backend_timeout_is_evidence_only_when_shorter_than_nginxs()
    {
        var facts = FactsBuilder.FromConfig("server { location / { proxy_pass http://127.0.0.1:3000; proxy_read_timeout 20s; } }")
            .Listen("127.0.0.1:3000", "gunicorn", cmdline: "gunicorn -t 25 app:app");
        Assert.Empty(BackendTimeouts.Shorter(facts, facts.Inventory.Targets[0]));
        var shorter = facts with { Listeners = [facts.Listeners![0] with { Processes = [facts.Listeners[0].Processes[0] with { CommandLine = "gunicorn -t 10 app:app" }] }] };
        Assert.Contains("shorter than proxy_read_timeout 20s", Assert.Single(BackendTimeouts.Shorter(shorter, shorter.Inventory.Targets[0])).Text, StringComparison.Ordinal);
    }
}
