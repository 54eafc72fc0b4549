using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Snapshot's Check against a host of facts: a template whose disk backs a clone's overlay is not reverted, and not
/// snapshotted with memory while it runs; a disk-only snapshot of it, or any snapshot of it shut off, is fine.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SnapshotCheckUnitTests
{
    private const string Type = "libvirt:index:Snapshot";
    private const string Pool = "/var/lib/libvirt/images";
    private const string BaseDisk = Pool + "/template-root.qcow2";
    private const string Overlay = Pool + "/web1-vda.qcow2";

    /// <summary>
    /// A template on <see cref="BaseDisk"/> and, unless told otherwise, a clone 'web1' on an overlay of it.
    /// </summary>
    private static FakeCheckHost Lab(bool withClone = true, bool templateRuns = false)
    {
        var host = new FakeCheckHost();
        host.PoolList.Add(new PoolFacts("default", Pool, Active: true));
        host.Volumes.Add(FakeCheckHost.Qcow2(BaseDisk));
        host.DomainList.Add(Machine("template", BaseDisk));
        if (templateRuns)
            host.ActiveDomains.Add("template");
        if (!withClone)
            return host;
        host.Volumes.Add(FakeCheckHost.Qcow2(Overlay, new BackingStore(BaseDisk, "qcow2")));
        host.DomainList.Add(Machine("web1", Overlay));
        return host;
    }

    private static DomainDefinition Machine(string name, string disk) =>
        new()
        {
            Name = name,
            Uuid = Guid.NewGuid().ToString(),
            Type = "qemu",
            MemoryKiB = 64 * 1024,
            Vcpus = 1,
            Disks =
            [
                new DomainDisk
                {
                    Path = disk,
                    Format = "qcow2",
                    Target = "vda",
                },
            ],
        };

    private static ObjectValue Snapshot(params (string Key, object? Value)[] more) =>
        Props.With(Props.Object(("domain", "template"), ("name", "before-class")), more);

    [Fact]
    public async Task A_change_of_restoreOn_on_a_template_whose_disk_backs_a_clone_is_refused_naming_the_clone()
    {
        var olds = Snapshot(("restoreOn", "1"));
        var (failures, _) = await CheckOnFacts.RunAsync(Lab(), Type, "s", Snapshot(("restoreOn", "2")), olds);

        var failure = Assert.Single(failures);
        Assert.Equal("restoreOn", failure.Property);
        Assert.Contains("'web1'", failure.Reason, StringComparison.Ordinal);
        Assert.Contains(Overlay, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_restoreOn_or_a_template_without_clones_is_not_refused()
    {
        var olds = Snapshot(("restoreOn", "1"));
        Assert.Empty((await CheckOnFacts.RunAsync(Lab(), Type, "s", Snapshot(("restoreOn", "1")), olds)).Failures);
        var alone = Lab(withClone: false);
        Assert.Empty((await CheckOnFacts.RunAsync(alone, Type, "s", Snapshot(("restoreOn", "2")), olds)).Failures);
    }

    [Fact]
    public async Task A_base_on_a_pool_volume_disk_is_found_through_its_pool()
    {
        var host = Lab();
        host.DomainList[0] = Machine("template", BaseDisk) with
        {
            Disks =
            [
                new DomainDisk
                {
                    PoolVolume = ("default", "template-root.qcow2"),
                    Format = "qcow2",
                    Target = "vda",
                },
            ],
        };
        var olds = Snapshot(("restoreOn", "1"));
        var (failures, _) = await CheckOnFacts.RunAsync(host, Type, "s", Snapshot(("restoreOn", "2")), olds);
        Assert.Contains("'web1'", Assert.Single(failures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memory_snapshot_of_a_running_template_with_clones_is_refused_on_memory()
    {
        var host = Lab(templateRuns: true);
        var (failures, _) = await CheckOnFacts.RunAsync(host, Type, "s", Snapshot(("memory", true)));

        var failure = Assert.Single(failures);
        Assert.Equal("memory", failure.Property);
        Assert.Contains("'web1'", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("memory: false", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_with_clones_shut_off_or_snapshotted_without_memory_is_not_refused()
    {
        Assert.Empty((await CheckOnFacts.RunAsync(Lab(), Type, "s", Snapshot(("memory", true)))).Failures);
        Assert.Empty((await CheckOnFacts.RunAsync(Lab(), Type, "s", Snapshot())).Failures);
        var running = Lab(templateRuns: true);
        Assert.Empty((await CheckOnFacts.RunAsync(running, Type, "s", Snapshot(("memory", false)))).Failures);
    }
}
