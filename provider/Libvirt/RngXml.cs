using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>The domain XML's virtio RNG, fed from the host's /dev/urandom (which never blocks).</summary>
public static class RngXml
{
    public const string HostSource = "/dev/urandom";

    public static XElement Element() =>
        new(
            "rng",
            new XAttribute("model", "virtio"),
            new XElement("backend", new XAttribute("model", "random"), HostSource)
        );

    /// <summary>Whether the domain has a virtio RNG.</summary>
    public static bool Of(XElement domain) =>
        domain.Element("devices")?.Elements("rng").Any(r => r.Attribute("model")?.Value == "virtio") ?? false;
}
