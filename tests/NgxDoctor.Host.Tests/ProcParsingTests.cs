using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Tests;

public class ProcParsingTests
{
    [Fact]
    public void Tcp_tables_give_listening_addresses_ports_and_inodes()
    {
        const string tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000    33        0 12345 1 0000000000000000 100 0 0 10 0
               1: 00000000:1F90 00000000:0000 0A 00001000:00000011 00:00000000 00000000     0        0 12346 1 0000000000000000 100 0 0 10 0
               2: 0100007F:0BB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000    33        0 12347 1 0000000000000000 20 4 30 10 -1
            """;
        var rows = ListenerTable.ParseTcp(tcp, "tcp").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(new ListeningSocket("tcp", "127.0.0.1", 3000, null, 12345UL, 0, 0), rows[0]);
        Assert.Equal(17, rows[1].Queue);
        Assert.Equal(4096, rows[1].Backlog);
        Assert.Equal("0.0.0.0", rows[1].Address);
        Assert.Equal(8080, rows[1].Port);
    }

    [Fact]
    public void Connection_rows_give_the_remote_end_and_state_and_skip_listeners()
    {
        const string tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000    33        0 12345 1 0000000000000000 100 0 0 10 0
               1: 0100007F:D431 0100007F:0BB8 01 00000000:00000000 00:00000000 00000000    33        0 12347 1 0000000000000000 20 4 30 10 -1
               2: 0100007F:D432 0100007F:0BB8 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
            """;
        var rows = ConnectionTable.Parse(tcp).ToList();
        Assert.Equal([("127.0.0.1:3000", 3000, "01", 12347UL), ("127.0.0.1:3000", 3000, "06", 0UL)], rows);
    }

    [Fact]
    public void Meminfo_values_are_read_in_kilobytes()
    {
        var m = SystemLimits.MemInfo("MemTotal:       24684160 kB\nMemFree:        23000000 kB\nMemAvailable:   24000000 kB\nHugePages_Total:       0\n");
        Assert.Equal(24684160, m["MemTotal"]);
        Assert.Equal(24000000, m["MemAvailable"]);
        Assert.Equal(0, m["HugePages_Total"]);
    }

    [Fact]
    public void Tcp6_addresses_decode_per_32_bit_word()
    {
        Assert.Equal("::1", ListenerTable.DecodeAddress("00000000000000000000000001000000"));
        Assert.Equal("::", ListenerTable.DecodeAddress("00000000000000000000000000000000"));
        Assert.Equal("127.0.0.1", ListenerTable.DecodeAddress("0000000000000000FFFF00000100007F"));
    }

    [Fact]
    public void Unix_table_keeps_only_listening_sockets()
    {
        const string unix = """
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000000000000: 00000002 00000000 00010000 0001 01 20001 /run/php/php8.2-fpm.sock
            0000000000000000: 00000003 00000000 00000000 0001 03 20002 /run/php/php8.2-fpm.sock
            0000000000000000: 00000002 00000000 00010000 0001 01 20003 /tmp/with space.sock
            0000000000000000: 00000002 00000000 00000000 0002 01 20004
            """;
        var rows = ListenerTable.ParseUnix(unix).ToList();
        Assert.Equal(["/run/php/php8.2-fpm.sock", "/tmp/with space.sock"], rows.Select(r => r.Path));
        Assert.Equal(20001UL, rows[0].Inode);
    }

    [Fact]
    public void Users_groups_and_memberships_are_read()
    {
        var db = UserDatabase.Parse(
            "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534::/:/bin/false\n",
            "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\nphp:x:120:www-data,deploy\n");
        Assert.Equal("www-data", db.UserName(33));
        Assert.Equal("nogroup", db.GroupName(65534));
        Assert.Equal("4242", db.UserName(4242));
        Assert.Equal((33u, 33u), db.User("www-data"));
        Assert.Equal([120u], db.SupplementaryGroups("www-data"));

        var fromConfig = WorkerIdentityResolver.FromConfig(new("www-data", null, new("/etc/nginx/nginx.conf", 1)), db, masterIsRoot: true)!;
        Assert.Equal(33u, fromConfig.Uid);
        Assert.Contains(120u, fromConfig.Groups);
        var byDefault = WorkerIdentityResolver.FromConfig(null, db, masterIsRoot: true)!;
        Assert.Equal("nobody", byDefault.User);
        Assert.Equal("nogroup", byDefault.GroupName);
        Assert.Null(WorkerIdentityResolver.FromConfig(null, db, masterIsRoot: false));
    }

    [Fact]
    public void Nginx_masters_and_workers_are_recognised_with_their_flags()
    {
        ProcessInfo[] processes =
        [
            new(10, "nginx", "nginx: master process /usr/sbin/nginx -p /srv/ng/ -c conf/nginx.conf -g daemon off;", 0, 1),
            new(11, "nginx", "nginx: worker process", 33, 10),
            new(12, "nginx", "nginx: worker process", 33, 10),
            new(13, "nginx", "nginx: cache manager process", 33, 10),
            new(20, "nginx", "nginx: master process nginx", 0, 1),
            new(30, "bash", "bash -c nginx: master process", 0, 1),
        ];
        var found = NginxProcesses.Find(processes, "/nonexistent-proc");
        Assert.Equal([10, 20], found.Select(f => f.MasterPid));
        var first = found[0];
        Assert.Equal([11, 12], first.WorkerPids);
        Assert.Equal("conf/nginx.conf", first.ConfigFile);
        Assert.Equal("/srv/ng/", first.Prefix);
        Assert.Equal(["daemon off;"], first.Globals);
        Assert.Equal("/srv/ng/conf/nginx.conf", NginxProcesses.ConfigPath(first, "/etc/nginx/nginx.conf", "/usr/share/nginx"));
        Assert.Equal("/etc/nginx/nginx.conf", NginxProcesses.ConfigPath(found[1], "/etc/nginx/nginx.conf", "/usr/share/nginx"));
    }
}
