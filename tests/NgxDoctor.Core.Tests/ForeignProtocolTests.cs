using NgxDoctor.Core.Analysis;

namespace NgxDoctor.Core.Tests;

/// <summary>First bytes other servers answered an HTTP/1.0 GET with (Node's http2 server: SETTINGS then GOAWAY, captured here).</summary>
public class ForeignProtocolTests
{
    [Theory]
    [InlineData("000000040000000000000008070000000000000000000000000" + "2", "http2")]
    [InlineData("2d455252207772", "redis")]
    [InlineData("5353482d322e302d4f70656e5353485f392e32", "ssh")]
    [InlineData("32323020686f73742045534d545020506f737466697820", "smtp")]
    [InlineData("485454502f312e3120323030204f4b0d0a", null)]
    [InlineData("3c68746d6c3e", null)]
    public void Answers_are_told_by_their_first_bytes(string hex, string? protocol) =>
        Assert.Equal(protocol, ForeignProtocol.Of(Convert.FromHexString(hex)));

    [Fact]
    public void Http2_advice_names_grpc_pass_for_the_address()
    {
        var facts = Checks.HttpProbeFixtures.With(Facts.HttpProbeResult.NotHttp, 26);
        facts = facts with { HttpProbes = [facts.HttpProbes![0] with { Protocol = ForeignProtocol.Http2 }] };
        var f = Assert.Single(Diagnosis.DiagnosisEngine.Diagnose(facts).Findings);
        Assert.Equal(Diagnosis.Cause.BadResponse, f.Cause);
        Assert.Contains("speaks HTTP/2", f.Title, StringComparison.Ordinal);
        Assert.Contains("grpc_pass grpc://127.0.0.1:3000;", f.Remedy.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", "Content-Length and Transfer-Encoding in one response")]
    [InlineData("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding twice")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", "Content-Length twice (2, 3)")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Transfer-Encoding: no\r\n\r\n", null)]
    public void Ambiguous_body_lengths_are_named(string header, string? problem) =>
        Assert.Equal(problem, ResponseFraming.Problem(System.Text.Encoding.ASCII.GetBytes(header)));
}
