using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core;
using NgxDoctor.Host;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Cli.Commands;

/// <summary>`upstreams`: the inventory of every address nginx passes requests to, read from the configuration only.</summary>
public static class UpstreamsCommand
{
    public static Command Create()
    {
        var config = SharedOptions.Config();
        var pid = SharedOptions.Pid();
        var container = SharedOptions.Container();
        var json = SharedOptions.Json();
        var format = SharedOptions.Format(OutputFormat.Text, OutputFormat.Json);
        var cmd = new Command("upstreams", """
            List every upstream address: its upstream{} group and parameters, and each server/location (file:line) that passes requests to it, with the timeouts and buffers in force there.

            Examples:
              ngxdoctor upstreams
              ngxdoctor upstreams --config /etc/nginx/nginx.conf --json
            """)
        {
            config, pid, container, json, format,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var asJson = SharedOptions.Output(r, json, format, OutputFormat.Text, OutputFormat.Json) == OutputFormat.Json;
            var located = await Host.Diagnosis.DiagnosisService.LocateOneAsync(r.GetValue(config), new InstanceSelector(r.GetValue(pid), r.GetValue(container)), ct);
            var inventory = InventoryBuilder.Build(located.LoadConfig(), Host.Diagnosis.DiagnosisService.PageSize);
            if (asJson)
            {
                Console.Out.WriteLine(NgxJson.Serialize(inventory));
            }
            else
            {
                InventoryRenderer.Render(Terminal.Create(), located.ConfigFile, inventory);
            }

            return 0;
        }));
        return cmd;
    }
}
