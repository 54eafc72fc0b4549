using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>A Domain driven through the built binary over gRPC, as `pulumi preview/up/destroy` drive it.</summary>
public sealed class DomainProtocolTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IAsyncLifetime
{
    private readonly TestDomains _names = new();
    private EngineSession _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineSession.StartAsync("libvirt:index:Domain");

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _names.Dispose();
    }

    [Fact]
    public async Task A_domain_lives_through_preview_create_update_and_delete()
    {
        var disk = pool.CreateVolume("disk", 4 * MiB);
        var name = _names.Name("proto");
        var program = Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 64),
            ("shutdownTimeout", 1),
            ("disks", Props.Array(Props.Object(("volume", disk.Key)))),
            ("networkInterfaces", Props.Array(Props.Object(("network", network.Name))))
        );

        // Preview: nothing is defined; what libvirt decides is unknown.
        var check = await _engine.CheckAsync("vm", program);
        Assert.Empty(check.Failures);
        var preview = await _engine.CreateAsync("vm", check.Inputs, preview: true);
        Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields["uuid"].StringValue);
        Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields["macs"].StringValue);
        Assert.Null(pool.Libvirt.FindDomain(name));

        // Up.
        var created = await _engine.CreateAsync("vm", check.Inputs);
        using (var domain = pool.Libvirt.FindDomain(created.Id)!)
        {
            Assert.True(domain.IsActive);
            Assert.Equal(name, domain.Name);
        }
        var mac = created.Properties.Fields["macs"].ListValue.Values.Single().StringValue;

        // The same program again: no diff, the MAC stays.
        var again = await _engine.CheckAsync("vm", program, check.Inputs);
        var same = await _engine.DiffAsync("vm", created.Id, created.Properties, check.Inputs, again.Inputs);
        Assert.Equal(Rpc.DiffResponse.Types.DiffChanges.DiffNone, same.Changes);

        // Stop it: an in-place update, previewed first.
        var stopped = await _engine.CheckAsync("vm", program.With("running", new BoolValue(false)), check.Inputs);
        var diff = await _engine.DiffAsync("vm", created.Id, created.Properties, check.Inputs, stopped.Inputs);
        Assert.Equal(Rpc.DiffResponse.Types.DiffChanges.DiffSome, diff.Changes);
        Assert.Equal(["running"], diff.DetailedDiff.Keys);
        Assert.Empty(diff.Replaces);
        var previewUpdate = await _engine.UpdateAsync(
            "vm",
            created.Id,
            created.Properties,
            check.Inputs,
            stopped.Inputs,
            preview: true
        );
        Assert.False(previewUpdate.Properties.Fields["running"].BoolValue);
        using (var domain = pool.Libvirt.FindDomain(created.Id)!)
            Assert.True(domain.IsActive);
        var updated = await _engine.UpdateAsync("vm", created.Id, created.Properties, check.Inputs, stopped.Inputs);
        Assert.Equal("shutoff", updated.Properties.Fields["state"].StringValue);
        Assert.Equal(mac, updated.Properties.Fields["macs"].ListValue.Values.Single().StringValue);

        // A new name: a replacement.
        var renamed = await _engine.CheckAsync(
            "vm",
            program.With("name", new StringValue(_names.Name("renamed"))),
            stopped.Inputs
        );
        var replace = await _engine.DiffAsync("vm", created.Id, updated.Properties, stopped.Inputs, renamed.Inputs);
        Assert.Equal(["name"], replace.Replaces);
        Assert.Equal(Rpc.PropertyDiff.Types.Kind.UpdateReplace, replace.DetailedDiff["name"].Kind);

        // Destroy; a refresh then sees it gone, and the disk is still there.
        await _engine.DeleteAsync("vm", created.Id, updated.Properties, stopped.Inputs);
        Assert.Null(pool.Libvirt.FindDomain(created.Id));
        Assert.NotNull(pool.Find(disk.Key));
        var gone = await _engine.ReadAsync("vm", created.Id, updated.Properties, stopped.Inputs);
        Assert.Equal("", gone.Id);
        Assert.Equal("", _engine.Provider.LaterStdout);
    }
}
