namespace NgxDoctor.Core.Logs;

/// <summary>One minute of access lines: requests, the statuses that matter to a 502 hunt, and the backend's own 5xx.</summary>
internal sealed class MinuteCounts
{
    public int Requests;
    public int Status499;
    public int Status500;
    public int Status502;
    public int Status503;
    public int Status504;
    public int BackendGenerated;

    public void Count(int status, bool backend)
    {
        Requests++;
        switch (status)
        {
            case 499: Status499++; break;
            case 500: Status500++; break;
            case 502: Status502++; break;
            case 503: Status503++; break;
            case 504: Status504++; break;
        }

        BackendGenerated += backend ? 1 : 0;
    }

    public void Add(MinuteCounts o)
    {
        (Requests, Status499, Status500) = (Requests + o.Requests, Status499 + o.Status499, Status500 + o.Status500);
        (Status502, Status503, Status504) = (Status502 + o.Status502, Status503 + o.Status503, Status504 + o.Status504);
        BackendGenerated += o.BackendGenerated;
    }

    public Facts.MinuteBucket Bucket(DateTime minute) => new(minute, Requests, Status499, Status500, Status502, Status503, Status504, BackendGenerated);
}

/// <summary>One upstream address's requests, 5xx, nginx's own 502/504 among them, the backend's own 5xx, and latency.</summary>
internal sealed class UpstreamCounts
{
    public int Requests;
    public int Errors;
    public int NginxErrors;
    public int BackendErrors;

    public LatencyHistogram Latency { get; } = new();

    public void Add(UpstreamCounts o)
    {
        (Requests, Errors, NginxErrors, BackendErrors) = (Requests + o.Requests, Errors + o.Errors, NginxErrors + o.NginxErrors, BackendErrors + o.BackendErrors);
        Latency.Merge(o.Latency);
    }
}

/// <summary>One location's failed requests: 5xx, 499, and 502 and 504 among them.</summary>
internal sealed class LocationCounts
{
    public int Errors;
    public int ClientClosed;
    public int Status502;
    public int Status504;

    public void Count(int status)
    {
        Errors += status is >= 500 and < 600 ? 1 : 0;
        ClientClosed += status == 499 ? 1 : 0;
        Status502 += status == 502 ? 1 : 0;
        Status504 += status == 504 ? 1 : 0;
    }

    public void Add(LocationCounts o) =>
        (Errors, ClientClosed, Status502, Status504) = (Errors + o.Errors, ClientClosed + o.ClientClosed, Status502 + o.Status502, Status504 + o.Status504);
}
