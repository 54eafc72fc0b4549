using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>The libvirt layer on libvirt's in-memory test driver, which is enough for lookups and errors.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class LibvirtTests : IDisposable
{
    private readonly Connection _libvirt = Connection.Open("test:///default");

    public void Dispose() => _libvirt.Dispose();

    [Fact]
    public void A_failed_call_keeps_libvirts_error_code_and_message()
    {
        var error = Assert.Throws<LibvirtException>(() => _libvirt.LookupPool("no-such-pool"));
        Assert.Equal(LibvirtErrorCode.NoStoragePool, error.Code);
        Assert.Equal((int)LibvirtErrorCode.NoStoragePool, error.RawCode);
        Assert.True(error.IsNotFound);
        Assert.Contains("no-such-pool", error.Message);
    }

    [Fact]
    public void Lookups_that_find_nothing_answer_null_and_the_connection_reports_its_uri()
    {
        Assert.Equal("test:///default", _libvirt.Uri);
        Assert.Null(_libvirt.FindPool("no-such-pool"));
        Assert.Null(_libvirt.FindVolume("/no/such/volume"));
    }

    [Fact]
    public void Volumes_are_created_described_and_found_by_key_and_path()
    {
        using var pool = _libvirt.LookupPool("default-pool");
        var name = $"layer-{Guid.NewGuid():N}";
        using var created = pool.CreateVolume(new VolumeDefinition(name, 3 * MiB, "qcow2"));
        try
        {
            var description = created.Describe();
            Assert.Equal(name, description.Name);
            Assert.Equal((ulong)(3 * MiB), description.Capacity);
            Assert.Equal("qcow2", description.Format);
            using var byKey = _libvirt.FindVolume(created.Key);
            using var byPath = _libvirt.FindVolume(created.Path);
            Assert.Equal(description.Path, byKey!.Path);
            Assert.Equal(description.Key, byPath!.Key);
        }
        finally
        {
            created.Delete();
        }
    }

    [Fact]
    public void Opening_an_unreachable_uri_is_a_libvirt_error_not_a_crash()
    {
        var error = Assert.Throws<LibvirtException>(() =>
            Connection.Open("qemu+unix:///system?socket=/nonexistent/sock")
        );
        Assert.Contains("/nonexistent/sock", error.Message);
    }

    [Fact]
    public void Volume_xml_is_built_and_read_with_units_and_backing_store()
    {
        var xml = new VolumeDefinition("a", 1024, "qcow2", new BackingStore("/base.img", "raw")).ToXml();
        Assert.Equal(
            "<volume><name>a</name><capacity unit=\"bytes\">1024</capacity><allocation "
                + "unit=\"bytes\">0</allocation><target><format type=\"qcow2\" /></target>"
                + "<backingStore><path>/base.img</path><format type=\"raw\" /></backingStore></volume>",
            xml
        );
        var parsed = VolumeDescription.Parse(
            "<volume><name>a</name><key>/p/a</key><capacity unit='KiB'>2</capacity><allocation>7</allocation>"
                + "<target><path>/p/a</path><format type='qcow2'/></target><backingStore><path>/b</path><format "
                + "type='raw'/></backingStore></volume>"
        );
        Assert.Equal(
            new VolumeDescription("a", "/p/a", "/p/a", 2048, 7, "qcow2", new BackingStore("/b", "raw")),
            parsed
        );
    }
}
