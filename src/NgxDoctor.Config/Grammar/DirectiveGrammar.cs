namespace NgxDoctor.Config.Grammar;

/// <summary>
/// nginx's ngx_conf_handler over one directive: is it allowed where it stands, terminated as its module says, with
/// an argument count its module takes; and what its block's content is. Names no table here knows are accepted and
/// their blocks not looked into, as before (a module this build of ngxdoctor has not read).
/// </summary>
public static class DirectiveGrammar
{
    /// <summary>The outcome for one directive: nginx's words when it would refuse it, and the context of its block.</summary>
    public readonly record struct Verdict(string? Error, ConfContext Inner);

    public static Verdict Check(Directive d, ConfContext where)
    {
        if (where == ConfContext.Unknown)
        {
            return new(null, ConfContext.Unknown);
        }

        if (where == ConfContext.Handler)
        {
            // ngx_conf_parse: a handler reads entries; a "{" among them is refused before the handler sees it.
            return new(d.Block is not null && d.EmbeddedCode is null ? "unexpected \"{\"" : null, ConfContext.Unknown);
        }

        var specs = DirectiveTable.Lookup(d.Name);
        if (specs.Count == 0)
        {
            return new(null, ConfContext.Unknown);
        }

        string? error = null;
        foreach (var spec in specs)
        {
            if ((spec.Contexts & where) == 0)
            {
                continue;
            }

            if (Fault(spec, d) is not { } fault)
            {
                return new(null, Inner(spec, where));
            }

            error ??= fault;
        }

        return new(error ?? $"\"{d.Name}\" directive is not allowed here", ConfContext.Unknown);
    }

    private static string? Fault(DirectiveSpec spec, Directive d)
    {
        var block = d.Block is not null;
        if (!spec.IsBlock && block)
        {
            return $"directive \"{d.Name}\" is not terminated by \";\"";
        }

        if (spec.IsBlock && !block)
        {
            return $"directive \"{d.Name}\" has no opening \"{{\"";
        }

        return spec.Accepts(d.Args.Count) ? null : $"invalid number of arguments in \"{d.Name}\" directive";
    }

    /// <summary>The context a block directive opens, as the module's handler sets cf->cmd_type for its content.</summary>
    private static ConfContext Inner(DirectiveSpec spec, ConfContext where)
    {
        if (!spec.IsBlock)
        {
            return ConfContext.Unknown;
        }

        if (spec.ReadsOwnBlock)
        {
            return ConfContext.Handler;
        }

        return (spec.Name, where) switch
        {
            ("events", _) => ConfContext.Events,
            ("http", _) => ConfContext.HttpMain,
            ("stream", _) => ConfContext.StreamMain,
            ("mail", _) => ConfContext.MailMain,
            ("server", ConfContext.HttpMain) => ConfContext.HttpSrv,
            ("server", ConfContext.StreamMain) => ConfContext.StreamSrv,
            ("server", ConfContext.MailMain) => ConfContext.MailSrv,
            ("upstream", ConfContext.HttpMain) => ConfContext.HttpUps,
            ("upstream", ConfContext.StreamMain) => ConfContext.StreamUps,
            ("location", _) => ConfContext.HttpLoc,
            ("if", ConfContext.HttpSrv) => ConfContext.HttpSif,
            ("if", ConfContext.HttpLoc) => ConfContext.HttpLif,
            ("limit_except", _) => ConfContext.HttpLmt,
            _ => ConfContext.Unknown,
        };
    }
}
