using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Checks;

/// <summary>The checks fed by log incidents, one row each: the kinds they count, how they say it, what to do.</summary>
public static class LogIncidentChecks
{
    public static IReadOnlyList<LogIncidentCheck> All { get; } = Rows().Select(r => new LogIncidentCheck(r)).ToList();

    /// <summary>The id of the row for hosts nginx cannot reach (113/101/112), which roots group by host.</summary>
    public const string HostUnreachable = "host-unreachable";

    private static bool Any(IReadOnlyList<LogIncident> incidents, FailureKind kind) => incidents.Any(i => i.Kind == kind);

    /// <summary>nginx 1.23+'s refusals of a doubly framed response (ngx_http_proxy_module: CL with TE, a duplicate TE or CL).</summary>
    private static bool Framing(IReadOnlyList<LogIncident> incidents) =>
        incidents.SelectMany(i => i.Samples).Any(x => x.Text.Contains("upstream sent \"Content-Length\" and \"Transfer-Encoding\" headers at the same time", StringComparison.Ordinal)
            || x.Text.Contains("upstream sent duplicate header line: \"Transfer-Encoding", StringComparison.Ordinal)
            || x.Text.Contains("upstream sent duplicate header line: \"Content-Length", StringComparison.Ordinal));

    /// <summary>"host not found in upstream": nginx resolves names of its configuration when it loads it, not per request.</summary>
    private static bool AtLoad(IReadOnlyList<LogIncident> incidents) =>
        incidents.SelectMany(i => i.Samples).Any(x => x.Text.Contains("host not found in upstream", StringComparison.Ordinal));

