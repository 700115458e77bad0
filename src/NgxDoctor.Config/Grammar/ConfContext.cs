namespace NgxDoctor.Config.Grammar;

/// <summary>
/// Where a directive stands, as nginx's cf->cmd_type and cf->module_type say together: one bit per context, so the
/// bit nginx shares between events{}, http{}, stream{} and mail{} (each for its own module type) is four bits here.
/// </summary>
[Flags]
public enum ConfContext
{
    None = 0,
    Main = 1 << 0,
    Events = 1 << 1,
    HttpMain = 1 << 2,
    HttpSrv = 1 << 3,
    HttpLoc = 1 << 4,
    HttpUps = 1 << 5,
    HttpSif = 1 << 6,
    HttpLif = 1 << 7,
    HttpLmt = 1 << 8,
    StreamMain = 1 << 9,
    StreamSrv = 1 << 10,
    StreamUps = 1 << 11,
    MailMain = 1 << 12,
    MailSrv = 1 << 13,

    /// <summary>A block whose content a handler reads (map, types, geo, ...): entries, never a nested block.</summary>
    Handler = 1 << 14,

    /// <summary>Inside a block nginx's tables do not describe (a module unknown here): not checked.</summary>
    Unknown = 1 << 15,

    /// <summary>include: allowed everywhere.</summary>
    Any = Main | Events | HttpMain | HttpSrv | HttpLoc | HttpUps | HttpSif | HttpLif | HttpLmt | StreamMain | StreamSrv | StreamUps | MailMain | MailSrv,
}

/// <summary>nginx's NGX_CONF_* argument bits, with its values.</summary>
[Flags]
public enum ArgKinds
{
    None = 0,
    NoArgs = 0x1,
    Take1 = 0x2,
    Take2 = 0x4,
    Take3 = 0x8,
    Take4 = 0x10,
    Take5 = 0x20,
    Take6 = 0x40,
    Take7 = 0x80,
    Block = 0x100,
    Flag = 0x200,
    Any = 0x400,
    OneMore = 0x800,
    TwoMore = 0x1000,
}

/// <summary>One ngx_command_t of one module: where it may stand, how many arguments, and whether it opens a block.</summary>
public sealed record DirectiveSpec(string Name, ConfContext Contexts, ArgKinds Args, bool ReadsOwnBlock)
{
    public bool IsBlock => (Args & ArgKinds.Block) != 0;

    /// <summary>nginx's argument count test (ngx_conf_handler): <paramref name="count"/> arguments after the name.</summary>
    public bool Accepts(int count)
    {
        if ((Args & ArgKinds.Any) != 0)
        {
            return true;
        }

        if ((Args & ArgKinds.Flag) != 0)
        {
            return count == 1;
        }

        if ((Args & ArgKinds.OneMore) != 0)
        {
            return count >= 1;
        }

        if ((Args & ArgKinds.TwoMore) != 0)
        {
            return count >= 2;
        }

        return count <= 7 && ((int)Args & (1 << count)) != 0;
    }
}
