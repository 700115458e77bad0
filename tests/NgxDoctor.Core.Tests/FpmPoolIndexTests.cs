using NgxDoctor.Config;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests;

public class FpmPoolIndexTests
{
    private static FpmPool Pool(string name, string listen) =>
        new(name, new Dictionary<string, FpmSetting> { ["listen"] = new(listen, new SourcePos("/etc/php/fpm.conf", 1)) }, new SourcePos("/etc/php/fpm.conf", 1));

    [Fact]
    public void The_first_pool_in_order_that_listens_at_an_address_is_the_one_found_among_a_thousand()
    {
        var pools = Enumerable.Range(0, 1000).Select(i => Pool($"p{i}", $"/run/php/p{i}.sock")).ToList();
        pools.Insert(500, Pool("wild", "9000"));
        pools.Add(Pool("late-exact", "127.0.0.1:9000"));
        pools.Add(Pool("dup", "/run/php/p7.sock"));
        pools.Add(Pool("late-wild", "9001"));
        var fpm = new FpmInstance(1, "/etc/php/fpm.conf", pools, null, null);

        Assert.Equal("p7", fpm.PoolAt("unix:/run/php/p7.sock")?.Name);
        Assert.Equal("p999", fpm.PoolAt("unix:/run/php/p999.sock")?.Name);
        // "listen = 9000" is every address's port 9000 and comes before the exact 127.0.0.1:9000 pool.
        Assert.Equal("wild", fpm.PoolAt("127.0.0.1:9000")?.Name);
        Assert.Equal("late-wild", fpm.PoolAt("10.0.0.1:9001")?.Name);
        Assert.Null(fpm.PoolAt("unix:/run/php/none.sock"));
        Assert.Null(fpm.PoolAt("127.0.0.1:9002"));
        // The index agrees with the rule, stated once, on every address asked.
        foreach (var address in new[] { "unix:/run/php/p3.sock", "127.0.0.1:9000", "[::1]:9001", "*:9000", "x" })
        {
            Assert.Equal(pools.FirstOrDefault(p => FpmInstance.Matches(p.ListenAddress, address)), fpm.PoolAt(address));
        }
    }
}
