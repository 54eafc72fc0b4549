using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>A template's domain XML in, its clone's XML out, without libvirt.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CloneXmlTests
{
    private const string SourceUuid = "9a1d6c4e-5b0f-4e0a-8a43-0d2f4b0b6f11";

    /// <summary>
    /// A UEFI template with two disks (one a pool volume), a CD-ROM, a NIC, a fixed VNC port and file-backed logs.
    /// </summary>
    private static readonly string Template = Fixture.Text("domain-clone-template.xml");

    private static CloneChanges Changes(IReadOnlyDictionary<string, ClonedDisk?>? disks = null) =>
        new()
        {
            Name = "web-1",
            Uuid = "11111111-2222-3333-4444-555555555555",
            SourceUuid = SourceUuid,
            Owner = "urn:pulumi:dev::lab::libvirt:index:Clone::web-1",
            Macs = ["52:54:00:01:02:03"],
            Disks = disks ?? new Dictionary<string, ClonedDisk?> { ["vda"] = new("/pool/web-1-vda.qcow2", "qcow2") },
            NvramPath = "/var/lib/libvirt/qemu/nvram/web-1_VARS.fd",
        };

    private static XElement Clone(CloneChanges changes) => XElement.Parse(CloneXml.Make(Template, changes));

    [Fact]
    public void A_clone_has_its_own_name_uuid_smbios_uuid_macs_nvram_and_owner_and_notes_its_source()
    {
        var clone = Clone(Changes());
        Assert.Equal("web-1", clone.Element("name")!.Value);
        Assert.Equal("11111111-2222-3333-4444-555555555555", clone.Element("uuid")!.Value);
        Assert.Equal(
            "11111111-2222-3333-4444-555555555555",
            clone.Descendants("entry").Single(e => (string?)e.Attribute("name") == "uuid").Value
        );
        Assert.Equal(
            "52:54:00:01:02:03",
            (string?)clone.Descendants("interface").Single().Element("mac")!.Attribute("address")
        );
        Assert.Equal("/var/lib/libvirt/qemu/nvram/web-1_VARS.fd", clone.Element("os")!.Element("nvram")!.Value);
        // The source's description stays when none is given.
        Assert.Equal("the template", clone.Element("description")!.Value);

        var parsed = DomainDefinition.Parse(clone.ToString());
        Assert.Equal("urn:pulumi:dev::lab::libvirt:index:Clone::web-1", parsed.Owner);
        Assert.Equal(SourceUuid, parsed.ClonedFrom);
        Assert.Equal("/var/lib/libvirt/qemu/nvram/web-1_VARS.fd", parsed.NvramPath);
    }

    [Fact]
    public void Copied_disks_point_at_the_clones_files_skipped_disks_go_and_the_rest_is_shared()
    {
        var clone = Clone(
            Changes(
                new Dictionary<string, ClonedDisk?> { ["vda"] = new("/pool/web-1-vda.qcow2", "qcow2"), ["vdb"] = null }
            )
        );
        var disks = clone.Element("devices")!.Elements("disk").ToList();
        Assert.Equal(["vda", "sda"], disks.Select(d => (string?)d.Element("target")!.Attribute("dev")));
        var root = disks[0];
        Assert.Equal("file", (string?)root.Attribute("type"));
        Assert.Equal("/pool/web-1-vda.qcow2", (string?)root.Element("source")!.Attribute("file"));
        Assert.Equal("qcow2", (string?)root.Element("driver")!.Attribute("type"));
        Assert.Null(root.Element("backingStore"));
        Assert.Equal("/isos/tools.iso", (string?)disks[1].Element("source")!.Attribute("file"));
    }

    [Fact]
    public void A_pool_volume_disk_becomes_a_file_disk_on_the_clones_copy()
    {
        var clone = Clone(Changes(new Dictionary<string, ClonedDisk?> { ["vdb"] = new("/pool/web-1-vdb.img", "raw") }));
        var data = clone
            .Element("devices")!
            .Elements("disk")
            .Single(d => (string?)d.Element("target")!.Attribute("dev") == "vdb");
        Assert.Equal("file", (string?)data.Attribute("type"));
        var source = data.Element("source")!;
        Assert.Equal("/pool/web-1-vdb.img", (string?)source.Attribute("file"));
        Assert.Null(source.Attribute("pool"));
        Assert.Null(source.Attribute("volume"));
    }

    [Fact]
    public void Fixed_graphics_ports_become_automatic_and_file_logs_are_renamed_after_the_clone()
    {
        var clone = Clone(Changes());
        var graphics = clone.Descendants("graphics").Single();
        Assert.Equal("yes", (string?)graphics.Attribute("autoport"));
        Assert.Null(graphics.Attribute("port"));
        var serial = clone.Descendants("serial").Single();
        Assert.Equal("/var/log/lab/web-1-console.log", (string?)serial.Element("source")!.Attribute("path"));
        Assert.Equal("/var/log/lab/web-1-serial.log", (string?)serial.Element("log")!.Attribute("file"));
    }

    [Fact]
    public void Memory_and_vcpus_given_replace_the_sources_and_drop_a_stale_current_count()
    {
        var same = Clone(Changes());
        Assert.Equal("524288", same.Element("memory")!.Value);
        Assert.Equal("1", (string?)same.Element("vcpu")!.Attribute("current"));

        var resized = Clone(Changes() with { MemoryKiB = 1048576, Vcpus = 4, Description = "web server" });
        Assert.Equal("1048576", resized.Element("memory")!.Value);
        Assert.Equal("1048576", resized.Element("currentMemory")!.Value);
        Assert.Equal("4", resized.Element("vcpu")!.Value);
        Assert.Null(resized.Element("vcpu")!.Attribute("current"));
        Assert.Equal("web server", resized.Element("description")!.Value);

        var later = XElement.Parse(CloneXml.Resized(same.ToString(), 262144, 3));
        Assert.Equal("262144", later.Element("memory")!.Value);
        Assert.Equal("3", later.Element("vcpu")!.Value);
    }

    [Fact]
    public void A_domain_made_another_way_names_no_source_and_no_nvram()
    {
        var plain = DomainDefinition.Parse(
            "<domain type='qemu'><name>plain</name><memory>1024</memory><os><type>hvm</type></os></domain>"
        );
        Assert.Null(plain.ClonedFrom);
        Assert.Null(plain.NvramPath);
    }
}
