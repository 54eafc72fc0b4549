using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// `make up` on a fresh host installs the Pulumi CLI with Pulumi's installer when it is missing
/// (scripts/install-pulumi.sh). Here the installer's address is one that refuses connections, as on a machine with
/// no network, and HOME is a folder of the test's own.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class MakeUpTests : IDisposable
{
    private const string Unreachable = "http://127.0.0.1:1/";
    private readonly string _home = Directory.CreateTempSubdirectory("make-up-home-").FullName;

    private (int ExitCode, string Stdout, string Stderr) InstallPulumi() =>
        Command.Try(Repository.File("scripts", "install-pulumi.sh"), new Dictionary<string, string>
        {
            ["HOME"] = _home, ["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin", ["PULUMI_INSTALL_URL"] = Unreachable,
        });

    [Fact]
    public void Without_network_the_missing_CLI_is_a_clear_failure_that_says_what_to_do()
    {
        var (exitCode, _, stderr) = InstallPulumi();

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Could not install the Pulumi CLI from {Unreachable}", stderr);
        Assert.Contains("https://www.pulumi.com/docs/install/", stderr);
        Assert.False(File.Exists(Path.Combine(_home, ".pulumi", "bin", "pulumi")));
    }

    [Fact]
    public void A_CLI_already_installed_is_used_without_downloading()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_home, ".pulumi", "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "pulumi"), "#!/bin/sh\n");
        Command.Run("chmod", "+x", Path.Combine(bin, "pulumi"));

        var (exitCode, stdout, stderr) = InstallPulumi();

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(bin, stdout.Trim());
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
