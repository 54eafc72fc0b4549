using System.Globalization;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The Snapshot resource against the real libvirtd, on BIOS domains of type qemu: shut off, running in their firmware
/// (an empty disk), or the test guest running from its initramfs.
/// </summary>
public sealed partial class SnapshotTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan GuestLimit = TimeSpan.FromMinutes(5);
    private readonly ResourceHarness _snapshots = new("libvirt:index:Snapshot");
    private readonly ResourceHarness _networks = new("libvirt:index:Network");
    private readonly TestDomains _names = new();
    private readonly TestNetworks _networkNames = new();
    private readonly List<(string Domain, string Snapshot)> _taken = [];

    public void Dispose()
    {
        // A domain with snapshots cannot be undefined: drop what a failed test left before the domains go.
        foreach (var (domain, snapshot) in _taken)
            Command.Try("virsh", null, "-c", TestPool.Uri, "snapshot-delete", domain, snapshot);
        _names.Dispose();
        _networkNames.Dispose();
        _snapshots.Dispose();
        _networks.Dispose();
    }

    /// <summary>A shut-off domain whose only disk is <paramref name="disk"/>, undefined when the test ends.</summary>
    private string Machine(string disk, string format = "qcow2")
    {
        var name = _names.Name("snap");
        using var domain = pool.Libvirt.DefineDomain(
            $"""
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
            """
        );
        return name;
    }

    private async Task<(string Id, ObjectValue Outputs, ObjectValue Inputs)> Take(
        string domain,
        params (string Key, object? Value)[] more
    )
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
        var refused = await Assert.ThrowsAsync<ProviderException>(() =>
            _snapshots.UpdateAsync(id, outputs, inputs, news)
        );
        Assert.Contains(overlay, refused.Message, StringComparison.Ordinal);
        Assert.Contains(clone, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, FileDigest.Sha256(baseDisk));
    }

    [Fact]
    public async Task Check_refuses_a_restoreOn_change_of_a_base_and_a_memory_snapshot_of_it_running_naming_the_clone()
    {
        var baseDisk = pool.CreateVolume("base", 16 * MiB, "qcow2").Path;
        var template = Machine(baseDisk);
        var (_, _, inputs) = await Take(template, ("restoreOn", "1"));
        var overlay = pool.CreateVolume("overlay", 16 * MiB, "qcow2", new BackingStore(baseDisk, "qcow2")).Path;
        var clone = Machine(overlay);

        var revert = await _snapshots.CheckAsync(Props.With(inputs, ("restoreOn", "2")), inputs);
        var refused = Assert.Single(revert.Failures);
        Assert.Equal("restoreOn", refused.Property);
        Assert.Contains(clone, refused.Reason, StringComparison.Ordinal);

        // It boots nothing (its disk is empty): it runs in the firmware, which is all a memory snapshot needs.
        using (var domain = pool.Libvirt.FindDomain(template)!)
            domain.Start();
        var memory = await _snapshots.CheckAsync(
            Props.Object(("domain", template), ("name", TestPool.UniqueName("m")), ("memory", true))
        );
        refused = Assert.Single(memory.Failures);
        Assert.Equal("memory", refused.Property);
        Assert.Contains(clone, refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_machine_reverted_to_a_disk_only_snapshot_runs_again_on_the_reverted_disk()
    {
        var disk = pool.CreateVolume("disk", 16 * MiB, "qcow2").Path;
        var domain = Machine(disk);
        var (id, outputs, inputs) = await Take(domain, ("restoreOn", "1"));
        Command.WritePattern(disk, "qcow2", Written, 0, 65536);
        using var machine = pool.Libvirt.FindDomain(domain)!;
        machine.Start();

        outputs = await _snapshots.UpdateAsync(id, outputs, inputs, Props.With(inputs, ("restoreOn", "2")));
        Assert.True(machine.IsActive);
        // The running machine holds the disk: read it shared, read-only.
        Assert.False(
            Command.Succeeds("qemu-io", "-U", "-r", "-f", "qcow2", "-c", $"read -P 0x{Written:x2} 0 64k", disk)
        );
        Assert.Contains(_snapshots.Log.Messages, m =>
            m.Message.Contains(
                "discarded the disks' changes and the running guest's memory since then; it is running, booted afresh",
                StringComparison.Ordinal
            )
        );
        Assert.Equal("shutoff", Props.Text(outputs, "state"));
    }

    [GeneratedRegex(@"^GUEST ping=(?:ok|fail) (\d+)", RegexOptions.Multiline)]
    private static partial Regex PingLine();

    private static List<int> Pings(string text) =>
        [.. PingLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static async Task<string> ConsoleAfterAsync(string log, int from, Func<List<int>, bool> enough, string what)
    {
        var deadline = DateTime.UtcNow + GuestLimit;
        while (DateTime.UtcNow < deadline)
        {
            // A qemu started anew truncates its console file: then all of it is new.
            var text = File.Exists(log) ? File.ReadAllText(log) : "";
            var after = text.Length >= from ? text[from..] : text;
            if (enough(Pings(after)))
                return after;
            await Task.Delay(1000);
        }
        throw new Xunit.Sdk.XunitException($"{what} did not happen within {GuestLimit.TotalMinutes} min (see {log})");
    }

    [Fact]
    public async Task A_running_guest_snapshotted_with_memory_comes_back_running_and_resumes_instead_of_booting()
    {
        // The test guest in guest.net=dhcp mode counts its pings of the gateway on the console for ever: a guest
        // that resumes goes on counting from the snapshot, one that boots takes a lease and starts again at 1.
        var guest = TestGuest.Shared;
        var (_, network, _) = await _networks.CreateAsync(
            Props.Object(("name", _networkNames.Name("snapnet")), ("addresses", Props.Array(TestNetworks.FreeSubnet())))
        );
        var name = _names.Name("snapguest");
        var log = Path.Combine(pool.Path, $"{name}-console.log");
        using var machine = pool.Libvirt.DefineDomain(
            new DomainDefinition
            {
                Name = name,
                Type = "qemu",
                MemoryKiB = 256 * 1024,
                Kernel = guest.Kernel,
                Initrd = guest.Initrd,
                Cmdline = $"{guest.Cmdline} guest.net=dhcp",
                // Unused by the guest: internal snapshots keep the memory in a qcow2 disk.
                Disks =
                [
                    new DomainDisk
                    {
                        Path = pool.CreateVolume("state", 16 * MiB, "qcow2").Path,
                        Format = "qcow2",
                        Target = "vda",
                    },
                ],
                Interfaces = [new DomainInterface { Network = Props.Text(network, "name") }],
                Console = new DomainConsole("file", log),
            }
        );
        machine.Start();
        await ConsoleAfterAsync(log, 0, pings => pings.Count >= 3, "the guest's first pings");

        var (id, outputs, inputs) = await Take(name, ("memory", true), ("restoreOn", "1"));
        Assert.Equal("running", Props.Text(outputs, "state"));
        var atSnapshot = Pings(File.ReadAllText(log)).Max();
        await ConsoleAfterAsync(log, 0, pings => pings.Max() >= atSnapshot + 5, "five pings after the snapshot");
        var before = File.ReadAllText(log);

        await _snapshots.UpdateAsync(id, outputs, inputs, Props.With(inputs, ("restoreOn", "2")));
        Assert.True(machine.IsActive);
        var after = await ConsoleAfterAsync(log, before.Length, pings => pings.Count >= 2, "pings after the revert");
        Assert.DoesNotContain("GUEST ip=", after, StringComparison.Ordinal);
        var resumedAt = Pings(after)[0];
        Assert.InRange(resumedAt, 2, atSnapshot + 1);
        Assert.True(resumedAt < Pings(before).Max(), $"resumed at ping {resumedAt}, after {Pings(before).Max()}");
        Assert.Contains(_snapshots.Log.Messages, m =>
            m.Message.Contains("it is running, resumed from the snapshot's memory", StringComparison.Ordinal)
        );
    }
}
