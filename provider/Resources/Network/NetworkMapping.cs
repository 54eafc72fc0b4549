using System.Net;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Between a Network's inputs and libvirt's network model: the definition checked inputs make, the inputs a definition
/// reads back as (refresh), and the inputs a person would write for it (import).
/// </summary>
internal static class NetworkMapping
{
    /// <param name="existing">The network's current definition on a redefinition: its UUID, bridge MAC and (when the
    /// inputs leave it to libvirt) bridge name stay.</param>
    public static NetworkDefinition Definition(NetworkArgs inputs, string owner, NetworkDefinition? existing = null)
    {
        var subnets = inputs.Addresses.Select(a => NetworkAddresses.ParseCidr(a)!.Value).ToList();
        var dhcp = inputs.Dhcp ?? new NetworkDhcpArgs();
        var served = NetworkCheck.DhcpSubnets(subnets.Cast<IPNetwork?>()).ToHashSet();
        var dns = inputs.Dns ?? new NetworkDnsArgs();
        return new NetworkDefinition
        {
            Name = inputs.Name!,
            Uuid = existing?.Uuid,
            Owner = owner,
            ForwardMode = inputs.Mode == NetworkMode.Isolated ? null : LibvirtNames.Of(inputs.Mode),
            Bridge = inputs.Bridge ?? existing?.Bridge,
            BridgeMac = existing?.BridgeMac,
            Domain = inputs.Domain,
            Mtu = inputs.Mtu,
            Ips = subnets
                .Select(subnet => new NetworkIp
                {
                    Address = NetworkAddresses.Gateway(subnet),
                    Prefix = subnet.PrefixLength,
                    Dhcp = dhcp.Enabled && served.Contains(subnet),
                    Ranges = (dhcp.Ranges.Count > 0 ? dhcp.Ranges : DefaultRanges(served))
                        .Where(r => subnet.Contains(IPAddress.Parse(r.Start)))
                        .Select(r => new NetworkDhcpRange(r.Start, r.End))
                        .ToList(),
                    Hosts = dhcp.Hosts.Where(h => subnet.Contains(IPAddress.Parse(h.Ip))).Select(DhcpHost).ToList(),
                })
                .ToList(),
            DnsEnabled = dns.Enabled,
            DnsHosts = dns.Hosts.Select(DnsHost).ToList(),
            DnsForwarders = dns.Forwarders,
        };
    }

    public static NetworkDhcpHost DhcpHost(DhcpHostArgs host) =>
        new()
        {
            Mac = host.Mac,
            Name = host.Hostname,
            Ip = host.Ip,
        };

    public static NetworkDnsHost DnsHost(DnsHostArgs host) => new(host.Ip, host.Hostnames);

    /// <summary>The subnets of a definition, as normalized CIDRs.</summary>
    public static List<string> Addresses(NetworkDefinition definition) =>
        definition.Ips.Select(ip => NetworkAddresses.SubnetOf(ip).ToString()).ToList();

    /// <summary>
    /// The inputs that make <paramref name="definition"/>, as Check leaves them: default DHCP ranges, and DHCP or DNS
    /// with nothing but defaults, left out (a refresh compares them with checked inputs; an import shows what a person
    /// would write).
    /// </summary>
    public static NetworkArgs Inputs(NetworkDefinition definition, bool running, bool autostart)
    {
        var mode = definition.ForwardMode is { } forward
            ? LibvirtNames.Parse<NetworkMode>(forward, $"Network '{definition.Name}''s forward mode")
            : NetworkMode.Isolated;
        var inputs = new NetworkArgs
        {
            Name = definition.Name,
            Mode = mode,
            Bridge = definition.Bridge,
            Mtu = definition.Mtu,
            Autostart = autostart,
            Running = running,
        };
        if (mode == NetworkMode.Bridge)
            return inputs;

        var addresses = Addresses(definition);
        var ranges = definition
            .Ips.SelectMany(ip => ip.Ranges)
            .Select(r => new DhcpRangeArgs { Start = r.Start, End = r.End })
            .ToList();
        var dhcp = new NetworkDhcpArgs
        {
            Enabled = definition.Ips.Count == 0 || definition.Ips.Any(ip => ip.Dhcp),
            Ranges = ranges.SequenceEqual(
                DefaultRanges(NetworkCheck.DhcpSubnets(addresses.Select(NetworkAddresses.ParseCidr)))
            )
                ? []
                : ranges,
            Hosts = definition
                .Ips.SelectMany(ip => ip.Hosts)
                .Select(h => new DhcpHostArgs
                {
                    Mac = h.Mac,
                    Ip = h.Ip,
                    Hostname = h.Name,
                })
                .ToList(),
        };
        var dns = new NetworkDnsArgs
        {
            Enabled = definition.DnsEnabled,
            Hosts = definition.DnsHosts.Select(h => new DnsHostArgs { Ip = h.Ip, Hostnames = h.Hostnames }).ToList(),
            Forwarders = definition.DnsForwarders,
        };
        return inputs with
        {
            Domain = definition.Domain,
            Addresses = addresses,
            Dhcp = Same(dhcp, new NetworkDhcpArgs()) ? null : dhcp,
            Dns = Same(dns, new NetworkDnsArgs()) ? null : dns,
        };
    }

    /// <summary>The ranges DHCP uses when the inputs give none: each DHCP subnet minus the gateway.</summary>
    private static List<DhcpRangeArgs> DefaultRanges(IEnumerable<IPNetwork> served) =>
        served
            .Select(NetworkAddresses.DefaultRange)
            .OfType<(string Start, string End)>()
            .Select(r => new DhcpRangeArgs { Start = r.Start, End = r.End })
            .ToList();

    /// <summary>
    /// Whether two values of inputs are the same, as Pulumi compares them (records hold lists, compared by content
    /// here).
    /// </summary>
    public static bool Same<T>(T a, T b)
        where T : class => Equals(PropertyMapper.Encode(a), PropertyMapper.Encode(b));
}
