using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// What libvirt's domain capabilities say a guest of one hypervisor type (kvm, qemu) on the q35 machine can have:
/// the CPU modes it supports, its named CPU models (each usable on this host or not), and whether a firmware with
/// UEFI Secure Boot is installed.
/// </summary>
public sealed record DomainCapabilities(
    IReadOnlySet<string> CpuModes,
    IReadOnlyDictionary<string, bool> CpuModels,
    bool SecureBootFirmware
)
{
    public static DomainCapabilities Parse(string xml)
    {
        var capabilities = XElement.Parse(xml);
        var modes = capabilities.Element("cpu")?.Elements("mode").ToList() ?? [];
        var custom = modes.FirstOrDefault(m => m.Attribute("name")?.Value == "custom");
        var models = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var model in custom?.Elements("model") ?? [])
            models.TryAdd(model.Value, model.Attribute("usable")?.Value != "no");
        var loader = capabilities.Element("os")?.Element("loader");
        return new DomainCapabilities(
            modes
                .Where(m => m.Attribute("supported")?.Value == "yes")
                .Select(m => m.Attribute("name")!.Value)
                .ToHashSet(),
            models,
            loader
                ?.Elements("enum")
                .FirstOrDefault(e => e.Attribute("name")?.Value == "secure")
                ?.Elements("value")
                .Any(v => v.Value == "yes")
                ?? false
        );
    }
}
