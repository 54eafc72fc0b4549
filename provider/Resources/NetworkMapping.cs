using System.Net;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Between a Network's inputs and libvirt's network model: the definition checked inputs make, the inputs a definition
/// reads back as (refresh), and the inputs a person would write for it (import).
/// </summary>
internal static class NetworkMapping
{
    /// <param name="existing">The network's current definition on a redefinition: its UUID, bridge MAC and (when the inputs leave it to libvirt) bridge name stay.</param>
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
            Ips = subnets.Select(subnet => new NetworkIp
            {
                Address = NetworkAddresses.Gateway(subnet),
                Prefix = subnet.PrefixLength,
                Dhcp = dhcp.Enabled && served.Contains(subnet),
                Ranges = dhcp.Ranges.Where(r => subnet.Contains(IPAddress.Parse(r.Start))).Select(r => new NetworkDhcpRange(r.Start, r.End)).ToList(),
                Hosts = dhcp.Hosts.Where(h => subnet.Contains(IPAddress.Parse(h.Ip))).Select(DhcpHost).ToList(),
            }).ToList(),
            DnsEnabled = dns.Enabled,
            DnsHosts = dns.Hosts.Select(DnsHost).ToList(),
            DnsForwarders = dns.Forwarders,
        };
    }

    public static NetworkDhcpHost DhcpHost(DhcpHostArgs host) => new() { Mac = host.Mac, Name = host.Hostname, Ip = host.Ip };

    public static NetworkDnsHost DnsHost(DnsHostArgs host) => new(host.Ip, host.Hostnames);

    /// <summary>The subnets of a definition, as normalized CIDRs.</summary>
    public static List<string> Addresses(NetworkDefinition definition) =>
        definition.Ips.Select(ip => NetworkAddresses.ParseCidr($"{ip.Address}/{ip.Prefix}")!.Value.ToString()).ToList();

    /// <summary>
    /// The inputs that make <paramref name="definition"/>, with the defaults Check fills in spelled out as Check spells
    /// them (a refresh compares them with checked inputs), or left out as a person would (<paramref name="import"/>).
    /// </summary>
    public static NetworkArgs Inputs(NetworkDefinition definition, bool running, bool autostart, bool import)
    {
        var mode = definition.ForwardMode is { } forward ? LibvirtNames.Parse<NetworkMode>(forward, $"Network '{definition.Name}''s forward mode") : NetworkMode.Isolated;
        var inputs = new NetworkArgs
        {
            Name = definition.Name,
            Mode = mode,
            Bridge = definition.Bridge,
            Mtu = definition.Mtu,
            Autostart = autostart,
            Running = running,
        };
        if (mode == NetworkMode.Bridge) return inputs;

        var addresses = Addresses(definition);
        var dhcp = new NetworkDhcpArgs
        {
            Enabled = definition.Ips.Count == 0 || definition.Ips.Any(ip => ip.Dhcp),
            Ranges = definition.Ips.SelectMany(ip => ip.Ranges).Select(r => new DhcpRangeArgs { Start = r.Start, End = r.End }).ToList(),
            Hosts = definition.Ips.SelectMany(ip => ip.Hosts).Select(h => new DhcpHostArgs { Mac = h.Mac, Ip = h.Ip, Hostname = h.Name }).ToList(),
        };
        var dns = new NetworkDnsArgs
        {
            Enabled = definition.DnsEnabled,
            Hosts = definition.DnsHosts.Select(h => new DnsHostArgs { Ip = h.Ip, Hostnames = h.Hostnames }).ToList(),
            Forwarders = definition.DnsForwarders,
        };
        inputs = inputs with { Domain = definition.Domain, Addresses = addresses, Dhcp = dhcp, Dns = dns };
        return import ? WithoutDefaults(inputs) : inputs;
    }

    /// <summary>An import leaves out what Check would fill in anyway: default DHCP ranges, DHCP and DNS with nothing but defaults.</summary>
    private static NetworkArgs WithoutDefaults(NetworkArgs inputs)
    {
        var dhcp = inputs.Dhcp!;
        var defaults = NetworkCheck.DhcpSubnets(inputs.Addresses.Select(NetworkAddresses.ParseCidr))
            .Select(NetworkAddresses.DefaultRange).OfType<(string Start, string End)>()
            .Select(r => new DhcpRangeArgs { Start = r.Start, End = r.End });
        if (dhcp.Ranges.SequenceEqual(defaults)) dhcp = dhcp with { Ranges = [] };
        return inputs with
        {
            Dhcp = dhcp is { Enabled: true, Ranges.Count: 0, Hosts.Count: 0 } ? null : dhcp,
            Dns = inputs.Dns is { Enabled: true, Hosts.Count: 0, Forwarders.Count: 0 } ? null : inputs.Dns,
        };
    }

    /// <summary>Whether two values of inputs are the same, as Pulumi compares them (records hold lists, compared by content here).</summary>
    public static bool Same<T>(T a, T b) where T : class => Equals(PropertyMapper.Encode(a), PropertyMapper.Encode(b));
}
