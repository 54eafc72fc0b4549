using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>An emulated TPM (swtpm): its interface model (tpm-crb, tpm-tis) and TPM version (2.0, 1.2).</summary>
public sealed record DomainTpm(string Model, string Version);

/// <summary>
/// The domain XML's emulated TPM. libvirt keeps its state in a folder named after the domain's UUID, so a machine
/// with a new UUID starts with a TPM of its own.
/// </summary>
public static class TpmXml
{
    public static XElement Element(DomainTpm tpm) =>
        new(
            "tpm",
            new XAttribute("model", tpm.Model),
            new XElement("backend", new XAttribute("type", "emulator"), new XAttribute("version", tpm.Version))
        );

    /// <summary>The domain's emulated TPM; null when it has none (a host TPM passed through is not ours).</summary>
    public static DomainTpm? Of(XElement domain) =>
        domain
            .Element("devices")
            ?.Elements("tpm")
            .Where(t => t.Element("backend")?.Attribute("type")?.Value == "emulator")
            .Select(t => new DomainTpm(
                t.Attribute("model")?.Value ?? "tpm-tis",
                t.Element("backend")?.Attribute("version")?.Value ?? "1.2"
            ))
            .FirstOrDefault();

    /// <summary>Replaces the domain's TPMs by <paramref name="tpm"/>, or removes them for null.</summary>
    public static void Set(XElement domain, DomainTpm? tpm)
    {
        var devices = Devices(domain);
        devices.Elements("tpm").Remove();
        if (tpm is not null)
            devices.Add(Element(tpm));
    }

    internal static XElement Devices(XElement domain)
    {
        var devices = domain.Element("devices");
        if (devices is null)
            domain.Add(devices = new XElement("devices"));
        return devices;
    }
}
