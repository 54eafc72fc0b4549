using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// `make up` on a fresh host installs the Pulumi CLI with Pulumi's installer when it is missing
/// (scripts/install-pulumi.sh), and lets the user's SSH key into the lab's machines (scripts/up.sh). Here the
/// installer's address is one that refuses connections, as on a machine with no network, and HOME is a folder of the
/// test's own.
/// </summary>
public sealed class MakeUpTests : IDisposable
{
    private const string Unreachable = "http://127.0.0.1:1/";
    private readonly string _home = Directory.CreateTempSubdirectory("make-up-home-").FullName;

    private (int ExitCode, string Stdout, string Stderr) InstallPulumi() =>
        Command.Try(
            Repository.File("scripts", "install-pulumi.sh"),
            new Dictionary<string, string>
            {
                ["HOME"] = _home,
                ["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin",
                ["PULUMI_INSTALL_URL"] = Unreachable,
            }
        );

    [Fact, Trait(Category.Name, Category.Unit)]
    public void Without_network_the_missing_CLI_is_a_clear_failure_that_says_what_to_do()
    {
        var (exitCode, _, stderr) = InstallPulumi();

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Could not install the Pulumi CLI from {Unreachable}", stderr);
        Assert.Contains("https://www.pulumi.com/docs/install/", stderr);
        Assert.False(File.Exists(Path.Combine(_home, ".pulumi", "bin", "pulumi")));
    }

    [Fact, Trait(Category.Name, Category.Unit)]
    public void A_CLI_already_installed_is_used_without_downloading()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_home, ".pulumi", "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "pulumi"), "#!/bin/sh\n");
        Command.Run("chmod", "+x", Path.Combine(bin, "pulumi"));

        var (exitCode, stdout, stderr) = InstallPulumi();

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(bin, stdout.Trim());
    }

    // Not a unit test: up.sh first makes sure libvirt runs, as on a fresh host.
    [Fact]
    public void Up_of_the_lab_lets_in_the_users_SSH_key_making_one_when_there_is_none()
    {
        // A Pulumi CLI that records its arguments and has no config set yet.
        var bin = Directory.CreateDirectory(Path.Combine(_home, ".pulumi", "bin")).FullName;
        var calls = Path.Combine(_home, "calls");
        File.WriteAllText(
            Path.Combine(bin, "pulumi"),
            $"#!/bin/sh\necho \"$*\" >>{calls}\n[ \"$1 $2\" != 'config get' ]\n"
        );
        Command.Run("chmod", "+x", Path.Combine(bin, "pulumi"));

        var (exitCode, stdout, stderr) = Command.Try(
            Repository.File("scripts", "up.sh"),
            new Dictionary<string, string>
            {
                ["HOME"] = _home,
                ["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin",
                ["PULUMI_BACKEND_URL"] = $"file://{_home}/state",
            },
            "up",
            Repository.File("examples", "lab")
        );

        Assert.True(exitCode == 0, stderr);
        var key = File.ReadAllText(Path.Combine(_home, ".ssh", "id_ed25519.pub")).Trim();
        Assert.StartsWith("ssh-ed25519 ", key);
        Assert.Contains($"config set sshPublicKey {key}", File.ReadAllLines(calls));
        Assert.Contains("up --yes", File.ReadAllLines(calls));
        Assert.Contains("made the SSH key", stdout);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
