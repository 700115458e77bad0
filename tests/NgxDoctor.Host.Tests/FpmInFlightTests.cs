using NgxDoctor.Host.Fixes;

namespace NgxDoctor.Host.Tests;

/// <summary>Requests a pool serves now, from /proc/net/unix and /proc/net/tcp lines as the kernel writes them.</summary>
public class FpmInFlightTests
{
    [Fact]
    public void Accepted_connections_of_the_pools_socket_are_counted_the_listener_and_others_are_not()
    {
        string[] unix =
        [
            "Num       RefCount Protocol Flags    Type St Inode Path",
            "0000000000000000: 00000002 00000000 00010000 0001 01 27301 /run/php/php8.2-fpm.sock",
            "0000000000000000: 00000003 00000000 00000000 0001 03 27410 /run/php/php8.2-fpm.sock",
            "0000000000000000: 00000003 00000000 00000000 0001 03 27411",
            "0000000000000000: 00000003 00000000 00000000 0001 03 27412 /run/other.sock",
        ];
        Assert.Equal(1, FpmInFlight.Unix(unix, "/run/php/php8.2-fpm.sock"));
    }

    [Fact]
    public void Established_connections_to_the_pools_port_are_counted()
    {
        string[] tcp =
        [
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1",
            "   1: 0100007F:2328 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000    65534        0 2 1",
            "   2: 0100007F:A1B2 0100007F:2328 01 00000000:00000000 00:00000000 00000000    33        0 3 1",
        ];
        Assert.Equal(1, FpmInFlight.Tcp(tcp, 9000));
    }
}
