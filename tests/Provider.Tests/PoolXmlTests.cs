using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Storage pool XML in both directions, without a daemon: <see cref="PoolXml.Parse"/> on what <c>virsh pool-dumpxml</c>
/// prints (Fixtures/pool-dir.xml), and <see cref="PoolXml.Directory"/> read back.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class PoolXmlTests
{
    [Fact]
    public void Pool_dumpxml_of_a_directory_pool_gives_its_name_uuid_type_and_folder()
    {
        Assert.Equal(
            ("images", "1909b3b4-02f3-4f6e-aa55-efd2df371e90", "dir", "/var/lib/libvirt/images"),
            PoolXml.Parse(Fixture.Text("pool-dir.xml"))
        );
    }

    [Fact]
    public void A_directory_pool_with_a_mode_reads_back_as_built_and_asks_for_that_mode()
    {
        var xml = PoolXml.Directory("lab", "/srv/pools/lab", "0755");
        Assert.Equal(("lab", "", "dir", "/srv/pools/lab"), PoolXml.Parse(xml));
        Assert.Equal("0755", XElement.Parse(xml).Element("target")!.Element("permissions")!.Element("mode")!.Value);
    }

    [Fact]
    public void A_directory_pool_without_a_mode_leaves_the_permissions_to_libvirt()
    {
        var xml = PoolXml.Directory("lab", "/srv/pools/lab");
        Assert.Null(XElement.Parse(xml).Element("target")!.Element("permissions"));
        Assert.Equal("/srv/pools/lab", PoolXml.Parse(xml).Path);
    }

    [Fact]
    public void A_pool_of_another_type_reads_as_that_type()
    {
        const string Logical =
            "<pool type='logical'><name>vg0</name><uuid>0f0e0d0c-0b0a-0908-0706-050403020100</uuid>"
            + "<source><name>vg0</name><format type='lvm2'/></source><target><path>/dev/vg0</path></target></pool>";
        Assert.Equal(("vg0", "0f0e0d0c-0b0a-0908-0706-050403020100", "logical", "/dev/vg0"), PoolXml.Parse(Logical));
    }
}
