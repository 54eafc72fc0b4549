using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// A fixed address (and name) a machine holds on a libvirt network for one of its interfaces: the DHCP host entry
/// (MAC → address, name) and, with a name, the DNS host entry (address → name) it adds to the network.
/// </summary>
public sealed record HostReservation(string Network, string Mac, string Ip, string? Hostname)
{
    public NetworkDhcpHost DhcpHost =>
        new()
        {
            Mac = Mac,
            Name = Hostname,
            Ip = Ip,
        };

    public NetworkDnsHost? DnsHost => Hostname is null ? null : new(Ip, [Hostname]);

    /// <summary>Whether a DHCP host entry of a network is this reservation's.</summary>
    public bool Made(NetworkDhcpHost host) =>
        string.Equals(host.Mac, Mac, StringComparison.OrdinalIgnoreCase) && host.Ip == Ip && host.Name == Hostname;

    /// <summary>Whether a DNS host entry of a network is this reservation's.</summary>
    public bool Made(NetworkDnsHost host) =>
        Hostname is not null && host.Ip == Ip && host.Hostnames.SequenceEqual([Hostname]);
}

/// <summary>
/// The reservations a machine added to networks, noted in its domain's <c>&lt;metadata&gt;</c> beside its owner
/// (<see cref="DomainOwner"/>): libvirt has no metadata on network entries, so the domain is what tells a machine's
/// entries from the Network resource's own.
/// </summary>
public static class HostReservationXml
{
    public static readonly XNamespace Namespace = "urn:pulumi-resource-libvirt:hosts";
    public const string Key = "hosts";

    /// <summary>The reservations noted in a domain's XML.</summary>
    public static IReadOnlyList<HostReservation> Of(XElement domain) =>
        domain
            .Element("metadata")
            ?.Element(Namespace + Key)
            ?.Elements(Namespace + "host")
            .Select(h => new HostReservation(
                h.Attribute("network")?.Value ?? "",
                h.Attribute("mac")?.Value ?? "",
                h.Attribute("ip")?.Value ?? "",
                h.Attribute("hostname")?.Value
            ))
            .ToList()
        ?? [];

    /// <summary>
    /// The element that notes <paramref name="reservations"/>, as virDomainSetMetadata takes it; null for none.
    /// </summary>
    public static XElement? ElementFor(IReadOnlyList<HostReservation> reservations) =>
        reservations.Count == 0
            ? null
            : new XElement(
                Namespace + Key,
                reservations.Select(r => new XElement(
                    Namespace + "host",
                    new XAttribute("network", r.Network),
                    new XAttribute("mac", r.Mac),
                    new XAttribute("ip", r.Ip),
                    r.Hostname is null ? null : new XAttribute("hostname", r.Hostname)
                ))
            );
}
