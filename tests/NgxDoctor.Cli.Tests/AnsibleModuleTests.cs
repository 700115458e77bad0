using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>
/// The binary-module protocol at its edges (the playbooks themselves run against containers in AnsibleScenarios): a
/// task with a parameter the command does not take, or a command that is not diagnose or fix, fails with one JSON
/// object and Ansible's `msg`; a file without Ansible's keys is no module call.
/// </summary>
public sealed class AnsibleModuleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-ansible-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData("""{"command": "diagnose", "bogus": 1, "_ansible_check_mode": false}""", "unsupported parameter(s) for diagnose: bogus (supported: command, config, pid, container, since, timeout, probe_timeout, url)")]
    [InlineData("""{"command": "fix", "since": "1h", "_ansible_check_mode": true}""", "unsupported parameter(s) for fix: since (supported: command, config, pid, container, only, probe_timeout)")]
    [InlineData("""{"command": "explain", "_ansible_check_mode": false}""", "command: explain is not diagnose or fix")]
    public void A_task_ngxdoctor_cannot_run_fails_with_ansibles_msg(string args, string msg)
    {
        var file = Path.Combine(_dir, "args");
        File.WriteAllText(file, args);
        var run = NgxDoctorCli.Run(file);
        Assert.Equal(1, run.ExitCode);
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(result.GetProperty("failed").GetBoolean());
        Assert.False(result.GetProperty("changed").GetBoolean());
        Assert.Equal(msg, result.GetProperty("msg").GetString());
    }

    [Fact]
    public void A_config_that_cannot_be_read_fails_the_task_with_the_reason()
    {
        var file = Path.Combine(_dir, "args");
        File.WriteAllText(file, $$"""{"command": "diagnose", "config": "{{_dir}}/missing.conf", "_ansible_check_mode": false}""");
        var run = NgxDoctorCli.Run(file);
        Assert.Equal(1, run.ExitCode);
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(result.GetProperty("failed").GetBoolean());
        Assert.Equal(3, result.GetProperty("exit_code").GetInt32());
        Assert.Contains("missing.conf", result.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.Equal("unknown", result.GetProperty("report").GetProperty("status").GetString());
    }

    [Fact]
    public void A_file_without_ansibles_keys_is_an_unknown_command()
    {
        var file = Path.Combine(_dir, "notes.json");
        File.WriteAllText(file, """{"command": "diagnose"}""");
        var run = NgxDoctorCli.Run(file);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("notes.json", run.Stderr, StringComparison.Ordinal);
    }
}
