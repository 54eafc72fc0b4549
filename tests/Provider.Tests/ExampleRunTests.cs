using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Resources.Framework;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Each example run through the built binary as `pulumi preview`, `pulumi up`, a second `pulumi up` and `pulumi
/// destroy` run it (no Pulumi CLI can be installed here): the program's own resources in their dependency order, each
/// one's inputs made from the outputs of those before it. The examples declare their own pool and network, so they
/// need nothing on the host, and destroy leaves nothing behind. The stack is named after the run, and the config
/// moves the network to a subnet and MACs of the run's own.
/// </summary>
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
        // A base image served here instead of the publisher's, with its checksum list: the run needs no internet.
        using var images = new TestHttpServer();
        var image = await File.ReadAllBytesAsync(TestGuest.Shared.RootImage);
        var program = new ExampleProgram(Repository.File(example, "Pulumi.yaml"), stack, new Dictionary<string, string>
        {
            ["domainType"] = "qemu",
            ["subnet"] = TestNetworks.FreeSubnet().Replace(".0/24", "", StringComparison.Ordinal),
            ["macPrefix"] = $"52:54:00:{octets[0]:x2}:{octets[1]:x2}",
            ["imageUrl"] = images.Serve("/cloud/root.img", new TestHttpServer.Route(image)).ToString(),
            ["imageSha256Url"] = images.Serve("/cloud/SHA256SUMS", new TestHttpServer.Route(
                System.Text.Encoding.ASCII.GetBytes($"{Convert.ToHexStringLower(SHA256.HashData(image))}  root.img\n"))).ToString(),
        });
        await using var session = await EngineSession.StartAsync(type: "");
        var run = new StackRun(session.Provider, program, stack);
        try
        {
            // Preview: every Check passes on outputs not known yet, and nothing is made.
            var preview = await run.UpAsync(preview: true);
            foreach (var resource in preview) Assert.False(Exists(resource), $"the preview of {resource.Name} made nothing");

            var created = await run.UpAsync(preview: false);
            foreach (var resource in created) Assert.True(Exists(resource), $"{resource.Name} ({resource.Id}) exists after up");

            foreach (var (resource, diff) in await run.DiffAsync())
            {
                Assert.True(diff.Changes == Rpc.DiffResponse.Types.DiffChanges.DiffNone,
                    $"the same program changes nothing in {resource}, yet: {string.Join(", ", diff.DetailedDiff.Keys)}");
            }

            await run.DestroyAsync();
            foreach (var resource in created) Assert.False(Exists(resource), $"{resource.Name} is gone after destroy");
            foreach (var pool in created.Where(r => r.Type == "libvirt:index:Pool"))
                Assert.False(Directory.Exists(Props.Text(pool.Outputs, "path")), "the pool's directory, made by up, is removed by destroy");
        }
        finally
        {
            await run.CleanUpAsync();
        }
    }

    /// <summary>Whether libvirt has the object a resource's id names.</summary>
    private static bool Exists(StackResource resource)
    {
        if (resource.Id.Length == 0) return false;
        var command = resource.Type switch
        {
            "libvirt:index:Pool" => "pool-info",
            "libvirt:index:Network" => "net-info",
            "libvirt:index:Volume" => "vol-info",
            _ => "dominfo",
        };
        return Command.Succeeds("virsh", "-c", TestPool.Uri, command, resource.Id);
    }

    /// <summary>One resource of a stack as the engine keeps it.</summary>
    private sealed record StackResource(string Name, string Type, string Urn, string Id, Struct Inputs, ObjectValue Outputs);

    /// <summary>The engine's steps for a whole program, on one provider process.</summary>
    private sealed class StackRun(ProviderProcess provider, ExampleProgram program, string stack)
    {
        private readonly List<StackResource> _created = [];

        /// <summary>Check then Create (a preview's or a real one) of every resource, in dependency order.</summary>
        public async Task<IReadOnlyList<StackResource>> UpAsync(bool preview)
        {
            var outputs = new Dictionary<string, ObjectValue>();
            var made = new List<StackResource>();
            foreach (var resource in program.InDependencyOrder())
            {
                var urn = $"urn:pulumi:{stack}::{program.Project}::{resource.Type}::{stack}-{resource.Name}";
                var news = PropertyStruct.Encode(program.Inputs(resource, outputs));
                var check = await provider.CallAsync<Rpc.CheckResponse>("Check", new Rpc.CheckRequest
                {
                    Urn = urn, Type = resource.Type, Name = $"{stack}-{resource.Name}", News = news, Olds = new Struct(),
                    RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
                });
                Assert.True(check.Failures.Count == 0, $"{resource.Name} fails Check ({(preview ? "preview" : "up")}): {check.Failures}");
                var create = await provider.CallAsync<Rpc.CreateResponse>("Create", new Rpc.CreateRequest
                {
                    Urn = urn, Type = resource.Type, Properties = check.Inputs, Preview = preview,
                });
                var state = new StackResource(resource.Name, resource.Type, urn, create.Id, check.Inputs, PropertyStruct.Decode(create.Properties));
                outputs[resource.Name] = state.Outputs;
                made.Add(state);
                if (!preview) _created.Add(state);
            }
            return made;
        }

        /// <summary>The second `pulumi up` with the same program: Check with the old inputs, then Diff, for each.</summary>
        public async Task<IReadOnlyList<(string Resource, Rpc.DiffResponse Diff)>> DiffAsync()
        {
            var outputs = _created.ToDictionary(r => r.Name, r => r.Outputs);
            var diffs = new List<(string, Rpc.DiffResponse)>();
            foreach (var resource in _created)
            {
                var news = PropertyStruct.Encode(program.Inputs(program.Resources[resource.Name], outputs));
                var check = await provider.CallAsync<Rpc.CheckResponse>("Check", new Rpc.CheckRequest
                {
                    Urn = resource.Urn, Type = resource.Type, Name = $"{stack}-{resource.Name}", News = news, Olds = resource.Inputs,
                    RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
                });
                Assert.True(check.Failures.Count == 0, $"{resource.Name} fails Check on the second up: {check.Failures}");
                diffs.Add((resource.Name, await provider.CallAsync<Rpc.DiffResponse>("Diff", new Rpc.DiffRequest
                {
                    Id = resource.Id, Urn = resource.Urn, Type = resource.Type, Olds = PropertyStruct.Encode(resource.Outputs),
                    OldInputs = resource.Inputs, News = check.Inputs,
                })));
            }
            return diffs;
        }

        /// <summary>Delete of every created resource, dependents first.</summary>
        public async Task DestroyAsync()
        {
            while (_created.Count > 0)
            {
                await DeleteAsync(_created[^1]);
                _created.RemoveAt(_created.Count - 1);
            }
        }

        /// <summary>After a failed test: deletes what is left, each as far as it goes.</summary>
        public async Task CleanUpAsync()
        {
            foreach (var resource in Enumerable.Reverse(_created))
            {
                try { await DeleteAsync(resource); }
                catch (RpcException) { }
            }
        }

        private Task DeleteAsync(StackResource resource) => provider.CallAsync<Empty>("Delete", new Rpc.DeleteRequest
        {
            Id = resource.Id, Urn = resource.Urn, Type = resource.Type, Properties = PropertyStruct.Encode(resource.Outputs),
            OldInputs = resource.Inputs,
        });
    }
}
