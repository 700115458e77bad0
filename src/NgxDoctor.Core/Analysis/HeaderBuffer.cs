using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>The *_buffer_size that holds a header seen, and the replayed FastCGI header that says so.</summary>
public static class HeaderBuffer
{
    /// <summary>The header and a quarter more (1k at least: a cookie or a redirect grows it), in 4k pages, in k.</summary>
    public static int Kilobytes(int headerBytes)
    {
        var wanted = headerBytes + Math.Max(headerBytes / 4, 1024);
        return (wanted + 4095) / 4096 * 4;
    }

    /// <summary>The replay of a logged request to this upstream that answered with a header; null when none did.</summary>
    public static FastCgiProbeResult? Replayed(DiagnosisFacts facts, string? upstream) =>
        facts.FastCgiReplays.FirstOrDefault(r => r.Target == upstream && r.Outcome == FastCgiProbeResult.Ok && r.HeaderBytes > 0);

    public static Evidence Evidence(FastCgiProbeResult replay) =>
        new(EvidenceKind.Probe, "fastcgi replay", replay.Outcome == FastCgiProbeResult.NotSent
            ? $"the logged request was not sent again to {replay.Target}: {replay.Detail}"
            : $"{replay.Request} sent again to {replay.Target} as nginx would (FastCGI): {replay.Detail} in {replay.ElapsedMs:0} ms");
}
