using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>A Clone driven through the built binary over gRPC, as `pulumi preview/up/destroy` drive it.</summary>
public sealed class CloneProtocolTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IAsyncLifetime
{
    private readonly TestDomains _names = new();
    private EngineSession _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineSession.StartAsync("libvirt:index:Clone");

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _names.Dispose();
    }

    [Fact]
    public async Task A_clone_lives_through_preview_create_update_replace_and_delete()
    {
        var template = new TemplateDomain(pool, network, _names);
        var name = _names.Name("proto");
        var program = Props.Object(
            ("source", template.Name),
            ("name", name),
            ("mode", "linked"),
            ("shutdownTimeout", 1)
        );

        // Preview: nothing is made; what libvirt decides is unknown.
        var check = await _engine.CheckAsync("clone", program);
        Assert.Empty(check.Failures);
        var preview = await _engine.CreateAsync("clone", check.Inputs, preview: true);
        foreach (var computed in new[] { "uuid", "macs", "volumes", "state", "sourceUuid" })
            Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields[computed].StringValue);
        Assert.Null(pool.Libvirt.FindDomain(name));

        // Up: a running linked clone.
        var created = await _engine.CreateAsync("clone", check.Inputs);
        Assert.Equal("running", created.Properties.Fields["state"].StringValue);
        var overlay = created.Properties.Fields["volumes"].ListValue.Values[0].StructValue.Fields["path"].StringValue;
        Assert.NotNull(pool.Find(overlay));

        // running: false, in place.
        var stopped = await _engine.CheckAsync("clone", program.With("running", new BoolValue(false)), check.Inputs);
        var diff = await _engine.DiffAsync("clone", created.Id, created.Properties, check.Inputs, stopped.Inputs);
        Assert.Equal(["running"], diff.DetailedDiff.Keys);
        Assert.Empty(diff.Replaces);
        var updated = await _engine.UpdateAsync("clone", created.Id, created.Properties, check.Inputs, stopped.Inputs);
        Assert.Equal("shutoff", updated.Properties.Fields["state"].StringValue);
        Assert.Equal(created.Id, updated.Properties.Fields["uuid"].StringValue);

        // mode: full is a replacement: the engine creates the new clone, then deletes the old one.
        var full = await _engine.CheckAsync(
            "clone",
            program
                .With("running", new BoolValue(false))
                .With("mode", new StringValue("full"))
                .With("name", new StringValue(_names.Name("proto-full"))),
            stopped.Inputs
        );
        var replace = await _engine.DiffAsync("clone", created.Id, updated.Properties, stopped.Inputs, full.Inputs);
        Assert.Equal(["mode", "name"], replace.Replaces.Order());
        Assert.Equal(Rpc.PropertyDiff.Types.Kind.UpdateReplace, replace.DetailedDiff["mode"].Kind);
        var replacement = await _engine.CreateAsync("clone", full.Inputs);
        await _engine.DeleteAsync("clone", created.Id, updated.Properties, stopped.Inputs);
        Assert.Null(pool.Libvirt.FindDomain(created.Id));
        Assert.Null(pool.Find(overlay));
        Assert.Equal(
            "full",
            replacement.Properties.Fields["volumes"].ListValue.Values[0].StructValue.Fields["mode"].StringValue
        );

        // Destroy.
        await _engine.DeleteAsync("clone", replacement.Id, replacement.Properties, full.Inputs);
        Assert.Null(pool.Libvirt.FindDomain(replacement.Id));
        Assert.NotNull(pool.Libvirt.FindDomain(template.Uuid));
        Assert.NotNull(pool.Find(template.SystemDisk));
        Assert.Equal("", _engine.Provider.LaterStdout);
    }
}
