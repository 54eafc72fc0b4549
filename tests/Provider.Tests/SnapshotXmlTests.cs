using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The snapshot XML the provider writes and reads, without a daemon.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SnapshotXmlTests
{
    [Fact]
    public void A_disk_only_request_asks_for_no_memory_and_keeps_the_description()
    {
        var xml = SnapshotDescription.Request("before-lab", "class 3", memory: false);
        Assert.Contains("<memory snapshot=\"no\" />", xml);
        Assert.Contains("<description>class 3</description>", xml);
    }

    [Fact]
    public void Parsing_reads_the_time_the_state_and_the_internal_disks()
    {
        var described = SnapshotDescription.Parse(
            """
            <domainsnapshot><name>s1</name><state>shutoff</state><creationTime>1700000000</creationTime>
            <memory snapshot='no'/><disks><disk name='vda' snapshot='internal'/><disk name='sda' snapshot='no'/></disks>
            </domainsnapshot>
            """
        );
        Assert.Equal(("s1", "shutoff", false), (described.Name, described.State, described.Memory));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), described.CreatedAt);
        Assert.Equal(["vda"], described.Disks);
    }

    [Fact]
    public void A_new_description_replaces_the_old_one()
    {
        var xml = SnapshotDescription.WithDescription(
            "<domainsnapshot><name>s1</name><description>old</description></domainsnapshot>",
            "new"
        );
        Assert.Equal("new", SnapshotDescription.Parse(xml).Description);
    }
}
