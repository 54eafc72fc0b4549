using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>libvirt's storage pool XML, built from typed values.</summary>
internal static class PoolXml
{
    /// <summary>A directory pool whose volumes are files under <paramref name="path"/>.</summary>
    public static string Directory(string name, string path) =>
        new XElement("pool", new XAttribute("type", "dir"),
            new XElement("name", name),
            new XElement("target", new XElement("path", path))).ToString(SaveOptions.DisableFormatting);
}
