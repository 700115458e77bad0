using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>
/// dist/kubectl/kubectl-ngxdoctor's command construction, with a kubectl of the test's own on PATH that records the
/// arguments it was given and answers as ngxdoctor would (there is no cluster here: the plugin is not tested live).
/// </summary>
public sealed class KubectlPluginTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-kubectl-").FullName;

    public KubectlPluginTests()
    {
        var fake = Path.Combine(_dir, "kubectl");
        File.WriteAllText(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$(dirname \"$0\")/args\"\necho '{\"status\": \"critical\"}'\nexit 2\n");
        File.SetUnixFileMode(fake, (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Node_mode_runs_the_image_in_the_nodes_pid_and_network_namespaces_and_brings_the_json_back()
    {
        var (code, output, _) = Plugin("node", "worker-1");
        Assert.Equal(2, code);
        Assert.Equal("{\"status\": \"critical\"}\n", output);
        var args = Args();
        Assert.Equal(["run"], args.Take(1));
        Assert.StartsWith("ngxdoctor-", args[1], StringComparison.Ordinal);
        Assert.Equal(["--image=ngxdoctor:1.0.0", "--restart=Never", "--rm", "-i", "--quiet"], args.Skip(2).Take(5));
        Assert.Equal(
            """--overrides={"apiVersion":"v1","spec":{"nodeName":"worker-1","hostPID":true,"hostNetwork":true,"restartPolicy":"Never","tolerations":[{"operator":"Exists"}],"containers":[{"name":"ngxdoctor","image":"ngxdoctor:1.0.0","args":["diagnose","--json"],"securityContext":{"privileged":true}}]}}""",
            args[7]);
    }

    [Fact]
    public void Pod_mode_is_an_ephemeral_container_targeting_the_nginx_container()
    {
        var (code, _, _) = Plugin("-n", "shop", "-c", "nginx", "--image", "registry.local/ngxdoctor:1.0.0", "pod", "web-7d9f", "diagnose", "--format", "nagios");
        Assert.Equal(2, code);
        Assert.Equal(["-n", "shop", "debug", "web-7d9f", "-i", "--quiet", "--image=registry.local/ngxdoctor:1.0.0", "--profile=sysadmin", "--target=nginx", "--", "/usr/bin/ngxdoctor", "diagnose", "--format", "nagios"], Args());
    }

    [Theory]
    [InlineData("node", "worker;rm -rf /", "not a Kubernetes name")]
    [InlineData("pod", "Web_1", "not a Kubernetes name")]
    [InlineData("cluster", "x", "the mode is node or pod")]
    public void A_name_kubernetes_would_refuse_never_reaches_kubectl(string mode, string target, string message)
    {
        var (code, _, errors) = Plugin(mode, target);
        Assert.Equal(3, code);
        Assert.Contains(message, errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "args")));
    }

    [Fact]
    public void Arguments_with_quotes_stay_json_in_the_overrides()
    {
        Plugin("node", "n1", "diagnose", "--url", "http://shop/\"x\"");
        Assert.Contains("\"args\":[\"diagnose\",\"--url\",\"http://shop/\\\"x\\\"\"]", Args()[7], StringComparison.Ordinal);
    }

    private List<string> Args() => [.. File.ReadAllLines(Path.Combine(_dir, "args"))];

    private (int Code, string Output, string Errors) Plugin(params string[] args)
    {
        var run = Processes.Run(Path.Combine(RepoRoot.Path, "dist/kubectl/kubectl-ngxdoctor"), TimeSpan.FromSeconds(10), new Dictionary<string, string> { ["PATH"] = _dir + ":/usr/bin:/bin" }, args);
        return (run.Code, run.Stdout, run.Stderr);
    }
}