    private static IEnumerable<LogCheckRow> Rows() =>
    [
        new("BackendError", Cause.BackendError.Code(), "5xx responses are not produced by the backend itself", Cause.BackendError, [FailureKind.Backend5xx],
            (upstream, incidents, count) => $"{upstream} itself answered {count} request(s) with {string.Join("/", incidents.Select(i => i.Status).Distinct().Order())}; nginx only passed them on",
            (_, _, _) => new("The error is in the application, not between nginx and it: read the backend's own log at these times. (If that backend is itself a proxy, diagnose the next hop.)", []))
        {
            Source = logs => logs.Access is { Attributed: true } access ? access.BackendErrors : null,
            Log = Fact.AccessLog,
        },
        new("BacklogFull", "backlog-full", "Upstream sockets have room in their accept backlog", Cause.PoolExhausted, [FailureKind.BacklogFull],
            (upstream, _, count) => $"{upstream} refused {count} connection(s) with a full accept backlog: every worker is busy (502)",
            (_, _, _) => new("The pool is saturated: raise PHP-FPM pm.max_children (as memory allows) or the backend's worker count, find the slow requests that hold workers, and raise listen.backlog.", [])),
        new("BadResponse", Cause.BadResponse.Code(), "Upstreams answer in the protocol nginx expects", Cause.BadResponse, [FailureKind.InvalidResponse, FailureKind.Http09, FailureKind.TlsError, FailureKind.BodyFailure],
            (upstream, incidents, count) => Any(incidents, FailureKind.Http09) ? $"{upstream} does not answer HTTP: nginx passed {count} raw non-HTTP response(s) through as HTTP/0.9"
                : Any(incidents, FailureKind.TlsError) ? $"TLS to {upstream} failed {count} time(s) (502)"
                : MidBody(incidents) ? $"{upstream} sent {count} response body(ies) nginx could not pass on ({Said(incidents)}): clients got the status line and a cut body"
                : $"{upstream} sent {count} invalid response(s) (502)",
            (_, _, incidents) => Framing(incidents)
                ? new("The backend frames its response twice (Content-Length with Transfer-Encoding, or Transfer-Encoding twice), which nginx 1.23+ refuses: make it send one of them, once (a middleware or framework adding its own is the usual cause).", [])
                : Any(incidents, FailureKind.TlsError)
                ? new("Match the scheme to the port (https:// only to TLS ports), set proxy_ssl_server_name on (SNI) and proxy_ssl_name, and trust the backend's CA (proxy_ssl_trusted_certificate) when proxy_ssl_verify is on.", [])
                : MidBody(incidents)
                ? new("The backend broke its own response after the header: its body framing is wrong (a chunked body that does not parse, a Content-Length it does not keep). Find the handler in the backend's log at these times; a middleware that rewrites the body without fixing the framing is the usual cause.", [])
                : new("Check that nginx points at the right port and protocol (http vs https vs fastcgi_pass vs another service such as redis or gRPC), and fix the backend's response headers.", []))
        {
            Source = logs => OfCause(logs, Cause.BadResponse),
        },
        new("HeaderTooBig", Cause.HeaderTooBig.Code(), "Response headers fit nginx's buffer", Cause.HeaderTooBig, [FailureKind.HeaderTooBig],
            (upstream, _, count) => $"{upstream} sent response headers too big for nginx's buffer {count} time(s) (502)",
            (facts, target, _) => new($"Raise {Module(target)}_buffer_size ({(HeaderBuffer.Replayed(facts, target?.Address.Text) is { } r ? $"{HeaderBuffer.Kilobytes(r.HeaderBytes)}k: the replayed request's header is {r.HeaderBytes} bytes" : "e.g. 16k or 32k")}) in the location that serves it, with {Module(target)}_buffers and {Module(target)}_busy_buffers_size large enough to match, then nginx -t and reload; or make the backend send smaller headers (cookies).", ["nginx -t", "nginx -s reload"]))
        {
            Extra = (facts, target, _) => LogIncidentCheck.Settings(target, "_buffer_size")
                .Concat(facts.FastCgiReplays.Where(r => r.Target == target?.Address.Text).Select(HeaderBuffer.Evidence)),
        },
        new("NoLiveUpstreams", Cause.NoLiveUpstreams.Code(), "Upstream groups keep a live server", Cause.NoLiveUpstreams, [FailureKind.NoLiveUpstreams],
            (upstream, _, count) => $"Every server of upstream {upstream} was marked failed: {count} request(s) got 502 without a try",
            (_, _, _) => new("This follows from the servers' own failures (see the findings before it). Once they work again nginx retries each after fail_timeout (default 10s); a reload clears the failure state at once.", ["nginx -s reload"]))
        {
            Extra = (facts, target, _) => LogEvidence.For(facts.Logs!.Incidents.Where(i => i.Kind == FailureKind.ServerDisabled && i.Upstream is not null
                && facts.Inventory.Targets.Any(t => t.Group is not null && t.Group == target?.Group && t.Address.Text == i.Upstream))),
        },
        new("PhpFpmSaturation", "php-fpm-saturation", "PHP-FPM pools have free children", Cause.PoolExhausted, [FailureKind.FpmMaxChildren, FailureKind.FpmBusy],
            (upstream, _, count) => $"The PHP-FPM pool on {upstream} ran out of children ({count} warning(s) from PHP-FPM): requests wait for a free one",
            (facts, _, incidents) => FpmPoolEvidence.SaturationRemedy(facts, incidents[0].Upstream))
        {
            Extra = (facts, _, incidents) => PoolEvidence(facts, incidents[0].Upstream),
        },
        new("ResourceExhaustion", Cause.ResourceExhaustion.Code(), "nginx has the descriptors, connections and ports it needs", Cause.ResourceExhaustion, [FailureKind.FdExhausted, FailureKind.PortsExhausted],
            (upstream, incidents, count) => Any(incidents, FailureKind.PortsExhausted)
                ? $"Local ports ran out connecting to {upstream} ({count} time(s))"
                : $"nginx ran out of file descriptors or worker_connections ({count} time(s))",
            (facts, _, incidents) => Any(incidents, FailureKind.PortsExhausted)
                ? new("Reuse connections: add `keepalive N;` to the upstream group with proxy_http_version 1.1 and proxy_set_header Connection \"\"; widen net.ipv4.ip_local_port_range.", ["sysctl net.ipv4.ip_local_port_range", "ss -tan state time-wait | wc -l"])
                : SelfProxy.Targets(facts) is { Count: > 0 } loops
                ? new($"Point {string.Join(", ", loops.SelectMany(l => l.Target.Sites).Select(s => $"{s.Directive} at {s.Pos}").Distinct())} at the backend, not at nginx's own listener: every request passed there comes back in and holds another connection until none are left. Do not raise worker_connections: a loop takes all there are.", ["nginx -t", "nginx -s reload"])
                : new("Raise worker_rlimit_nofile and worker_connections (each proxied request holds two connections), and the service's LimitNOFILE.", ["grep 'open files' /proc/$(pgrep -o nginx)/limits"]))
        {
            Retitle = (facts, _, incidents, count) => !Any(incidents, FailureKind.PortsExhausted) && SelfProxy.Targets(facts) is { Count: > 0 } loops
                ? $"A proxy loop: {string.Join(", ", loops.Select(l => l.Target.Address.Text).Distinct())} is nginx's own listener, so requests come back until worker_connections run out ({count} time(s))"
                : null,
            Extra = (facts, _, incidents) => Any(incidents, FailureKind.FdExhausted) ? SelfProxy.Evidence(facts, SelfProxy.Targets(facts)) : [],
            // Descriptors and worker_connections are nginx's own, whatever upstream it was connecting to: one finding.
            Source = logs => logs.Incidents.Select(i => i.Kind == FailureKind.FdExhausted ? i with { Upstream = null } : i),
        },
        new("RuntimeDnsFailure", "dns-failure-runtime", "Upstream names resolve at request time", Cause.DnsFailure, [FailureKind.Dns],
            (upstream, incidents, count) => AtLoad(incidents)
                ? $"nginx could not resolve {upstream} when loading its configuration ({count} time(s)): the start or reload was refused"
                : $"Run-time name resolution of {upstream} failed {count} time(s) (502)",
            (_, _, incidents) => AtLoad(incidents)
                ? new("Make the name resolvable where nginx runs (DNS or /etc/hosts), or use an IP address; until then nginx keeps its old configuration (or does not start). Then nginx -t and reload.", ["nginx -t"])
                : new("Define a `resolver` that answers (a variable in proxy_pass needs one; /etc/hosts is not used), check the name exists, and raise resolver_timeout if the DNS server is slow.", [])),
        new("UpstreamCrash", Cause.UpstreamCrash.Code(), "Upstreams answer before closing the connection", Cause.UpstreamCrash,
            [FailureKind.PrematureClose, FailureKind.FpmTerminated, FailureKind.FpmKilled, FailureKind.FpmSignal, FailureKind.GunicornTimeout, FailureKind.GunicornSignal, FailureKind.BodyFailure],
            (upstream, incidents, count) => CrashTitle(upstream, incidents, count),
            (facts, target, incidents) => BackendCrashes.For(facts, target, incidents) is { Count: > 0 } crashes ? BackendCrashes.Remedy(crashes) : CrashRemedy(incidents))
        {
            Source = logs => OfCause(logs, Cause.UpstreamCrash),
            // Its processes' deaths by a fault, OOM kills in the window, and a backend timeout shorter than nginx's stand beside a crash as its likely reasons.
            Extra = (facts, target, incidents) => BackendCrashes.For(facts, target, incidents).Select(BackendCrashes.Evidence)
                .Concat(BackendRestarts.Evidence(facts, target, incidents) is { } restarted ? [restarted] : Array.Empty<Evidence>())
                .Concat(BackendCrashes.OomKills(facts, incidents).Select(k => new Evidence(EvidenceKind.Log, "kernel", k.Line))).Concat(BackendTimeouts.Shorter(facts, target)),
        },
        new("UpstreamTimeout", Cause.UpstreamTimeout.Code(), "Upstreams answer within nginx's timeouts", Cause.UpstreamTimeout, [FailureKind.ReadTimeout, FailureKind.ConnectTimeout, FailureKind.BodyFailure],
            (upstream, incidents, count) => incidents.All(i => i.Kind == FailureKind.ConnectTimeout)
                ? $"{count} connect(s) to {upstream} timed out (504)"
                : MidBody(incidents) ? $"{upstream} stopped sending {count} response body(ies) for longer than the read timeout: clients got a cut response"
                : $"{upstream} answered too slowly: {count} request(s) timed out waiting for it (504)",
            (_, target, incidents) => incidents.All(i => i.Kind == FailureKind.ConnectTimeout)
                ? new($"Connects get no answer: the backend's accept queue is full, or a firewall drops the packets, or the host is down. Check the backend is alive and not saturated; {Module(target)}_connect_timeout bounds the wait.", ["ss -ltn"])
                : new($"Find why the backend is slow (its own log, slow-request log, database); if the slow requests are legitimate, raise {Module(target)}_read_timeout in the location that serves them, and the backend's own timeout (PHP-FPM request_terminate_timeout, gunicorn --timeout) with it.", []))
        {
            Source = logs => OfCause(logs, Cause.UpstreamTimeout),
            Extra = TimeoutEvidence,
        },
        new("ClientsGaveUp", "clients-gave-up", "Clients do not give up waiting for upstreams", Cause.UpstreamTimeout, [FailureKind.ClientClosed],
            (upstream, _, count) => $"{count} client(s) gave up waiting for {upstream} (499): it answers slower than they wait",
            (_, target, _) => new($"The backend answers slower than its clients wait (browsers, load balancers and API clients often give up after 5 to 60 s) while nginx would wait up to {Module(target)}_read_timeout. Find why it is slow (its own log, its slow-request log); make the timeout of whatever stands in front of nginx longer than the backend's real time, or make the slow requests asynchronous.", []))
        {
            Source = GaveUp,
            Log = Fact.AccessLog,
            Extra = TimeoutEvidence,
        },
        new("HostUnreachable", HostUnreachable, "Upstream hosts are reachable", Cause.UpstreamDown, [FailureKind.Unreachable],
            (upstream, _, count) => $"{upstream}'s host cannot be reached: {count} connect(s) failed with no route to it (502)",
            (_, target, _) => new("The host is down or gone (nothing answers for its address on its network: a stopped machine or container, an address that moved), or no route leads to it. Check that the host is up and still has that address (DNS or service discovery may have moved it), then the route and any firewall or security group on the way, which may answer with the same error.",
                target?.Address.Host is { } host ? [$"ip route get {host}", $"ping -c 3 {host}"] : [])),
    ];

    /// <summary>
    /// Clients that gave up on an upstream, from the access log (499 with $upstream_addr) or the error log at info level
    /// ("client prematurely closed connection ... upstream: ..."): only where they are at least 5 and a tenth of that
    /// upstream's requests (a few 499s are people leaving a page).
    /// </summary>
    private static IEnumerable<LogIncident>? GaveUp(LogFacts logs)
    {
        // Both logs record the same requests: the access log's count where it has one for the upstream, else the error log's.
        var access = (logs.Access?.GaveUp ?? []).ToList();
        var errors = logs.Incidents.Where(i => i.Kind == FailureKind.ClientClosed && i.Upstream is not null && i.Upstream.Contains(':', StringComparison.Ordinal)
            && !access.Any(a => a.Upstream == i.Upstream));
        return access.Concat(errors).Select(i => i with { Cause = Cause.UpstreamTimeout }).GroupBy(i => i.Upstream)
            .Where(g => g.Sum(i => i.Count) is var n && n >= 5 && n * 10 >= (logs.Access?.Upstreams.FirstOrDefault(u => u.Upstream == g.Key)?.Requests ?? n))
            .SelectMany(g => g);
    }

    /// <summary>Only failures after the header (the client got a cut body) among these incidents.</summary>
    private static bool MidBody(IReadOnlyList<LogIncident> incidents) => incidents.All(i => i.Kind == FailureKind.BodyFailure);

    /// <summary>The incidents of a row's kinds whose failure mid-body is of this cause (a body cut by a crash is not a bad response).</summary>
    private static IEnumerable<LogIncident> OfCause(LogFacts logs, Cause cause) => logs.Incidents.Where(i => i.Kind != FailureKind.BodyFailure || i.Cause == cause);

    /// <summary>What nginx said of the first sample, e.g. "upstream sent invalid chunked response".</summary>
    private static string Said(IReadOnlyList<LogIncident> incidents) =>
        incidents.SelectMany(i => i.Samples).Select(s => ErrorLogParser.Parse(s.Text)?.Message).FirstOrDefault(m => m is not null) is { } m ? $"nginx: \"{m}\"" : "nginx refused its framing";

    private static string Module(UpstreamTarget? target) => target?.Sites[0].Directive.Split('_')[0] ?? "proxy";

    private static string CrashTitle(string upstream, IReadOnlyList<LogIncident> incidents, int count)
    {
        var backend = incidents.Where(i => i.Kind is FailureKind.GunicornTimeout or FailureKind.GunicornSignal).Sum(i => i.Count);
        var cut = count - backend;
        return backend == 0 ? $"{upstream} closed or reset {count} connection(s) before answering (502)"
            : cut == 0 ? $"gunicorn's workers on {upstream} died {backend} time(s) (its own log)"
            : $"{upstream} closed or reset {cut} connection(s) before answering (502); gunicorn's own log says {backend} worker(s) died";
    }

    private static Remedy CrashRemedy(IReadOnlyList<LogIncident> incidents) =>
        Any(incidents, FailureKind.GunicornTimeout)
            ? new("gunicorn killed workers whose request ran past its --timeout (WORKER TIMEOUT), and nginx got the cut connection: make those requests faster, or raise gunicorn's --timeout (and proxy_read_timeout above it); a sync worker holds one request at a time, so long requests want -k gthread or more workers.", [])
            : incidents.Where(i => i.Kind == FailureKind.GunicornSignal).SelectMany(i => i.Samples).Select(x => GunicornLogParser.HowDied(GunicornLogParser.Parse(x.Text)?.Message ?? "")).FirstOrDefault(h => h is not null) is { } how
            ? new($"gunicorn's workers died of {how} mid-request: {(how == "SIGKILL" ? "usually the kernel's OOM killer (dmesg): fewer workers or less memory per worker" : how.StartsWith("SIG", StringComparison.Ordinal) ? "a crash in the application or a native extension it loads: its core dump or faulthandler's traceback" : "an exception in the worker: the traceback just above that line in gunicorn's log")}.", ["dmesg -T | grep -i -E 'killed process|segfault'"])
            : Any(incidents, FailureKind.FpmTerminated)
            ? new("PHP-FPM killed children that ran past request_terminate_timeout: make those scripts faster, or raise request_terminate_timeout together with fastcgi_read_timeout.", [])
            : Any(incidents, FailureKind.FpmKilled)
            ? new("PHP-FPM children were killed by SIGKILL, usually the kernel's OOM killer: check dmesg, lower pm.max_children or memory_limit, or add memory.", ["dmesg -T | grep -i -E 'killed process|out of memory'"])
            : new("The backend's worker died or gave up mid-request: look in its own log at these times (a crash, a worker killed by its timeout such as PHP-FPM request_terminate_timeout or gunicorn WORKER TIMEOUT, or by the OOM killer: dmesg). With upstream keepalive, make the backend's idle timeout longer than nginx's.", ["dmesg -T | grep -i -E 'killed process|out of memory'"]);

    /// <summary>The pool's settings and slow scripts, and what the saturation explains on nginx's side for the same address.</summary>
    private static IEnumerable<Evidence> PoolEvidence(DiagnosisFacts facts, string? address)
    {
        var pool = FpmPoolEvidence.Settings(facts, address, "pm", "pm.max_children", "listen.backlog", "request_terminate_timeout", "request_slowlog_timeout");
        var nginx = LogEvidence.For(facts.Logs!.Incidents.Where(i => i.Upstream == address && i.Kind is FailureKind.ReadTimeout or FailureKind.BacklogFull).Select(i => i with { Samples = i.Samples.Take(1).ToList() }));
        return [.. pool, .. FpmPoolEvidence.SlowScripts(facts, address), .. nginx];
    }

    /// <summary>The timeout in force, the latency the access log saw, and the backend's own limit.</summary>
    private static IEnumerable<Evidence> TimeoutEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var evidence = LogIncidentCheck.Settings(target, Any(incidents, FailureKind.ConnectTimeout) && !Any(incidents, FailureKind.ReadTimeout) ? "_connect_timeout" : "_read_timeout").ToList();
        var upstream = incidents[0].Upstream;
        if (facts.Logs?.Access?.Upstreams.FirstOrDefault(u => u.Upstream == upstream) is { P50: not null } traffic)
        {
            var files = string.Join(", ", facts.Logs.Access.Files.Select(f => f.Path));
            evidence.Add(new Evidence(EvidenceKind.Log, files, $"$upstream_response_time of {traffic.Requests} request(s) to {upstream}: p50 {traffic.P50:0.###} s, p90 {traffic.P90:0.###} s, p99 {traffic.P99:0.###} s, max {traffic.Max:0.###} s"));
        }

        if (target is not null && BackendTimeouts.For(facts, target) is { } backend)
        {
            evidence.Add(new Evidence(EvidenceKind.Process, backend.Source, $"the backend's own limit: {backend.Setting} {backend.Value.TotalSeconds:0.#}s (raise it with nginx's read timeout, or it ends those requests first)"));
        }

        return evidence;
    }
}
