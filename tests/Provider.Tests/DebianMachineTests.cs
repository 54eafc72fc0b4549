using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The proof that a user reaches the machines of a stack: a program (Programs/debian-domains.yaml) run through the
/// built binary as `pulumi up` runs it, on the real Debian guest of tests/guest (cloud-init, sshd, the guest agent),
/// under TCG. Two Domains on overlays of one base volume, each with its own CloudInit seed, wait for their
/// addresses; web1 has a fixed address and a DNS name in lab.test, web2 the guest agent, whose addresses it waits
/// for and through which alone its guest can be shut down (its user-data makes logind ignore the power button).
/// </summary>
[Collection(DebianGuestsInTurn.Name)]
public sealed class DebianMachineTests
{
    private static readonly TimeSpan SshTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Machines_answer_ssh_at_their_ipAddress_with_their_hostname_the_fixed_one_by_name_and_agent_stops()
    {
        var stack = TestPool.UniqueName("debian");
        var subnet = TestNetworks.FreeSubnet().Replace(".0/24", "", StringComparison.Ordinal);
        using var ssh = new GuestSsh();
        var program = new ExampleProgram(
            Repository.File("tests", "Provider.Tests", "Programs", "debian-domains.yaml"),
            stack,
            new Dictionary<string, string>
            {
                ["subnet"] = subnet,
                ["imageFile"] = DebianGuest.Shared.Image,
                ["sshPublicKey"] = ssh.PublicKey,
            }
        );
        await using var session = await EngineSession.StartAsync(type: "");
        await using var run = new StackRun(session, program, stack);
        try
        {
            var created = await run.UpAsync(preview: false);
            var outputs = program.StackOutputs(created.ToDictionary(r => r.Name, r => r.Outputs));

            // The fixed address is the one web1 got, and the network's DNS answers its name with it.
            var web1 = Props.Text(outputs, "web1");
            Assert.Equal($"{subnet}.50", web1);
            Assert.Equal("web1", (await ssh.RunAsync("lab", web1, "hostname", SshTimeout)).Trim());
            var gateway = Props.Text(outputs, "gateway");
            Assert.Equal(web1, Command.Run("dig", "+short", $"@{gateway}", "web1.lab.test").Trim());

            // web2's address came from its guest agent (its wait asked only the agent), and it is where web2 answers.
            var web2 = Props.Text(outputs, "web2");
            Assert.StartsWith($"{subnet}.", web2);
            Assert.Equal("web2", (await ssh.RunAsync("lab", web2, "hostname", SshTimeout)).Trim());
            var web2Interface = Assert.Single(
                Props.Objects(created.Single(r => r.Name == "web2").Outputs, "networkInterfaces")
            );
            Assert.Contains(Props.Objects(web2Interface, "addresses"), a =>
                Props.Text(a, "address") == web2 && Props.Number(a, "prefix") == 24
            );
            // logind must have read its drop-in before the destroy: the power button is ignored from then on.
            await ssh.RunAsync(
                "lab",
                web2,
                "systemctl is-active systemd-logind && test -f /etc/systemd/logind.conf.d/ignore-power-key.conf",
                SshTimeout
            );

            await run.DestroyAsync();
            // With the power button ignored, only the agent can have shut web2 down within its shutdownTimeout. (web1
            // answers ACPI, and may be stopped by force after its 30 s on a loaded machine: that is its timeout's job.)
            Assert.DoesNotContain(session.Engine.Logs, log =>
                log.Urn.EndsWith("-web2", StringComparison.Ordinal)
                && log.Message.Contains("stopping it by force", StringComparison.Ordinal)
            );
            Assert.Contains(session.Engine.Logs, log =>
                log.Urn.EndsWith("-web2", StringComparison.Ordinal)
                && log.Message.Contains("through its guest agent", StringComparison.Ordinal)
            );
        }
        finally
        {
            await run.CleanUpAsync();
        }
    }
}
