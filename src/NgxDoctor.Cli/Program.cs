using System.CommandLine;
using NgxDoctor.Cli.Commands;

namespace NgxDoctor.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("""
            ngxdoctor: why does nginx answer 502 Bad Gateway (or 504, 503, 499) right now, on this box?
            It finds the running nginx, reads its configuration, checks every upstream as nginx's workers
            would, and says with evidence what is wrong and how to fix it.

            Examples:
              ngxdoctor demo                    # see it diagnose a throwaway broken nginx
              ngxdoctor diagnose                # the running nginx
              ngxdoctor upstreams --json        # what nginx passes requests to
              ngxdoctor route http://example.com/api   # which server/location/upstream serve a URL
            """)
        {
            DiagnoseCommand.Create(),
            UpstreamsCommand.Create(),
            RouteCommand.Create(),
            CollectCommand.Create(),
            FixCommand.Create(),
            LogsCommand.Create(),
            ExplainCommand.Create(),
            DemoCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return CliErrors.Fail($"{string.Join("; ", parse.Errors.Select(e => e.Message))} (see ngxdoctor --help)");
        }

        return await CliErrors.GuardAsync(() => parse.InvokeAsync());
    }
}
