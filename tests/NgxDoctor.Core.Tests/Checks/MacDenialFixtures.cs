using System.Globalization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class MacDenialFixtures : ICheckFixture
{
    public string CheckId => "mac-denial";

    public Cause Cause => Diagnosis.Cause.SocketPermission;

    /// <summary>"audit(1795834770.123:88)": the epoch the kernel stamps on every audit record, 30 s before the facts.</summary>
    private static string Stamp => $"audit({new DateTimeOffset(FactsBuilder.Now.AddSeconds(-30)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.123:88)";

    public static string AppArmor(string name, string comm = "nginx", int pid = 101) =>
        $"2026-11-28T02:59:30,123456+00:00 audit: type=1400 {Stamp}: apparmor=\"DENIED\" operation=\"connect\" class=\"file\" profile=\"nginx\" name=\"{name}\" pid={pid.ToString(CultureInfo.InvariantCulture)} comm=\"{comm}\" requested_mask=\"wr\" denied_mask=\"wr\" fsuid=33 ouid=33";

    public static string SelinuxPort(int port) =>
        $"type=AVC msg={Stamp}: avc:  denied  {{ name_connect }} for  pid=101 comm=\"nginx\" dest={port.ToString(CultureInfo.InvariantCulture)} scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:unreserved_port_t:s0 tclass=tcp_socket permissive=0";

    private const string SelinuxSockFile = "avc:  denied  { write } for  pid=101 comm=\"nginx\" name=\"php8.2-fpm.sock\" dev=\"tmpfs\" ino=4711 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:var_run_t:s0 tclass=sock_file permissive=0";

    private static DiagnosisFacts With(string site, params string[] lines) => FactsBuilder.FromConfig(site) with
    {
        MacDenials = lines.Select(l => KernelEventParser.Denial(l, FactsBuilder.Now)).OfType<MacDenial>().ToList(),
    };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("AppArmor refuses nginx its PHP-FPM socket", With(UpstreamDownFixtures.PhpSite, AppArmor("/run/php/php8.2-fpm.sock")));
        yield return ("SELinux refuses httpd_t the backend's port", With(UpstreamDownFixtures.NodeSite, SelinuxPort(3000)));
        yield return ("SELinux refuses writing the socket file it names by its file name", With(UpstreamDownFixtures.PhpSite, $"type=AVC msg={Stamp}: {SelinuxSockFile}"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("a denial of another program for the same socket", With(UpstreamDownFixtures.PhpSite, AppArmor("/run/php/php8.2-fpm.sock", "php-fpm8.2", 2001)));
        yield return ("nginx denied a file that is no upstream", With(UpstreamDownFixtures.PhpSite, AppArmor("/var/www/html/index.php")));
        yield return ("SELinux denies another port", With(UpstreamDownFixtures.NodeSite, SelinuxPort(5432)));
    }
}
