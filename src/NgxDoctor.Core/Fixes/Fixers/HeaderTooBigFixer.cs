using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// header-too-big: *_buffer_size to the header size seen (by the HTTP probe, or a logged FastCGI request sent again)
/// and a quarter more, in 4k pages; *_buffers so each buffer is at least that big (nginx refuses busy buffers that do
/// not fit), and an explicit *_busy_buffers_size set to twice the buffer size. Without an observed header size that
/// overflows the buffer in force, no fix.
/// </summary>
public sealed class HeaderTooBigFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.HeaderTooBig;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (FixContext.Target(facts, finding) is not { } target || target.Sites.Count == 0)
        {
            return FixAction.None(finding, "the upstream is not in the configuration");
        }

        var replay = HeaderBuffer.Replayed(facts, target.Address.Text);
        var site = target.Sites.FirstOrDefault(s => replay is not null && s.LocationPos == replay.Location) ?? target.Sites[0];
        var module = FixContext.Module(site);
        var (header, seen) = facts.HttpProbes?.FirstOrDefault(p => p.Target == target.Address.Text && p.HeaderBytes > 0) is { } probe ? (probe.HeaderBytes, "the backend's header")
            : replay is not null ? (replay.HeaderBytes, $"the header of the replayed {replay.Request}") : (0, "");
        if (header == 0)
        {
            var tried = facts.FastCgiReplays.FirstOrDefault(r => r.Target == target.Address.Text) is { } r ? $"; the logged request sent again: {r.Detail}" : "";
            return FixAction.None(finding, $"the header size was not observed (no HTTP probe answered{tried})");
        }

        if (site.Setting("_buffer_size") is { } now && ConfigValues.TryParseSize(now.Value, out var current) && current >= header)
        {
            return FixAction.None(finding, $"{seen} ({header} bytes) fits {now.Name} {now.Value}: the header that failed depended on the client's request (its cookies?)");
        }

        var kb = HeaderBuffer.Kilobytes(header);
        var edits = new List<PlannedEdit?> { FixContext.SetInLocation(config, site, $"{module}_buffer_size", $"{kb}k", $"{seen} is {header} bytes") };
        if (module is not "grpc")
        {
            var buffers = site.Setting("_buffers");
            var parts = buffers?.Value.Split(' ') ?? ["8", "4k"];
            if (parts.Length == 2 && ConfigValues.TryParseSize(parts[1], out var size) && size < kb * 1024)
            {
                edits.Add(FixContext.SetInLocation(config, site, $"{module}_buffers", $"{parts[0]} {kb}k", $"each of the {module}_buffers must hold what {module}_buffer_size does"));
            }

            if (site.Setting("_busy_buffers_size") is { IsDefault: false })
            {
                edits.Add(FixContext.SetInLocation(config, site, $"{module}_busy_buffers_size", $"{kb * 2}k", "busy buffers must be at least one buffer and less than all buffers but one"));
            }
        }

        return edits.Contains(null)
            ? FixAction.None(finding, "the site is not inside a location block")
            : new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"set {module}_buffer_size {kb}k in location {site.Location}", edits.OfType<PlannedEdit>().ToList(), [], FixContext.Verify(finding, site)) { ReloadNginx = true };
    }
}
