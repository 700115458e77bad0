using NgxDoctor.Host.Probes;

namespace NgxDoctor.Host.Tests;

/// <summary>pm.status_listen's forms, as the address its status page is asked at.</summary>
public sealed class StatusListenTests
{
    [Theory]
    [InlineData("/run/php/status.sock", "unix:/run/php/status.sock")]
    [InlineData("127.0.0.1:9001", "127.0.0.1:9001")]
    [InlineData("9001", "127.0.0.1:9001")]
    [InlineData("[::1]:9001", "[::1]:9001")]
    public void Each_form_names_the_address_asked(string value, string address) => Assert.Equal(address, ProtocolProbes.StatusListen(value)!.Text);

    [Fact]
    public void Without_it_the_pools_own_listener_is_asked() => Assert.Null(ProtocolProbes.StatusListen(null));
}
