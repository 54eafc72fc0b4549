using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>What libvirt reports about a storage pool.</summary>
public sealed record PoolDescription(string Name, string Type, string? TargetPath)
{
    public static PoolDescription Parse(string xml)
    {
        var pool = XElement.Parse(xml);
        return new PoolDescription(
            pool.Element("name")?.Value ?? "",
            pool.Attribute("type")?.Value ?? "",
            pool.Element("target")?.Element("path")?.Value);
    }

    /// <summary>The XML of a directory pool whose volumes are files under <paramref name="path"/>.</summary>
    public static string DirectoryPoolXml(string name, string path) =>
        new XElement("pool", new XAttribute("type", "dir"),
            new XElement("name", name),
            new XElement("target", new XElement("path", path))).ToString(SaveOptions.DisableFormatting);
}
