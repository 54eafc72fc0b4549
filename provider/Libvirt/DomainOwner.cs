using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// Who manages a domain, noted in its <c>&lt;metadata&gt;</c>: an opaque owner id (the provider writes its resource's
/// URN). It lets the owner recognise its own domain when it has nothing else to go by, and leaves the guest alone.
/// </summary>
public static class DomainOwner
{
    public static readonly XNamespace Namespace = "urn:pulumi-resource-libvirt:owner";
    private const string Element = "owner";

    /// <summary>The owner noted in a domain's XML, or null.</summary>
    public static string? Of(XElement domain) =>
        domain.Element("metadata")?.Element(Namespace + Element)?.Attribute("id")?.Value;

    /// <summary>Notes <paramref name="owner"/> in a domain's XML, replacing any owner noted before.</summary>
    public static void Set(XElement domain, string owner)
    {
        var metadata = Metadata(domain);
        metadata.Element(Namespace + Element)?.Remove();
        metadata.Add(ElementFor(owner));
    }

    /// <summary>The domain's <c>&lt;metadata&gt;</c>, made (after its name and UUID, where libvirt puts it) when missing.</summary>
    public static XElement Metadata(XElement domain)
    {
        if (domain.Element("metadata") is { } metadata) return metadata;
        metadata = new XElement("metadata");
        (domain.Element("uuid") ?? domain.Element("name")!).AddAfterSelf(metadata);
        return metadata;
    }

    /// <summary>The owner element alone, as virDomainSetMetadata takes it.</summary>
    public static XElement ElementFor(string owner) => new(Namespace + Element, new XAttribute("id", owner));
}
