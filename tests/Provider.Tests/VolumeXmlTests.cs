using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Storage volume XML in both directions, without a daemon: <see cref="VolumeDescription.Parse"/> on what
/// <c>virsh vol-dumpxml</c> prints (Fixtures/volume-*.xml), and <see cref="VolumeDefinition.ToXml"/> read back.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class VolumeXmlTests
{
    [Fact]
    public void Vol_dumpxml_of_an_overlay_gives_its_sizes_in_bytes_and_its_backing_store()
    {
        Assert.Equal(
            new VolumeDescription(
                "web-1.qcow2",
                "/var/lib/libvirt/images/web-1.qcow2",
                "/var/lib/libvirt/images/web-1.qcow2",
                Capacity: 10737418240,
                Allocation: 200704,
                "qcow2",
                new BackingStore("/var/lib/libvirt/images/base.img", "raw")
            ),
            VolumeDescription.Parse(Fixture.Text("volume-overlay.xml"))
        );
    }

    [Fact]
    public void Vol_dumpxml_of_a_plain_raw_image_gives_no_backing_store()
    {
        Assert.Equal(
            new VolumeDescription(
                "base.img",
                "/var/lib/libvirt/images/base.img",
                "/var/lib/libvirt/images/base.img",
                Capacity: 16777216,
                Allocation: 16777216,
                "raw",
                BackingStore: null
            ),
            VolumeDescription.Parse(Fixture.Text("volume-raw.xml"))
        );
    }

    [Theory]
    [InlineData("<capacity>3</capacity>", 3UL)]
    [InlineData("<capacity unit='bytes'>3</capacity>", 3UL)]
    [InlineData("<capacity unit='KB'>3</capacity>", 3_000UL)]
    [InlineData("<capacity unit='KiB'>3</capacity>", 3UL << 10)]
    [InlineData("<capacity unit='M'>3</capacity>", 3UL << 20)]
    [InlineData("<capacity unit='GB'>3</capacity>", 3_000_000_000UL)]
    [InlineData("<capacity unit='GiB'>3</capacity>", 3UL << 30)]
    [InlineData("<capacity unit='TB'>3</capacity>", 3_000_000_000_000UL)]
    [InlineData("<capacity unit='TiB'>3</capacity>", 3UL << 40)]
    public void A_capacity_in_any_unit_libvirt_accepts_is_read_in_bytes(string capacity, ulong bytes)
    {
        Assert.Equal(bytes, VolumeDescription.Parse($"<volume><name>v</name>{capacity}</volume>").Capacity);
    }

    [Fact]
    public void A_size_unit_it_does_not_know_is_an_error_naming_the_unit()
    {
        var error = Assert.Throws<FormatException>(() =>
            VolumeDescription.Parse("<volume><name>v</name><capacity unit='PiB'>1</capacity></volume>")
        );
        Assert.Contains("'PiB'", error.Message);
    }

    [Fact]
    public void An_overlay_definition_is_written_in_bytes_with_its_format_and_its_base()
    {
        var xml = XElement.Parse(
            new VolumeDefinition(
                "web-1.qcow2",
                10737418240,
                "qcow2",
                new BackingStore("/images/base.img", "raw")
            ).ToXml()
        );
        Assert.Equal("volume", xml.Name.LocalName);
        Assert.Equal("web-1.qcow2", xml.Element("name")!.Value);
        Assert.Equal("bytes", xml.Element("capacity")!.Attribute("unit")!.Value);
        Assert.Equal("10737418240", xml.Element("capacity")!.Value);
        Assert.Equal("qcow2", xml.Element("target")!.Element("format")!.Attribute("type")!.Value);
        Assert.Equal("/images/base.img", xml.Element("backingStore")!.Element("path")!.Value);
        Assert.Equal("raw", xml.Element("backingStore")!.Element("format")!.Attribute("type")!.Value);
    }

    [Fact]
    public void A_definition_without_a_base_has_no_backing_store_element()
    {
        var xml = XElement.Parse(new VolumeDefinition("data.img", Sizes.MiB, "raw").ToXml());
        Assert.Equal("raw", xml.Element("target")!.Element("format")!.Attribute("type")!.Value);
        Assert.Null(xml.Element("backingStore"));
        Assert.Equal("0", xml.Element("allocation")!.Value); // thin: libvirt would otherwise preallocate a raw file
    }
}
