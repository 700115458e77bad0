using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Host.Diagnosis;

namespace NgxDoctor.Host.Fixes;

/// <summary>Did the fix work: the fixed findings are no longer critical when the checks run again, and each failing request, replayed through nginx, is not a 5xx.</summary>
public static class FixVerifier
{
    public static async Task<(bool Ok, string Why)> VerifyAsync(LocatedInstance instance, CollectOptions options, IReadOnlyList<FixAction> actions, bool replayQuery, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var v in actions.Select(a => a.Verify).OfType<VerifyRequest>().Distinct())
        {
            if (!Uri.TryCreate($"http://127.0.0.1:{v.Port}{v.Path}{(replayQuery ? v.Query : "")}", UriKind.Absolute, out var uri))
            {
                return (false, $"GET {v.Path} cannot be replayed: not a valid request target");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Host = v.Host;
            int status;
            try
            {
                using var response = await http.SendAsync(request, ct);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException e)
            {
                return (false, $"GET {v.Path} (Host {v.Host}) through nginx failed: {e.Message}");
            }

            if (status >= 500)
            {
                return (false, $"GET {v.Path} (Host {v.Host}) through nginx still answers {status}");
            }
        }

        var report = (await DiagnosisService.DiagnoseAsync(instance, options, ct)).Report;
        var fixedKeys = actions.Select(a => a.Finding).ToHashSet(StringComparer.Ordinal);
        var left = report.Findings.Where(f => f.Severity == Severity.Critical && fixedKeys.Contains(FindingRelations.Key(f))).ToList();
        return left.Count == 0
            ? (true, $"verified: {string.Join(", ", actions.Select(a => a.Verify).OfType<VerifyRequest>().Distinct().Select(v => $"GET {v.Path} ({v.Origin}) answers below 500"))}; the fixed findings are gone")
            : (false, $"still critical: {string.Join("; ", left.Select(f => f.Title))}");
    }
}
