using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// What libvirt reports about a storage pool: its identity, its target folder, its sizes in bytes and its flags.
/// </summary>
public sealed record PoolDescription(
    string Name,
    string Uuid,
    string Type,
    string Path,
    ulong Capacity,
    ulong Allocation,
    ulong Available,
    bool Active,
    bool Autostart
);

/// <summary>libvirt's storage pool XML, built from typed values and read back.</summary>
internal static class PoolXml
{
    /// <summary>
    /// A directory pool whose volumes are files under <paramref name="path"/>. With <paramref name="mode"/> (octal,
    /// "0755"), building the pool gives the folder that mode; without it libvirt leaves an existing folder as it is.
    /// </summary>
    public static string Directory(string name, string path, string? mode = null)
    {
        var target = new XElement("target", new XElement("path", path));
        if (mode is not null)
            target.Add(new XElement("permissions", new XElement("mode", mode)));
        return new XElement("pool", new XAttribute("type", "dir"), new XElement("name", name), target).ToString(
            SaveOptions.DisableFormatting
        );
    }

    /// <summary>The identity and target of a pool, from its XML (virsh pool-dumpxml).</summary>
    public static (string Name, string Uuid, string Type, string Path) Parse(string xml)
    {
        var pool = XElement.Parse(xml);
        return (
            pool.Element("name")?.Value ?? "",
            pool.Element("uuid")?.Value ?? "",
            pool.Attribute("type")?.Value ?? "",
            pool.Element("target")?.Element("path")?.Value ?? ""
        );
    }
}
