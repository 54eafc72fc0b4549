using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// examples/two-hosts run through the built binary as the engine runs it: its two explicit providers (qemu:///system
/// and the second libvirtd over SSH) are two provider processes, each configured with its own provider resource's
/// inputs, and every resource goes to the process of the provider its options name. No machine boots (the example's
/// machines never run), so the run is short.
/// </summary>
[Collection(OverSsh.Name)]
public sealed class TwoHostsExampleTests(SshHosts hosts)
{
    [Fact]
    public async Task Two_providers_in_one_stack_make_each_hosts_objects_there_a_second_up_changes_nothing_destroy_all()
    {
        var stack = TestPool.UniqueName("twohosts");
        // The hosts' networks are apart (the second host has a network stack of its own), so one subnet serves both.
        var subnet = TestNetworks.FreeSubnet().Replace(".0/24", "", StringComparison.Ordinal);
        var poolPath = $"/var/lib/libvirt/{TestPool.UniqueName("twohosts")}";
        var program = new ExampleProgram(
            Repository.File("examples", "two-hosts", "Pulumi.yaml"),
            stack,
            new Dictionary<string, string>
            {
                ["secondUri"] = hosts.SecondUri,
                ["domainType"] = "qemu",
                ["firstSubnet"] = subnet,
                ["secondSubnet"] = subnet,
                ["poolPath"] = poolPath,
            }
        );
        await using var session = await EngineSession.StartAsync(type: "");
        await using var run = new StackRun(session, program, stack);
        var uris = new Dictionary<string, string> { ["first"] = TestPool.Uri, ["second"] = hosts.SecondVirshUri };
        try
        {
            var preview = await run.UpAsync(preview: true);
            Assert.Equal(2, preview.Count(r => r.Type == StackRun.ProviderType));
            Assert.NotEqual((await run.ProviderOf("first")).ProcessId, (await run.ProviderOf("second")).ProcessId);
            foreach (var resource in preview.Where(r => r.Type != StackRun.ProviderType))
                Assert.True(
                    resource.Id.Length == 0
                        || !Exists(resource, TestPool.Uri) && !Exists(resource, hosts.SecondVirshUri),
                    $"the preview of {resource.Name} made nothing"
                );

            var created = (await run.UpAsync(preview: false)).Where(r => r.Type != StackRun.ProviderType).ToList();
            Assert.Equal(12, created.Count);
            foreach (var resource in created)
            {
                var provider = program.Resources[resource.Name].Provider!;
                var other = uris.Single(u => u.Key != provider).Value;
                Assert.True(
                    Exists(resource, uris[provider]),
                    $"{resource.Name} ({resource.Id}) is on the {provider} host"
                );
                Assert.False(Exists(resource, other), $"{resource.Name} ({resource.Id}) is not on the other host");
            }
            // The pools' folder is the same path on both hosts, yet two folders: the second host's is in its namespace.
            Assert.True(Directory.Exists(poolPath));
            Assert.True(Directory.Exists(Path.Combine(hosts.SecondRoot, "lib", Path.GetFileName(poolPath))));

            foreach (var (resource, diff) in await run.DiffAsync())
            {
                Assert.True(
                    diff.Changes == Rpc.DiffResponse.Types.DiffChanges.DiffNone,
                    $"the same program changes nothing in {resource}, yet: "
                        + $"{string.Join(", ", diff.DetailedDiff.Keys)} {string.Join(", ", diff.Diffs)}"
                );
            }

            await run.DestroyAsync();
            foreach (var resource in created)
            {
                Assert.False(
                    Exists(resource, TestPool.Uri),
                    $"{resource.Name} is gone from the first host after destroy"
                );
                Assert.False(
                    Exists(resource, hosts.SecondVirshUri),
                    $"{resource.Name} is gone from the second host after destroy"
                );
            }
            Assert.False(Directory.Exists(poolPath), "the first host's pool folder, made by up, is removed by destroy");
            // The provider never claims a remote folder as its own (it cannot see it), so the second host keeps it,
            // empty.
            Assert.Empty(
                Directory.GetFileSystemEntries(Path.Combine(hosts.SecondRoot, "lib", Path.GetFileName(poolPath)))
            );
        }
        finally
        {
            await run.CleanUpAsync();
        }
    }

    /// <summary>Whether the libvirt at <paramref name="uri"/> has the object a resource's id names.</summary>
    private static bool Exists(StackResource resource, string uri)
    {
        var command = resource.Type switch
        {
            "libvirt:index:Pool" => "pool-info",
            "libvirt:index:Network" => "net-info",
            "libvirt:index:Volume" => "vol-info",
            _ => "dominfo",
        };
        return Command.Succeeds("virsh", "-c", uri, command, resource.Id);
    }
}
