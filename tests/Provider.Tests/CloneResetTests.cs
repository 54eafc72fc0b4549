using System.Xml.Linq;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A change of a Clone's 'resetOn' against the real libvirtd: linked clones of a BIOS template whose disks hold
/// patterns, on a network of the Network resource (with DHCP, for a fixed address).
/// </summary>
public sealed class CloneResetTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private const byte Written = 0xab;
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly ResourceHarness _snapshots = new("libvirt:index:Snapshot");
    private readonly ResourceHarness _networks = new("libvirt:index:Network");
    private readonly TestNetworks _netNames = new();
    private readonly TestDomains _names = new();
    private readonly List<(string Domain, string Snapshot)> _taken = [];

    public void Dispose()
    {
        // A domain with snapshots cannot be undefined: drop what a failed test left before the domains go.
        foreach (var (domain, snapshot) in _taken)
            Command.Try("virsh", null, "-c", TestPool.Uri, "snapshot-delete", domain, snapshot);
        _names.Dispose();
        _netNames.Dispose();
        _snapshots.Dispose();
        _clones.Dispose();
        _networks.Dispose();
    }

    /// <summary>A network with DHCP: its name and the first three octets of its subnet.</summary>
    private async Task<(string Name, string Net)> NetworkAsync()
    {
        var (_, outputs, _) = await _networks.CreateAsync(
            Props.Object(("name", _netNames.Name("rsnet")), ("addresses", Props.Array(TestNetworks.FreeSubnet())))
        );
        return (Props.Text(outputs, "name"), Props.Texts(outputs, "gateways")[0][..^1]);
    }

    private XElement Xml(string id)
    {
        using var domain = pool.Libvirt.FindDomain(id)!;
        return XElement.Parse(domain.Xml());
    }

    private static string DiskFile(XElement domain, string target) =>
        domain
            .Element("devices")!
            .Elements("disk")
            .Single(d => d.Element("target")!.Attribute("dev")!.Value == target)
            .Element("source")!
            .Attribute("file")!
            .Value;

    private static string Mac(XElement domain) =>
        domain.Element("devices")!.Element("interface")!.Element("mac")!.Attribute("address")!.Value;

    // qemu-io exits non-zero when the pattern does not match.
    private static bool HasWritten(string disk) =>
        Command.Succeeds("qemu-io", "-f", "qcow2", "-c", $"read -P 0x{Written:x2} 0 64k", disk);

    private static string SnapshotList(string domain) =>
        Command.Run("virsh", "-c", TestPool.Uri, "snapshot-list", domain, "--name");

    [Fact]
    public async Task A_reset_makes_the_overlays_afresh_keeping_uuid_mac_and_address_and_deletes_the_snapshots()
    {
        var (network, net) = await NetworkAsync();
        var template = new TemplateDomain(pool, network, _names, uefi: false);
        var before = template.DisksChecksum();
        var name = _names.Name("reset");
        var (id, outputs, inputs) = await _clones.CreateAsync(
            Props.Object(
                ("source", template.Name),
                ("name", name),
                ("mode", "linked"),
                ("running", false),
                ("resetOn", "1"),
                ("networkInterfaces", Props.Array(Props.Object(("ip", net + "50"), ("hostname", "student1"))))
            )
        );
        var created = Xml(id);
        var overlay = DiskFile(created, "vda");
        var snapshotName = TestPool.UniqueName("class");
        _taken.Add((name, snapshotName));
        await _snapshots.CreateAsync(Props.Object(("domain", id), ("name", snapshotName)));
        Command.WritePattern(overlay, "qcow2", Written, 0, 64 * 1024);
        Assert.True(HasWritten(overlay));

        var news = Props.With(inputs, ("resetOn", "2"));
        var diff = _clones.Diff(id, outputs, inputs, news);
        Assert.Equal(["resetOn"], diff.Changed);
        Assert.Empty(diff.Replaces);
        outputs = await _clones.UpdateAsync(id, outputs, inputs, news);

        var reset = Xml(id);
        Assert.Equal(id, reset.Element("uuid")!.Value);
        Assert.Equal(name, reset.Element("name")!.Value);
        Assert.Equal(Mac(created), Mac(reset));
        using (var live = pool.Libvirt.FindNetwork(network)!)
        {
            Assert.Contains(live.Describe(persistent: false).Ips[0].Hosts, h =>
                h.Mac == Mac(reset) && h.Ip == net + "50" && h.Name == "student1"
            );
        }
        // The guest's writes are gone: the new overlay reads the template's data through, and the old file is gone.
        var fresh = DiskFile(reset, "vda");
        Assert.NotEqual(overlay, fresh);
        Assert.False(File.Exists(overlay));
        Assert.False(HasWritten(fresh));
        Assert.True(Command.HasPattern(fresh, "qcow2", TemplateDomain.SystemPattern, 0, MiB));
        Assert.Contains($"backing file: {template.SystemDisk}", Command.Run("qemu-img", "info", "-U", fresh));
        var vda = Props.Objects(outputs, "volumes").Single(v => Props.Text(v, "target") == "vda");
        Assert.Equal(fresh, Props.Text(vda, "path"));
        Assert.Equal(template.Iso, DiskFile(reset, "sda"));
        Assert.Equal(before, template.DisksChecksum());
        // The snapshot went with the old disks, and the log says so by name.
        Assert.DoesNotContain(snapshotName, SnapshotList(name), StringComparison.Ordinal);
        Assert.Contains(_clones.Log.Messages, m => m.Message.Contains(snapshotName, StringComparison.Ordinal));

        // A second reset goes back to the create's file names: the two alternate.
        var again = Props.With(news, ("resetOn", "3"));
        await _clones.UpdateAsync(id, outputs, news, again);
        Assert.Equal(overlay, DiskFile(Xml(id), "vda"));
        Assert.False(File.Exists(fresh));
        Assert.Equal(before, template.DisksChecksum());
    }

    [Fact]
    public async Task A_running_clone_is_stopped_for_its_reset_and_started_after()
    {
        var (network, _) = await NetworkAsync();
        var template = new TemplateDomain(pool, network, _names, uefi: false);
        var (id, outputs, inputs) = await _clones.CreateAsync(
            Props.Object(
                ("source", template.Name),
                ("name", _names.Name("rsrun")),
                ("mode", "linked"),
                ("shutdownTimeout", 1),
                ("resetOn", "a")
            )
        );
        using var domain = pool.Libvirt.FindDomain(id)!;
        Assert.True(domain.IsActive);
        var bootedAs = Command.Run("virsh", "-c", TestPool.Uri, "domid", id).Trim();

        await _clones.UpdateAsync(id, outputs, inputs, Props.With(inputs, ("resetOn", "b")));

        Assert.True(domain.IsActive);
        // A new domain id: the clone was stopped and started again, not left running on its old disks.
        Assert.NotEqual(bootedAs, Command.Run("virsh", "-c", TestPool.Uri, "domid", id).Trim());
        Assert.Contains(_clones.Log.Messages, m =>
            m.Message.Contains("reset and started again", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Setting_resetOn_at_create_or_changing_anything_else_resets_nothing()
    {
        var (network, _) = await NetworkAsync();
        var template = new TemplateDomain(pool, network, _names, uefi: false);
        var (id, outputs, inputs) = await _clones.CreateAsync(
            Props.Object(
                ("source", template.Name),
                ("name", _names.Name("rsnot")),
                ("mode", "linked"),
                ("running", false),
                ("resetOn", "1")
            )
        );
        var overlay = DiskFile(Xml(id), "vda");
        Command.WritePattern(overlay, "qcow2", Written, 0, 64 * 1024);

        await _clones.UpdateAsync(id, outputs, inputs, Props.With(inputs, ("description", "changed")));

        Assert.Equal(overlay, DiskFile(Xml(id), "vda"));
        Assert.True(HasWritten(overlay));
    }
}
