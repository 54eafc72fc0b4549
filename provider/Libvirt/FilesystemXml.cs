using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>A host folder the guest mounts by its tag (<paramref name="Target"/>), over virtiofs or 9p.</summary>
public sealed record DomainFilesystem(string Source, string Target, bool ReadOnly, string Driver);

/// <summary>
/// The shared folders of a domain's XML: one filesystem element each, and the shared memory virtiofs needs (its
/// daemon, virtiofsd, reads the guest's memory, so the guest's RAM must be a shareable memfd).
/// </summary>
public static class FilesystemXml
{
    public const string Virtiofs = "virtiofs";

    /// <summary>The filesystem element of each folder, in order.</summary>
    public static IEnumerable<XElement> Elements(IReadOnlyList<DomainFilesystem> filesystems) =>
        filesystems.Select(filesystem =>
        {
            // virtiofs only takes passthrough. qemu serves 9p as its own user, which cannot give a file the guest's
            // owner: squash lets the write happen anyway, the file owned by qemu's user.
            var element = new XElement(
                "filesystem",
                new XAttribute("type", "mount"),
                new XAttribute("accessmode", filesystem.Driver == Virtiofs ? "passthrough" : "squash"),
                new XElement("driver", new XAttribute("type", filesystem.Driver == Virtiofs ? Virtiofs : "path")),
                new XElement("source", new XAttribute("dir", filesystem.Source)),
                new XElement("target", new XAttribute("dir", filesystem.Target))
            );
            if (filesystem.ReadOnly)
                element.Add(new XElement("readonly"));
            return element;
        });

    /// <summary>The memory backing virtiofs needs, or null when no folder is shared over virtiofs.</summary>
    public static XElement? MemoryBacking(IReadOnlyList<DomainFilesystem> filesystems) =>
        filesystems.Any(f => f.Driver == Virtiofs)
            ? new XElement(
                "memoryBacking",
                new XElement("source", new XAttribute("type", "memfd")),
                new XElement("access", new XAttribute("mode", "shared"))
            )
            : null;

    /// <summary>The shared folders of a domain's devices element; other filesystem types are not ours.</summary>
    public static List<DomainFilesystem> Parse(XElement? devices) =>
        devices
            ?.Elements("filesystem")
            .Where(f => (f.Attribute("type")?.Value ?? "mount") == "mount")
            .Select(f => new DomainFilesystem(
                f.Element("source")?.Attribute("dir")?.Value ?? "",
                f.Element("target")?.Attribute("dir")?.Value ?? "",
                f.Element("readonly") is not null,
                f.Element("driver")?.Attribute("type")?.Value == Virtiofs ? Virtiofs : "9p"
            ))
            .ToList()
        ?? [];

    /// <summary>
    /// Gives <paramref name="domain"/> (libvirt's own XML of a machine) exactly these shared folders, and the memory
    /// backing virtiofs needs when one is virtiofs. Memory backing the domain already has is left as it is.
    /// </summary>
    public static void Replace(XElement domain, IReadOnlyList<DomainFilesystem> filesystems)
    {
        var devices = domain.Element("devices");
        if (devices is null)
            domain.Add(devices = new XElement("devices"));
        devices.Elements("filesystem").Where(f => (f.Attribute("type")?.Value ?? "mount") == "mount").Remove();
        var elements = Elements(filesystems).ToList();
        if (devices.Elements("disk").LastOrDefault() is { } lastDisk)
            lastDisk.AddAfterSelf(elements);
        else
            devices.AddFirst(elements);
        if (domain.Element("memoryBacking") is null && MemoryBacking(filesystems) is { } backing)
            (domain.Element("currentMemory") ?? domain.Element("memory"))?.AddAfterSelf(backing);
    }

    /// <summary><see cref="Replace"/> on a domain's XML text.</summary>
    public static string Replaced(string xml, IReadOnlyList<DomainFilesystem> filesystems)
    {
        var domain = XElement.Parse(xml);
        Replace(domain, filesystems);
        return domain.ToString(SaveOptions.DisableFormatting);
    }
}
