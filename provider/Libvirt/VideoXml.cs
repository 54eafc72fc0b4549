using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>The domain XML's video device: one head of a model (virtio, qxl, vga, bochs, or none).</summary>
public static class VideoXml
{
    public static XElement Element(string model) => new("video", new XElement("model", new XAttribute("type", model)));

    /// <summary>The model of the domain's first video device; null when it has none.</summary>
    public static string? Of(XElement domain) =>
        domain.Element("devices")?.Element("video")?.Element("model")?.Attribute("type")?.Value;
}
