using NgxDoctor.Host.Nginx;

namespace NgxDoctor.Host.Tests;

/// <summary>
/// What the sandbox itself says is not nginx's verdict: in a container without CAP_SYS_ADMIN unshare fails, and that
/// must be "not checked", never a config-error (seen in the fresh Debian container of the install scenarios).
/// </summary>
public sealed class ConfigTestSandboxTests
{
    [Theory]
    [InlineData("unshare: unshare failed: Operation not permitted\n", "unshare: unshare failed: Operation not permitted")]
    [InlineData("ngxdoctor-sandbox: no overlay on /var/log/nginx\n", "no overlay on /var/log/nginx")]
    public void The_sandboxs_own_failure_is_named(string output, string expected) =>
        Assert.Equal(expected, ConfigTestSandbox.Failure(new CommandResult(1, output, false, "unshare ...")));

    [Theory]
    [InlineData("nginx: [emerg] unknown directive \"proxy_pas\" in /etc/nginx/nginx.conf:12\nnginx: configuration file /etc/nginx/nginx.conf test failed\n")]
    [InlineData("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n")]
    public void Nginxs_own_output_is_not_the_sandboxs(string output) =>
        Assert.Null(ConfigTestSandbox.Failure(new CommandResult(1, output, false, "unshare ...")));
}
