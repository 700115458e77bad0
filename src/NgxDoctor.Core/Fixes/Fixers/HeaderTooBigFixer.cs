using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// header-too-big: *_buffer_size to the header size the probe saw, rounded up to a 4k page multiple; *_buffers so
/// each buffer is at least that big (nginx refuses busy buffers that do not fit), and an explicit
/// *_busy_buffers_size set to twice the buffer size. Without an observed header size, no fix.
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

        var site = target.Sites[0];
        var module = FixContext.Module(site);
        var header = facts.HttpProbes?.FirstOrDefault(p => p.Target == target.Address.Text && p.HeaderBytes > 0)?.HeaderBytes;
        if (header is not { } bytes)
        {
            return FixAction.None(finding, "the header size was not observed (no HTTP probe answered)");
        }

        var kb = (bytes + 4095) / 4096 * 4;
        var edits = new List<PlannedEdit?> { FixContext.SetInLocation(config, site, $"{module}_buffer_size", $"{kb}k", $"the backend's header is {bytes} bytes") };
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
