using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

public class FactsFormatTests
{
    [Fact]
    public void Facts_written_before_format_2_still_read_an_incident_without_a_cause()
    {
        const string Old = """{"formatVersion": 1, "logs": {"now": "2026-11-28T03:00:00", "since": "00:15:00", "files": [], "incidents": [{"kind": "client-closed", "cause": "", "phase": "header", "status": 499, "upstream": null, "count": 2, "firstSeen": "2026-11-28T02:58:00", "lastSeen": "2026-11-28T02:59:00", "samples": []}]}}""";
        var incident = Assert.Single(NgxJson.Deserialize<DiagnosisFacts>(Old)!.Logs!.Incidents);
        Assert.Equal(FailureKind.ClientClosed, incident.Kind);
        Assert.Null(incident.Cause);
        var again = NgxJson.Deserialize<DiagnosisFacts>(NgxJson.Serialize(NgxJson.Deserialize<DiagnosisFacts>(Old)!))!;
        Assert.Null(Assert.Single(again.Logs!.Incidents).Cause);
        Assert.Equal(2, new DiagnosisFacts().FormatVersion);
    }
}
