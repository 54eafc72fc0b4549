using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A change of a Clone's 'resetOn' against a host of facts: refused on 'resetOn' while the source runs (the reset
/// would stop the clone and then fail to make its disks again), accepted when the source is shut off or when
/// 'resetOn' stays as it was.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CloneResetCheckUnitTests
{
    private const string Type = "libvirt:index:Clone";
    private const string BaseDisk = "/var/lib/libvirt/images/template-root.qcow2";

    private static FakeCheckHost Lab(bool templateRuns)
    {
        var host = new FakeCheckHost();
        host.PoolList.Add(new PoolFacts("default", "/var/lib/libvirt/images", Active: true));
        host.Volumes.Add(FakeCheckHost.Qcow2(BaseDisk));
        host.DomainList.Add(
            new DomainDefinition
            {
                Name = "template",
                Uuid = Guid.NewGuid().ToString(),
                Type = "qemu",
                MemoryKiB = 64 * 1024,
                Vcpus = 1,
                Disks =
                [
                    new DomainDisk
                    {
                        Path = BaseDisk,
                        Format = "qcow2",
                        Target = "vda",
                    },
                ],
            }
        );
        if (templateRuns)
            host.ActiveDomains.Add("template");
        return host;
    }

    private static ObjectValue Clone(string resetOn) =>
        Props.Object(("name", "web1"), ("source", "template"), ("running", false), ("resetOn", resetOn));

    [Fact]
    public async Task A_change_of_resetOn_while_the_source_runs_is_refused_on_resetOn()
    {
        var (failures, _) = await CheckOnFacts.RunAsync(Lab(templateRuns: true), Type, "c", Clone("2"), Clone("1"));

        var failure = Assert.Single(failures);
        Assert.Equal("resetOn", failure.Property);
        Assert.Contains("'template' is running", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("virsh shutdown template", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_of_resetOn_with_the_source_shut_off_or_the_same_resetOn_is_not_refused()
    {
        Assert.Empty(
            (await CheckOnFacts.RunAsync(Lab(templateRuns: false), Type, "c", Clone("2"), Clone("1"))).Failures
        );
        Assert.Empty(
            (await CheckOnFacts.RunAsync(Lab(templateRuns: true), Type, "c", Clone("1"), Clone("1"))).Failures
        );
    }
}
