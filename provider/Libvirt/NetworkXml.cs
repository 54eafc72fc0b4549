using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>An address range dnsmasq hands out leases from.</summary>
public sealed record NetworkDhcpRange(string Start, string End);

/// <summary>A static DHCP host: the address (and name) a MAC always gets; IPv6 hosts are matched by name.</summary>
public sealed record NetworkDhcpHost
{
    public string? Mac { get; init; }
    public string? Name { get; init; }
    public required string Ip { get; init; }

    public XElement ToXml()
    {
        var host = new XElement("host");
        if (Mac is not null)
            host.Add(new XAttribute("mac", Mac));
        if (Name is not null)
            host.Add(new XAttribute("name", Name));
        host.Add(new XAttribute("ip", Ip));
        return host;
    }

    public static NetworkDhcpHost Parse(XElement host) =>
        new()
        {
            Mac = host.Attribute("mac")?.Value,
            Name = host.Attribute("name")?.Value,
            Ip = host.Attribute("ip")?.Value ?? "",
        };
}

/// <summary>A name dnsmasq answers with an address.</summary>
public sealed record NetworkDnsHost(string Ip, IReadOnlyList<string> Hostnames)
{
    public XElement ToXml() =>
        new("host", new XAttribute("ip", Ip), Hostnames.Select(h => new XElement("hostname", h)));

    public static NetworkDnsHost Parse(XElement host) =>
        new(host.Attribute("ip")?.Value ?? "", host.Elements("hostname").Select(h => h.Value).ToList());
}

/// <summary>
/// One &lt;ip&gt; of a network: the host's address on the bridge, the subnet's prefix, and DHCP on it.
/// </summary>
public sealed record NetworkIp
{
    /// <summary>The host's address on the bridge (the guests' gateway).</summary>
    public required IPAddress Address { get; init; }
    public required int Prefix { get; init; }

    /// <summary>Whether the subnet has a &lt;dhcp&gt; element: dnsmasq serves DHCP on it.</summary>
    public bool Dhcp { get; init; }

    public IReadOnlyList<NetworkDhcpRange> Ranges { get; init; } = [];
    public IReadOnlyList<NetworkDhcpHost> Hosts { get; init; } = [];

    public bool IsIpv6 => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
}

/// <summary>
/// The part of libvirt's network XML this provider writes and reads, built from and parsed into typed values.
/// </summary>
public sealed record NetworkDefinition
{
    public required string Name { get; init; }
    public string? Uuid { get; init; }

    /// <summary>
    /// Who manages the network (noted as for domains, see <see cref="DomainOwner"/>); null for a network nobody
    /// claimed.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>libvirt's forward mode (nat, route, open, bridge); null for an isolated network.</summary>
    public string? ForwardMode { get; init; }

    /// <summary>
    /// The bridge device: made by libvirt (chosen by it when null), or the host's own in forward mode bridge.
    /// </summary>
    public string? Bridge { get; init; }

    /// <summary>
    /// The bridge's MAC address, chosen by libvirt at the first definition and kept by redefinitions.
    /// </summary>
    public string? BridgeMac { get; init; }

    /// <summary>The DNS domain dnsmasq answers for itself, without forwarding.</summary>
    public string? Domain { get; init; }

    public int? Mtu { get; init; }
    public IReadOnlyList<NetworkIp> Ips { get; init; } = [];
    public bool DnsEnabled { get; init; } = true;
    public IReadOnlyList<NetworkDnsHost> DnsHosts { get; init; } = [];

    /// <summary>Addresses of the DNS servers dnsmasq forwards other names to (default: the host's resolvers).</summary>
    public IReadOnlyList<string> DnsForwarders { get; init; } = [];

