using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>A Clone with an identity through the built binary, as the engine drives it.</summary>
public sealed class IdentityProtocolTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private readonly TestDomains _names = new();

    public void Dispose() => _names.Dispose();

    private Task<string> TemplateAsync()
    {
        var guest = TestGuest.Shared;
        var name = _names.Name("tmpl");
        var rootDisk = guest.CopyRootInto(pool, name);
        using var domain = pool.Libvirt.DefineDomain(
            new Libvirt.DomainDefinition
            {
                Name = name,
                Type = "qemu",
                MemoryKiB = 256 * 1024,
                Kernel = guest.Kernel,
                Initrd = guest.Initrd,
                Cmdline = guest.Cmdline,
                Disks =
                [
                    new Libvirt.DomainDisk
                    {
                        Path = rootDisk,
                        Format = "raw",
                        Target = "vda",
                    },
                ],
                Interfaces = [new Libvirt.DomainInterface { Network = network.Name }],
            }
        );
        return Task.FromResult(name);
    }

    [Fact]
    public async Task A_clone_with_an_identity_is_created_with_its_host_keys_and_deleted_as_the_engine_would()
    {
        await using var engine = await EngineSession.StartAsync("libvirt:index:Clone");
        var template = await TemplateAsync();
        var name = _names.Name("proto-id");
        var program = Props.Object(
            ("source", template),
            ("name", name),
            ("mode", "linked"),
            ("running", false),
            ("identity", Props.Object(("hostname", "proto-host")))
        );

        var check = await engine.CheckAsync("clone", program);
        Assert.Empty(check.Failures);
        var preview = await engine.CreateAsync("clone", check.Inputs, preview: true);
        Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields["identity"].StringValue);

        var created = await engine.CreateAsync("clone", check.Inputs);
        var identity = created.Properties.Fields["identity"].StructValue.Fields;
        Assert.Equal("proto-host", identity["hostname"].StringValue);
        Assert.Equal(3, identity["sshHostKeys"].ListValue.Values.Count);
        Assert.Contains(engine.Engine.Logs, log =>
            log.Urn == engine.Urn("clone") && log.Message.Contains($"Clone '{name}': virt-sysprep")
        );

        // A new hostname is a new machine: a replacement.
        var renamed = await engine.CheckAsync(
            "clone",
            program.With("identity", Props.Object(("hostname", "other-host"))),
            check.Inputs
        );
        var diff = await engine.DiffAsync("clone", created.Id, created.Properties, check.Inputs, renamed.Inputs);
        Assert.Equal(["identity"], diff.Replaces);

        await engine.DeleteAsync("clone", created.Id, created.Properties, check.Inputs);
        Assert.Null(pool.Libvirt.FindDomain(name));
        Assert.Null(pool.Find(Path.Combine(pool.Path, $"{name}-vda.qcow2")));
    }

    [Fact]
    public async Task Without_libguestfs_identity_is_a_check_failure_saying_what_to_install()
    {
        await using var engine = await EngineSession.StartAsync(
            "libvirt:index:Clone",
            new Dictionary<string, string> { ["PATH"] = "/nonexistent" }
        );
        var template = await TemplateAsync();
        var check = await engine.CheckAsync("clone", Props.Object(("source", template), ("identity", Props.Object())));
        var failure = Assert.Single(check.Failures);
        Assert.Equal("identity", failure.Property);
        Assert.Contains("apt-get install libguestfs-tools", failure.Reason);
    }
}
