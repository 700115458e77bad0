using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Tests;

/// <summary>One finding per root (issue 26): dead sockets of one directory are folded into one that lists them.</summary>
public sealed class FindingRootsTests
{
    private static Finding Down(string upstream) =>
        new(Cause.UpstreamDown, Severity.Critical, upstream, $"Socket {upstream} does not exist", [new Evidence(EvidenceKind.Probe, "unix " + upstream, "no such file")], new Remedy("start it", ["systemctl start php8.2-fpm"])) { Check = "upstream-down" };

    [Fact]
    public void Three_dead_sockets_of_one_directory_are_one_finding_that_lists_them_where_the_first_stood()
    {
        var app = new Finding(Cause.UpstreamDown, Severity.Critical, "127.0.0.1:3000", "Nothing is listening on 127.0.0.1:3000", [new Evidence(EvidenceKind.Probe, "tcp", "refused")], new Remedy("start", []));
        var ranked = new[] { Down("unix:/run/php/a.sock"), app, Down("unix:/run/php/b.sock"), Down("unix:/run/php/c.sock"), Down("unix:/srv/other/x.sock") };
        var rooted = FindingRoots.Apply(ranked);
        Assert.Equal(["unix:/run/php/a.sock", "127.0.0.1:3000", "unix:/srv/other/x.sock"], rooted.Select(f => f.Upstream));
        Assert.Equal(["unix:/run/php/a.sock", "unix:/run/php/b.sock", "unix:/run/php/c.sock"], rooted[0].Affects);
        Assert.StartsWith("3 sockets nginx passes to in /run/php are dead", rooted[0].Title, StringComparison.Ordinal);
        Assert.Contains(rooted[0].Evidence, e => e.Text.Contains("a.sock, b.sock, c.sock", StringComparison.Ordinal));
        Assert.Empty(rooted[2].Affects);
    }

    [Fact]
    public void Two_dead_sockets_are_named_one_by_one()
    {
        var ranked = new[] { Down("unix:/run/php/a.sock"), Down("unix:/run/php/b.sock") };
        Assert.Equal(ranked, FindingRoots.Apply(ranked));
    }

    [Fact]
    public void Ports_of_one_host_that_cannot_be_reached_are_one_gone_host()
    {
        Finding Gone(string upstream) => new(Cause.UpstreamDown, Severity.Critical, upstream, $"{upstream}'s host cannot be reached", [new Evidence(EvidenceKind.Log, "error.log", "(113: No route to host)")], new Remedy("check the host", [])) { Check = "host-unreachable" };
        var rooted = FindingRoots.Apply([Gone("10.77.0.2:8080"), Gone("10.77.0.3:80"), Gone("10.77.0.2:9090")]);
        Assert.Equal(["10.77.0.2:8080", "10.77.0.3:80"], rooted.Select(f => f.Upstream));
        Assert.StartsWith("Host 10.77.0.2 cannot be reached: 2 of its ports fail", rooted[0].Title, StringComparison.Ordinal);
        Assert.Equal(["10.77.0.2:8080", "10.77.0.2:9090"], rooted[0].Affects);
    }
}
