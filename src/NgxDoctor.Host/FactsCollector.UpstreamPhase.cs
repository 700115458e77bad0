using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Probes;

namespace NgxDoctor.Host;

public static partial class FactsCollector
{
    /// <summary>What the upstreams answer: connects and DNS started at once, then a request in each one's protocol to those that accepted.</summary>
    private sealed class UpstreamPhase
    {
        private readonly Task<IReadOnlyList<ProbeResult>> _probes;
        private readonly Task<IReadOnlyList<DnsLookup>> _dns;
        private readonly UpstreamInventory _inventory;
        private readonly LocatedInstance _located;
        private readonly CollectOptions _options;
        private readonly TimeSpan _budget;
        private readonly CancellationToken _ct;
        private Task<(IReadOnlyList<HttpProbeResult> Http, IReadOnlyList<ProbeResult>? AsWorker)>? _followUps;

        private UpstreamPhase(UpstreamInventory inventory, LocatedInstance located, CollectOptions options, CancellationToken ct)
        {
            (_inventory, _located, _options, _ct) = (inventory, located, options, ct);
            _budget = options.ProbeTimeout < options.Deadline ? options.ProbeTimeout : options.Deadline;
            var blind = located.From.Blind is not null;
            _probes = blind ? Task.FromResult<IReadOnlyList<ProbeResult>>([]) : ProbeRunner.RunAsync(inventory.Targets, _budget, ct, located.From);
            _dns = blind ? Task.FromResult<IReadOnlyList<DnsLookup>>([]) : NetworkFactsCollector.DnsAsync(inventory, _budget, ct, located.From);
        }

        public static UpstreamPhase Start(UpstreamInventory inventory, LocatedInstance located, CollectOptions options, CancellationToken ct) => new(inventory, located, options, ct);

        /// <summary>
        /// Once the connects are made, the requests that need nothing more (to the addresses that accepted, which
        /// `nginx -t` cannot take): HTTP in each one's protocol, and the connects as nginx's worker user.
        /// </summary>
        public void Follow(WorkerIdentity? worker) => _followUps = FollowUpsAsync(worker);

        /// <param name="connected">Called once no probe will connect to an address it has not connected to yet.</param>
        public async Task<Probed> FinishAsync(IReadOnlyList<FpmInstance> phpFpm, Action connected)
        {
            var probed = await _probes.ConfigureAwait(false);
            var fastCgi = ProtocolProbes.FastCgiAsync(_inventory, probed, phpFpm, _budget, _ct, _located.From);
            var remote = RemoteHosts.AskAsync(probed, HostPhase.NetRoot(_located, _options.ProcRoot), _budget, _ct, _located.From);
            var lookups = await _dns.ConfigureAwait(false);
            var resolved = await NetworkFactsCollector.ResolvedVariableHostsAsync(_inventory, lookups, _budget, _ct, _located.From).ConfigureAwait(false);
            connected();
            var (http, asWorker) = await (_followUps ?? FollowUpsAsync(null)).ConfigureAwait(false);
            return new Probed([.. probed, .. resolved], http, await fastCgi.ConfigureAwait(false), lookups, asWorker)
            {
                Remote = await remote.ConfigureAwait(false),
            };
        }

        private async Task<(IReadOnlyList<HttpProbeResult> Http, IReadOnlyList<ProbeResult>? AsWorker)> FollowUpsAsync(WorkerIdentity? worker)
        {
            var probed = await _probes.ConfigureAwait(false);
            var asWorker = WorkerProbes.RunAsync(_inventory, probed, worker, _located, _budget, WorkerNotes, _ct);
            var http = ProtocolProbes.HttpAsync(_inventory, probed, _budget, _options.HealthPath, Path.GetDirectoryName(_located.From.Root.Map(_located.ConfigFile)), _ct, _located.From);
            return (await http.ConfigureAwait(false), await asWorker.ConfigureAwait(false));
        }

        public List<NotCollected> WorkerNotes { get; } = [];
    }

    private sealed record Probed(IReadOnlyList<ProbeResult> Probes, IReadOnlyList<HttpProbeResult> Http, IReadOnlyList<FastCgiProbeResult> FastCgi, IReadOnlyList<DnsLookup> Dns, IReadOnlyList<ProbeResult>? AsWorker)
    {
        public IReadOnlyList<RemoteHost> Remote { get; init; } = [];
    }
}
