using System.Globalization;

namespace NgxDoctor.Host.Proc;

/// <summary>Users and groups from /etc/passwd and /etc/group.</summary>
public sealed class UserDatabase
{
    private readonly Dictionary<uint, string> _users = [];
    private readonly Dictionary<string, (uint Uid, uint Gid)> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, string> _groups = [];
    private readonly Dictionary<string, uint> _groupByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<uint>> _memberOf = new(StringComparer.Ordinal);

    public static UserDatabase Load(string passwd = "/etc/passwd", string group = "/etc/group") =>
        Parse(ReadOrEmpty(passwd), ReadOrEmpty(group));

    public static UserDatabase Parse(string passwd, string group)
    {
        var db = new UserDatabase();
        foreach (var line in passwd.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                db._users.TryAdd(uid, f[0]);
                db._byName.TryAdd(f[0], (uid, gid));
            }
        }

        foreach (var line in group.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                db._groups.TryAdd(gid, f[0]);
                db._groupByName.TryAdd(f[0], gid);
                foreach (var member in f[3].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!db._memberOf.TryGetValue(member, out var list))
                    {
                        db._memberOf[member] = list = [];
                    }

                    list.Add(gid);
                }
            }
        }

        return db;
    }

    public string UserName(uint uid) => _users.TryGetValue(uid, out var n) ? n : uid.ToString(CultureInfo.InvariantCulture);

    public string GroupName(uint gid) => _groups.TryGetValue(gid, out var n) ? n : gid.ToString(CultureInfo.InvariantCulture);

    public (uint Uid, uint Gid)? User(string name) => _byName.TryGetValue(name, out var u) ? u : null;

    public uint? Group(string name) => _groupByName.TryGetValue(name, out var g) ? g : null;

    public IReadOnlyList<uint> SupplementaryGroups(string user) => _memberOf.TryGetValue(user, out var l) ? l : [];

    private static string ReadOrEmpty(string path)
    {
        try
        {
            // A container's /etc/passwd is its owner's: never a FIFO waited on, never more than 16 MiB.
            return Config.RegularFile.ReadAllText(path, 16 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
