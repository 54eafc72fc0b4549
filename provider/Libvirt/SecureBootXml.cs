using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// UEFI Secure Boot in the domain XML: libvirt's firmware auto-selection is asked for a build with Secure Boot and
/// Microsoft's keys enrolled, which needs the q35 machine and SMM (so that the guest cannot write the variables the
/// firmware guards).
/// </summary>
public static class SecureBootXml
{
    /// <summary>Adds Secure Boot to a domain whose os element asks for firmware='efi'.</summary>
    public static void Add(XElement domain)
    {
        var os = domain.Element("os")!;
        os.Element("type")!.SetAttributeValue("machine", "q35");
        os.Element("type")!
            .AddAfterSelf(
                new XElement("firmware", Feature("enrolled-keys"), Feature("secure-boot")),
                new XElement("loader", new XAttribute("secure", "yes"))
            );
        domain.Element("features")!.Add(new XElement("smm", new XAttribute("state", "on")));
    }

    /// <summary>Whether the domain's firmware is a Secure Boot one: a secure loader, or that feature.</summary>
    public static bool Of(XElement domain) =>
        domain.Element("os")?.Element("loader")?.Attribute("secure")?.Value == "yes"
        || (
            domain
                .Element("os")
                ?.Element("firmware")
                ?.Elements("feature")
                .Any(f => f.Attribute("name")?.Value == "secure-boot" && f.Attribute("enabled")?.Value == "yes")
            ?? false
        );

    private static XElement Feature(string name) =>
        new("feature", new XAttribute("enabled", "yes"), new XAttribute("name", name));
}