    public string ToXml()
    {
        var network = new XElement("network", new XElement("name", Name));
        if (Uuid is not null)
            network.Add(new XElement("uuid", Uuid));
        if (Owner is not null)
            DomainOwner.Set(network, Owner);
        if (ForwardMode is not null)
            network.Add(new XElement("forward", new XAttribute("mode", ForwardMode)));
        if (ForwardMode == "bridge")
        {
            network.Add(new XElement("bridge", new XAttribute("name", Bridge ?? "")));
            return network.ToString(SaveOptions.DisableFormatting);
        }
        network.Add(
            new XElement(
                "bridge",
                Bridge is null ? null : new XAttribute("name", Bridge),
                new XAttribute("stp", "on"),
                new XAttribute("delay", 0)
            )
        );
        if (Mtu is { } mtu)
            network.Add(new XElement("mtu", new XAttribute("size", mtu)));
        if (BridgeMac is not null)
            network.Add(new XElement("mac", new XAttribute("address", BridgeMac)));
        if (Domain is not null)
            network.Add(new XElement("domain", new XAttribute("name", Domain), new XAttribute("localOnly", "yes")));
        network.Add(DnsXml());
        network.Add(Ips.Select(IpXml));
        return network.ToString(SaveOptions.DisableFormatting);
    }

    private XElement DnsXml()
    {
        if (!DnsEnabled)
            return new XElement("dns", new XAttribute("enable", "no"));
        return new XElement(
            "dns",
            DnsForwarders.Select(f => new XElement("forwarder", new XAttribute("addr", f))),
            DnsHosts.Select(h => h.ToXml())
        );
    }

    private static XElement IpXml(NetworkIp ip)
    {
        var element = new XElement("ip");
        if (ip.IsIpv6)
            element.Add(new XAttribute("family", "ipv6"));
        element.Add(new XAttribute("address", ip.Address.ToString()), new XAttribute("prefix", ip.Prefix));
        if (ip.Dhcp)
        {
            element.Add(
                new XElement(
                    "dhcp",
                    ip.Ranges.Select(r => new XElement(
                        "range",
                        new XAttribute("start", r.Start),
                        new XAttribute("end", r.End)
                    )),
                    ip.Hosts.Select(h => h.ToXml())
                )
            );
        }
        return element;
    }

    public static NetworkDefinition Parse(string xml)
    {
        var network = XElement.Parse(xml);
        var dns = network.Element("dns");
        return new NetworkDefinition
        {
            Name = network.Element("name")?.Value ?? "",
            Uuid = network.Element("uuid")?.Value,
            Owner = DomainOwner.Of(network),
            ForwardMode = network.Element("forward") is { } forward ? forward.Attribute("mode")?.Value ?? "nat" : null,
            Bridge = network.Element("bridge")?.Attribute("name")?.Value,
            BridgeMac = network.Element("mac")?.Attribute("address")?.Value,
            Domain = network.Element("domain")?.Attribute("name")?.Value,
            Mtu = network.Element("mtu")?.Attribute("size") is { } size
                ? int.Parse(size.Value, CultureInfo.InvariantCulture)
                : null,
            Ips = network.Elements("ip").Select(ParseIp).ToList(),
            DnsEnabled = dns?.Attribute("enable")?.Value != "no",
            DnsHosts = dns?.Elements("host").Select(NetworkDnsHost.Parse).ToList() ?? [],
            DnsForwarders = dns?.Elements("forwarder").Select(f => f.Attribute("addr")?.Value).OfType<string>().ToList()
                ?? [],
        };
    }

    private static NetworkIp ParseIp(XElement ip)
    {
        var address = IPAddress.Parse(ip.Attribute("address")?.Value ?? "");
        var dhcp = ip.Element("dhcp");
        return new NetworkIp
        {
            Address = address,
            Prefix =
                ip.Attribute("prefix") is { } prefix ? int.Parse(prefix.Value, CultureInfo.InvariantCulture)
                : ip.Attribute("netmask") is { } netmask ? PrefixOf(IPAddress.Parse(netmask.Value))
                : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 64
                : ClassfulPrefix(address),
            Dhcp = dhcp is not null,
            Ranges = dhcp?.Elements("range")
                .Select(r => new NetworkDhcpRange(r.Attribute("start")?.Value ?? "", r.Attribute("end")?.Value ?? ""))
                .ToList()
                ?? [],
            Hosts = dhcp?.Elements("host").Select(NetworkDhcpHost.Parse).ToList() ?? [],
        };
    }

    private static int PrefixOf(IPAddress netmask) =>
        netmask.GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));

    /// <summary>libvirt's default for an IPv4 address without prefix or netmask: its class's.</summary>
    private static int ClassfulPrefix(IPAddress address) =>
        address.GetAddressBytes()[0] switch
        {
            < 128 => 8,
            < 192 => 16,
            _ => 24,
        };
}
