using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// What a create that has not finished yet is making for a domain: volumes (by pool and name, known before they
/// exist) and other files. A create that is interrupted (libvirtd or the provider dies) leaves the mark behind, so
/// that the next create of the same owner knows what to remove.
/// </summary>
public sealed record UnfinishedCreate(IReadOnlyList<PoolVolumeName> Volumes, IReadOnlyList<string> Files);

public sealed record PoolVolumeName(string Pool, string Name);

/// <summary>
/// Who manages a domain, noted in its <c>&lt;metadata&gt;</c>: an opaque owner id (the provider writes its resource's
/// URN). It lets the owner recognise its own domain when it has nothing else to go by, and leaves the guest alone.
/// While the owner is still making the domain, the mark also lists what it makes (<see cref="UnfinishedCreate"/>):
/// <c>&lt;owner id="…" unfinished="yes"&gt;&lt;volume pool="…" name="…"/&gt;&lt;file path="…"/&gt;&lt;/owner&gt;</c>.
/// </summary>
public static class DomainOwner
{
    public static readonly XNamespace Namespace = "urn:pulumi-resource-libvirt:owner";
    private const string Element = "owner";

    /// <summary>The owner noted in a domain's XML, or null.</summary>
    public static string? Of(XElement domain) =>
        domain.Element("metadata")?.Element(Namespace + Element)?.Attribute("id")?.Value;

    /// <summary>What the owner's create was making when it left its mark, or null once it finished.</summary>
    public static UnfinishedCreate? UnfinishedOf(XElement domain) =>
        domain.Element("metadata")?.Element(Namespace + Element) is { } mark
        && mark.Attribute("unfinished")?.Value == "yes"
            ? new UnfinishedCreate(
                [
                    .. mark.Elements(Namespace + "volume")
                        .Select(v => new PoolVolumeName(
                            v.Attribute("pool")?.Value ?? "",
                            v.Attribute("name")?.Value ?? ""
                        )),
                ],
                [.. mark.Elements(Namespace + "file").Select(f => f.Attribute("path")?.Value ?? "")]
            )
            : null;

    /// <summary>
    /// Notes <paramref name="owner"/> in a domain's XML (with its create's <paramref name="unfinished"/> work),
    /// replacing any owner noted before.
    /// </summary>
    public static void Set(XElement domain, string owner, UnfinishedCreate? unfinished = null)
    {
        var metadata = Metadata(domain);
        metadata.Element(Namespace + Element)?.Remove();
        metadata.Add(ElementFor(owner, unfinished));
    }

    /// <summary>
    /// The domain's <c>&lt;metadata&gt;</c>, made (after its name and UUID, where libvirt puts it) when missing.
    /// </summary>
    public static XElement Metadata(XElement domain)
    {
        if (domain.Element("metadata") is { } metadata)
            return metadata;
        metadata = new XElement("metadata");
        (domain.Element("uuid") ?? domain.Element("name")!).AddAfterSelf(metadata);
        return metadata;
    }

    /// <summary>The owner element alone, as virDomainSetMetadata takes it.</summary>
    public static XElement ElementFor(string owner, UnfinishedCreate? unfinished = null) =>
        unfinished is null
            ? new(Namespace + Element, new XAttribute("id", owner))
            : new(
                Namespace + Element,
                new XAttribute("id", owner),
                new XAttribute("unfinished", "yes"),
                unfinished.Volumes.Select(v => new XElement(
                    Namespace + "volume",
                    new XAttribute("pool", v.Pool),
                    new XAttribute("name", v.Name)
                )),
                unfinished.Files.Select(f => new XElement(Namespace + "file", new XAttribute("path", f)))
            );
}
