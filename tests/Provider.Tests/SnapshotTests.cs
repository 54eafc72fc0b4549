using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>The Snapshot resource against the real libvirtd, on shut-off BIOS domains of type qemu.</summary>
public sealed class SnapshotTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private readonly ResourceHarness _snapshots = new("libvirt:index:Snapshot");
    private readonly TestDomains _names = new();
    private readonly List<(string Domain, string Snapshot)> _taken = [];

    public void Dispose()
    {
        // A domain with snapshots cannot be undefined: drop what a failed test left before the domains go.
        foreach (var (domain, snapshot) in _taken)
            Command.Try("virsh", null, "-c", TestPool.Uri, "snapshot-delete", domain, snapshot);
        _names.Dispose();
        _snapshots.Dispose();
    }

    /// <summary>A shut-off domain whose only disk is <paramref name="disk"/>, undefined when the test ends.</summary>
    private string Machine(string disk, string format = "qcow2")
    {
        var name = _names.Name("snap");
        using var domain = pool.Libvirt.DefineDomain($"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64'>hvm</type></os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='{format}'/><source file='{disk}'/><target dev='vda' bus='virtio'/>
                </disk>
              </devices>
            </domain>
            """);
        return name;
    }

    private async Task<(string Id, ObjectValue Outputs, ObjectValue Inputs)> Take(
        string domain, params (string Key, object? Value)[] more)
    {
        var name = TestPool.UniqueName("s");
        _taken.Add((domain, name));
        return await _snapshots.CreateAsync(Props.With(Props.Object(("domain", domain), ("name", name)), more));
    }

    private const byte Written = 0xab;

    // qemu-io exits non-zero when the pattern does not match.
    private static bool HasData(string disk) =>
        Command.Succeeds("qemu-io", "-f", "qcow2", "-c", $"read -P 0x{Written:x2} 0 64k", disk);

    private static string SnapshotList(string domain) =>
        Command.Run("virsh", "-c", TestPool.Uri, "snapshot-list", domain, "--name");

    [Fact]
    public async Task A_change_of_restoreOn_reverts_the_disk_and_delete_removes_only_the_snapshot()
    {
        var disk = pool.CreateVolume("disk", 16 * MiB, "qcow2").Path;
        var domain = Machine(disk);
        var (id, outputs, inputs) = await Take(domain, ("restoreOn", "1"));
        Assert.Equal("shutoff", Props.Text(outputs, "state"));
        Assert.Equal(["vda"], Props.Texts(outputs, "disks"));

        Command.WritePattern(disk, "qcow2", Written, 0, 65536);
        Assert.True(HasData(disk));
        var news = Props.With(inputs, ("restoreOn", "2"));
        Assert.True(_snapshots.Diff(id, outputs, inputs, news).HasChanges);
        outputs = await _snapshots.UpdateAsync(id, outputs, inputs, news);
        Assert.False(HasData(disk));

        await _snapshots.DeleteAsync(id, outputs);
        Assert.DoesNotContain(Props.Text(outputs, "name"), SnapshotList(domain), StringComparison.Ordinal);
        using var machine = pool.Libvirt.FindDomain(domain);
        Assert.NotNull(machine);
        Assert.NotNull(pool.Find(disk));
    }

    [Fact]
    public async Task Read_after_a_delete_outside_is_gone_and_import_by_domain_and_name_gives_the_inputs()
    {
        var domain = Machine(pool.CreateVolume("disk", 16 * MiB, "qcow2").Path);
        var (id, outputs, _) = await Take(domain, ("description", "before the upgrade"));
        var name = Props.Text(outputs, "name");

        var imported = await _snapshots.ReadAsync($"{domain}/{name}");
        Assert.NotNull(imported);
        Assert.Equal(id, imported.Id);
        Assert.Equal(domain, Props.Text(imported.Inputs, "domain"));
        Assert.Equal(name, Props.Text(imported.Inputs, "name"));
        Assert.Equal("before the upgrade", Props.Text(imported.Inputs, "description"));

        Command.Run("virsh", "-c", TestPool.Uri, "snapshot-delete", domain, name);
        var read = await _snapshots.ReadAsync(id, outputs);
        Assert.Null(read);
    }

    [Fact]
    public async Task Check_refuses_a_raw_writable_disk_on_domain()
    {
        var domain = Machine(pool.CreateVolume("raw", 16 * MiB, "raw").Path, "raw");
        var result = await _snapshots.CheckAsync(Props.Object(("domain", domain), ("name", "s1")));
        var failure = Assert.Single(result.Failures);
        Assert.Equal("domain", failure.Property);
        Assert.Contains("not qcow2", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revert_of_a_base_whose_disk_backs_an_overlay_is_refused_naming_it_and_the_base_is_unchanged()
    {
        var baseDisk = pool.CreateVolume("base", 16 * MiB, "qcow2").Path;
        var template = Machine(baseDisk);
        var (id, outputs, inputs) = await Take(template, ("restoreOn", "1"));
        var overlay = pool.CreateVolume("overlay", 16 * MiB, "qcow2", new BackingStore(baseDisk, "qcow2")).Path;
        var clone = Machine(overlay);
        var before = FileDigest.Sha256(baseDisk);

        var news = Props.With(inputs, ("restoreOn", "2"));
        var refused = await Assert.ThrowsAsync<ProviderException>(
            () => _snapshots.UpdateAsync(id, outputs, inputs, news));
        Assert.Contains(overlay, refused.Message, StringComparison.Ordinal);
        Assert.Contains(clone, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, FileDigest.Sha256(baseDisk));
    }
}
