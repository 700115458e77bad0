using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Config.Routing;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Host;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Cli.Commands;

/// <summary>`route URL`: which server and location nginx picks for a URL, why, and the upstreams the request ends at.</summary>
public static class RouteCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "the URL as a client asks for it, e.g. http://example.com/api/users?id=1" };
        var config = SharedOptions.Config();
        var pid = SharedOptions.Pid();
        var container = SharedOptions.Container();
        var address = new Option<string?>("--address") { Description = "the local IP the connection arrives at, when servers listen on specific addresses" };
        var json = SharedOptions.Json();
        var format = SharedOptions.Format(OutputFormat.Text, OutputFormat.Json);
        var cmd = new Command("route", """
            Show which server{} and location{} nginx picks for a URL (listen address and port, default_server, exact,
            wildcard and regex server_name; =, longest prefix, ^~, regexes in file order, nested), with file:line for
            each step, nginx's internal redirects on the way (rewrite last/break, try_files, index, named and
            internal locations), and the proxy_pass/fastcgi_pass... (and their upstream addresses) the request ends at.

            Examples:
              ngxdoctor route http://example.com/api/users
              ngxdoctor route https://shop.example.com:8443/img/logo.png --config /etc/nginx/nginx.conf --json
            """)
        {
            url, config, pid, container, address, json, format,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var asJson = SharedOptions.Output(r, json, format, OutputFormat.Text, OutputFormat.Json) == OutputFormat.Json;
            if (!IsHttpUrl(r.GetValue(url)!))
            {
                throw new UsageException($"not an http(s) URL: {r.GetValue(url)}");
            }

            var located = await Host.Diagnosis.DiagnosisService.LocateOneAsync(r.GetValue(config), new InstanceSelector(r.GetValue(pid), r.GetValue(container)), ct);
            var nginx = located.LoadConfig();
            var report = Build(nginx, r.GetValue(url)!, r.GetValue(address), Host.Diagnosis.DiagnosisService.PageSize, new SourceDocumentFiles(located.ConfigSource));
            if (asJson)
            {
                Console.Out.WriteLine(NgxJson.Serialize(report));
            }
            else
            {
                RouteRenderer.Render(Terminal.Create(), report);
            }

            return report.Server is null || report.Locations.Count == 0 ? 1 : 0;
        }));
        return cmd;
    }

    public static bool IsHttpUrl(string text) => Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";

    /// <summary>"80, 443" : the ports the configuration's http servers listen on.</summary>
    public static string ListenPorts(NginxConfig config) =>
        string.Join(", ", config.Walk().Where(x => x.Directive.Name == "server" && x.Ancestors.Count > 0 && x.Ancestors[^1].Name == "http")
            .SelectMany(x => NgxDoctor.Config.Routing.ServerSelector.Listens(x.Directive)).Select(l => l.Port).Distinct().Order()
            .Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <param name="files">The docroot as nginx sees it (try_files, index); null for a configuration from elsewhere.</param>
    public static RouteReport Build(NginxConfig config, string url, string? address, int pageSize, IDocumentFiles? files = null)
    {
        RouteRequest request;
        try
        {
            request = RouteRequest.Parse(url, address);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }

        return RouteReport.From(url, RequestRouter.Route(config, request, files), InventoryBuilder.Build(config, pageSize));
    }
}
