using System.Security.Cryptography;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Each example run through the built binary as `pulumi preview`, `pulumi up`, a second `pulumi up` and `pulumi
/// destroy` run it (no Pulumi CLI can be installed here): the program's own resources in their dependency order, each
/// one's inputs made from the outputs of those before it. The examples declare their own pool and network, so they
/// need nothing on the host, and destroy leaves nothing behind. The stack is named after the run, and the config
/// moves the network to a subnet and MACs of the run's own. The cloud image is the Debian guest of tests/guest, so the
/// lab's machines boot, and every ssh command the stack prints is tried.
/// </summary>
[Collection(DebianGuestsInTurn.Name)]
public sealed class ExampleRunTests
{
    [Theory]
    [InlineData("examples/lab")]
    [InlineData("examples/domain")]
    [InlineData("examples/volumes")]
    public async Task Example_previews_comes_up_stays_clean_and_destroy_leaves_nothing(string example)
    {
        var stack = TestPool.UniqueName("stack");
        var octets = RandomNumberGenerator.GetBytes(2);
        // A cloud image served here instead of the publisher's, with its checksum list: the run needs no internet.
        using var images = new TestHttpServer();
        var image = await File.ReadAllBytesAsync(DebianGuest.Shared.Image);
        using var ssh = new GuestSsh();
        var program = new ExampleProgram(
            Repository.File(example, "Pulumi.yaml"),
            stack,
            new Dictionary<string, string>
            {
                ["domainType"] = "qemu",
                ["subnet"] = TestNetworks.FreeSubnet().Replace(".0/24", "", StringComparison.Ordinal),
                ["macPrefix"] = $"52:54:00:{octets[0]:x2}:{octets[1]:x2}",
                ["imageUrl"] = images.Serve("/cloud/root.img", new TestHttpServer.Route(image)).ToString(),
                ["imageSha256Url"] = images
                    .Serve(
                        "/cloud/SHA256SUMS",
                        new TestHttpServer.Route(
                            System.Text.Encoding.ASCII.GetBytes(
                                $"{Convert.ToHexStringLower(SHA256.HashData(image))}  root.img\n"
                            )
                        )
                    )
                    .ToString(),
                ["sshPublicKey"] = ssh.PublicKey,
            }
        );
        await using var session = await EngineSession.StartAsync(type: "");
        await using var run = new StackRun(session, program, stack);
        try
        {
            // Preview: every Check passes on outputs not known yet, and nothing is made.
            var preview = await run.UpAsync(preview: true);
            foreach (var resource in preview)
                Assert.False(Exists(resource), $"the preview of {resource.Name} made nothing");

            var created = await run.UpAsync(preview: false);
            foreach (var resource in created)
                Assert.True(Exists(resource), $"{resource.Name} ({resource.Id}) exists after up");

            foreach (var (resource, diff) in await run.DiffAsync())
            {
                Assert.True(
                    diff.Changes == Rpc.DiffResponse.Types.DiffChanges.DiffNone,
                    $"the same program changes nothing in {resource}, yet: {string.Join(", ", diff.DetailedDiff.Keys)}"
                );
            }

            // Each `ssh` command the stack prints (output sshName: "ssh user@address") logs in on the machine of that
            // name, which is a machine of its own: SSH host keys that are neither the template's nor another's.
            var outputs = program.StackOutputs(created.ToDictionary(r => r.Name, r => r.Outputs)).Properties;
            var seenKeys = new List<string>(DebianGuest.Shared.TemplateHostKeys);
            foreach (var (name, command) in outputs.Where(o => o.Key.StartsWith("ssh", StringComparison.Ordinal)))
            {
                var target = ((StringValue)command).Value["ssh ".Length..].Split('@');
                var (user, address) = (target[0], target[1]);
                var hostname = await ssh.RunAsync(user, address, "hostname", TimeSpan.FromMinutes(5));
                Assert.Equal(name["ssh".Length..].ToLowerInvariant(), hostname.Trim());
                var keys = await GuestSsh.HostKeysAsync(address);
                Assert.Empty(keys.Intersect(seenKeys));
                seenKeys.AddRange(keys);
            }
            Assert.True(
                example != "examples/lab"
                    || outputs.Keys.Count(k => k.StartsWith("ssh", StringComparison.Ordinal)) == 2,
                "the lab prints an ssh command per machine"
            );

            await run.DestroyAsync();
            foreach (var resource in created)
                Assert.False(Exists(resource), $"{resource.Name} is gone after destroy");
            foreach (var pool in created.Where(r => r.Type == "libvirt:index:Pool"))
                Assert.False(
                    Directory.Exists(Props.Text(pool.Outputs, "path")),
                    "the pool's directory, made by up, is removed by destroy"
                );
        }
        finally
        {
            await run.CleanUpAsync();
        }
    }

    /// <summary>Whether libvirt has the object a resource's id names.</summary>
    private static bool Exists(StackResource resource)
    {
        if (resource.Id.Length == 0)
            return false;
        var command = resource.Type switch
        {
            "libvirt:index:Pool" => "pool-info",
            "libvirt:index:Network" => "net-info",
            "libvirt:index:Volume" or "libvirt:index:CloudInit" => "vol-info",
            _ => "dominfo",
        };
        return Command.Succeeds("virsh", "-c", TestPool.Uri, command, resource.Id);
    }
}
