using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>The guest's CPU: a mode (host-passthrough, host-model, maximum, custom), for custom a model.</summary>
public sealed record DomainCpu(string Mode, string? Model);

/// <summary>The domain XML's &lt;cpu&gt; element, as far as the mode and the named model go.</summary>
public static class CpuXml
{
    public static XElement Element(DomainCpu cpu)
    {
        var element = new XElement("cpu", new XAttribute("mode", cpu.Mode));
        // A model the host cannot run is refused by qemu at start rather than silently changed.
        if (cpu.Model is not null)
        {
            element.Add(
                new XAttribute("match", "exact"),
                new XElement("model", new XAttribute("fallback", "forbid"), cpu.Model)
            );
        }
        return element;
    }

    /// <summary>The domain's CPU mode and model; null when it has no &lt;cpu&gt; element.</summary>
    public static DomainCpu? Of(XElement domain) =>
        domain.Element("cpu") is { } cpu
            // libvirt's default mode is custom; a custom CPU without a model only sets topology or features.
            ? (cpu.Attribute("mode")?.Value ?? "custom", cpu.Element("model")?.Value) switch
            {
                ("custom", null) => null,
                var (mode, model) => new DomainCpu(mode, mode == "custom" ? model : null),
            }
            : null;

    /// <summary>Replaces the domain's CPU element by <paramref name="cpu"/>'s, or removes it for null.</summary>
    public static void Set(XElement domain, DomainCpu? cpu)
    {
        domain.Elements("cpu").Remove();
        // libvirt's schema wants cpu after features (before clock and devices); the rest's order is its own.
        if (cpu is null)
            return;
        if ((domain.Element("features") ?? domain.Element("os")) is { } before)
            before.AddAfterSelf(Element(cpu));
        else
            domain.Add(Element(cpu));
    }
}
