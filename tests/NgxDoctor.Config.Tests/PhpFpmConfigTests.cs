using NgxDoctor.Config.PhpFpm;

namespace NgxDoctor.Config.Tests;

public class PhpFpmConfigTests
{
    [Fact]
    public void Global_pools_includes_comments_and_pool_variables_are_read()
    {
        using var files = new TestFiles();
        var main = files.Write("php-fpm.conf", "[global]\npid = /run/php/php8.2-fpm.pid\nerror_log = /var/log/php8.2-fpm.log ; trailing\n\ninclude={root}/pool.d/*.conf\n");
        files.Write("pool.d/www.conf", "; Debian's pool\n[www]\nuser = www-data\nlisten = /run/php/php8.2-$pool.sock\nlisten.owner = www-data\nlisten.mode = \"0660\"\npm = dynamic\npm.max_children = 5\n");
        files.Write("pool.d/api.conf", "[api]\nlisten = 9001\npm = static\n# hash comment\npm.max_children = 20\nrequest_terminate_timeout = 30s\n");
        var c = PhpFpmConfigParser.Load(main);
        Assert.Equal("/var/log/php8.2-fpm.log", c.Global["error_log"].Value);
        Assert.Equal(["api", "www"], c.Pools.Select(p => p.Name).Order());
        var www = c.Pools.Single(p => p.Name == "www");
        Assert.Equal("unix:/run/php/php8.2-www.sock", www.ListenAddress);
        Assert.Equal("0660", www.Get("listen.mode"));
        Assert.Equal(8, www.Settings["pm.max_children"].Pos.Line);
        Assert.Equal("*:9001", c.Pools.Single(p => p.Name == "api").ListenAddress);
        Assert.Equal(3, c.Files.Count);
    }
}
