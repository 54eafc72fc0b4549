using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

[Trait(Category.Name, Category.Unit)]
public class FilesystemXmlTests
{
    private static XElement Xml(params DomainFilesystem[] filesystems) =>
        XElement.Parse(new DomainDefinition { Name = "fs", Filesystems = filesystems }.ToXml());

    [Fact]
    public void Virtiofs_gets_shared_memfd_memory_and_9p_alone_gets_none()
    {
        var shared = Xml(
            new DomainFilesystem("/srv/a", "a", false, "virtiofs"),
            new DomainFilesystem("/srv/b", "b", true, "9p")
        );
        Assert.Equal("memfd", shared.Element("memoryBacking")!.Element("source")!.Attribute("type")!.Value);
        Assert.Equal("shared", shared.Element("memoryBacking")!.Element("access")!.Attribute("mode")!.Value);
        var folders = shared.Element("devices")!.Elements("filesystem").ToList();
        Assert.Equal(["virtiofs", "path"], folders.Select(f => f.Element("driver")!.Attribute("type")!.Value));
        Assert.Equal(["passthrough", "squash"], folders.Select(f => f.Attribute("accessmode")!.Value));
        Assert.Null(folders[0].Element("readonly"));
        Assert.NotNull(folders[1].Element("readonly"));
        Assert.Null(Xml(new DomainFilesystem("/srv/b", "b", true, "9p")).Element("memoryBacking"));
    }

    [Fact]
    public void Replace_puts_a_clones_folders_in_place_of_the_templates_and_keeps_other_devices()
    {
        var template = new DomainDefinition
        {
            Name = "tmpl",
            Disks =
            [
                new DomainDisk
                {
                    Path = "/images/t.qcow2",
                    Format = "qcow2",
                    Target = "vda",
                },
            ],
            Filesystems = [new DomainFilesystem("/srv/template", "home", false, "9p")],
        }.ToXml();
        DomainFilesystem student = new("/srv/student1", "home", false, "virtiofs");
        var clone = DomainDefinition.Parse(FilesystemXml.Replaced(template, [student]));
        Assert.Equal([student], clone.Filesystems);
        Assert.Equal(["vda"], clone.Disks.Select(d => d.Target));
        Assert.NotNull(XElement.Parse(FilesystemXml.Replaced(template, [student])).Element("memoryBacking"));
        Assert.Empty(DomainDefinition.Parse(FilesystemXml.Replaced(template, [])).Filesystems);
    }
}
