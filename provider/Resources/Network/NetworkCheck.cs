using System.Net;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Validates a network's inputs against each other and against the host (the other libvirt networks, its interfaces
/// and routes), collecting every failure with the property it names, and fills in the defaults (normalized subnets,
/// default DHCP ranges). Values still unknown (a preview) are skipped. The network this resource already manages
/// (marked with its URN <paramref name="urn"/>, or named <paramref name="oldName"/> on an update) is no conflict: its
/// subnets, bridge and routes are its own, also in a replacement's second Check, which comes without olds.
/// </summary>
internal sealed partial class NetworkCheck(
    ICheckHost host,
    PropertyMarks marks,
    string urn,
    string? oldName,
    string token
)
{
    public List<CheckFailure> Failures { get; } = [];

    /// <summary>
    /// What Check could not look at because the host is remote (its interfaces and routes are not this machine's).
    /// </summary>
    public List<string> Unchecked { get; } = [];

    /// <summary>The warning that names what was not checked on a remote host, or null when everything was.</summary>
    public string? UncheckedWarning(string name) =>
        Unchecked.Count == 0
            ? null
            : $"Network '{name}' on {host.Uri}: not checked on the remote host: {string.Join("; ", Unchecked)}. "
                + "libvirt "
                + "refuses a clash when the network starts.";

    private void Fail(string property, string reason) => Failures.Add(new CheckFailure(property, reason));

    public NetworkArgs Run(NetworkArgs news)
    {
        var all = host.Networks();
        bool Own(NetworkDefinition n) => n.Owner == urn || n.Name == oldName;
        var others = all.Where(n => !Own(n)).ToList();
        // Usually one network. Should several carry this URN's mark (two stacks of one name on a host), none of their
        // bridges and routes counts as a conflict, whichever libvirt lists first.
        var ownBridges = all.Where(Own).Select(n => n.Bridge).OfType<string>().ToHashSet();
        Name(news.Name, others);
        if (news.Mtu is { } mtu && (mtu < 68 || mtu > 65535))
            Fail("mtu", $"'mtu' {mtu} must be between 68 and 65535.");
        if (news.Mode == NetworkMode.Bridge)
        {
            HostBridge(news);
            return news;
        }
        if (news.Domain is { } domain && marks.IsKnown("domain") && !IsDnsName(domain))
            Fail(
                "domain",
                $"'domain' \"{domain}\" is not a DNS name: labels of letters, digits and '-', separated by dots "
                    + "(e.g. lab.test)."
            );
        if (news.Bridge is { } bridge && marks.IsKnown("bridge"))
            OwnBridge(bridge, others, ownBridges);
        var subnets = Subnets(news, others, ownBridges);
        var dhcp = Dhcp(news.Dhcp ?? new NetworkDhcpArgs(), subnets);
        var dns = Dns(news.Dns ?? new NetworkDnsArgs());
        // DHCP and DNS with nothing but defaults are left out, as Read leaves them out: `dhcp: {}` is no change.
        return news with
        {
            Addresses = subnets.Select((s, i) => s?.ToString() ?? news.Addresses[i]).ToList(),
            Dhcp = NetworkMapping.Same(dhcp, new NetworkDhcpArgs()) ? null : dhcp,
            Dns = NetworkMapping.Same(dns, new NetworkDnsArgs()) ? null : dns,
        };
    }

    private void Name(string? name, List<NetworkDefinition> others)
    {
        if (!marks.IsKnown("name") || name is null)
            return;
        if (ObjectNames.Problem("name", name, "network") is { } problem)
            Fail("name", problem);
        else if (others.FirstOrDefault(n => n.Name == name) is { } existing)
            Fail("name", NameTaken.Reason("network", name, $"on {host.Uri}", token, existing.Uuid ?? name));
    }

    /// <summary>
    /// Mode bridge joins a host bridge that must exist, and libvirt gives it no addresses, DHCP or DNS.
    /// </summary>
    private void HostBridge(NetworkArgs news)
    {
        if (news.Addresses.Count > 0)
            Fail(
                "addresses",
                "'addresses' is not used in mode bridge: the host bridge's own network serves the guests. Remove it, "
                    + "or choose another mode."
            );
        if (news.Dhcp is not null)
            Fail(
                "dhcp",
                "'dhcp' is not used in mode bridge: libvirt runs no DHCP on a host bridge. Remove it, or choose "
                    + "another mode."
            );
        if (news.Dns is not null)
            Fail(
                "dns",
                "'dns' is not used in mode bridge: libvirt runs no DNS on a host bridge. Remove it, or choose "
                    + "another mode."
            );
        if (news.Domain is not null)
            Fail(
                "domain",
                "'domain' is not used in mode bridge: libvirt runs no DNS on a host bridge. Remove it, or choose "
                    + "another mode."
            );
        if (!marks.IsKnown("bridge"))
            return;
        if (news.Bridge is null)
        {
            Fail("bridge", "Mode bridge needs 'bridge': the name of an existing bridge on the host (e.g. br0).");
            return;
        }
        // Only a local host's devices can be seen; on a remote one libvirt reports a missing bridge when the network
        // starts.
        if (!host.IsLocal)
            Unchecked.Add($"whether 'bridge' {news.Bridge} is a bridge there");
        else if (!host.IsBridge(news.Bridge))
            Fail(
                "bridge",
                $"'bridge' {news.Bridge} is not a bridge on this host (see `ip -br link show type bridge`). Create "
                    + "it first, or choose another mode to let libvirt make one."
            );
    }

    private void OwnBridge(string bridge, List<NetworkDefinition> others, IReadOnlySet<string> ownBridges)
    {
        if (bridge.Length is 0 or > 15 || bridge.Any(c => char.IsWhiteSpace(c) || c is '/' or ':'))
            Fail(
                "bridge",
                $"'bridge' \"{bridge}\" is not a device name: 1 to 15 characters, without spaces, '/' or ':'."
            );
        else if (others.FirstOrDefault(n => n.Bridge == bridge) is { } other)
            Fail(
                "bridge",
                $"'bridge' {bridge} is the bridge of libvirt network '{other.Name}'. Choose another name, or leave "
                    + "it out to let libvirt choose."
            );
        else if (!host.IsLocal)
            Unchecked.Add($"whether 'bridge' {bridge} is an interface there already");
        else if (!ownBridges.Contains(bridge) && host.HasInterface(bridge))
            Fail(
                "bridge",
                $"'bridge' {bridge} is an existing interface on this host. Choose another name, or use mode bridge "
                    + "to attach to an existing bridge."
            );
    }

    /// <summary>
    /// Each address as a normalized subnet (null where malformed or unknown), checked against the host.
    /// </summary>
    private List<IPNetwork?> Subnets(NetworkArgs news, List<NetworkDefinition> others, IReadOnlySet<string> ownBridges)
    {
        var subnets = new List<IPNetwork?>();
        // Only a local host's routing table can be read; on a remote one libvirt refuses a clashing subnet at start.
        var routes = host.IsLocal ? host.Routes().Where(r => !ownBridges.Contains(r.Device)).ToList() : [];
        if (!host.IsLocal && news.Addresses.Count > 0)
            Unchecked.Add("whether 'addresses' overlap the host's routes");
        for (var i = 0; i < news.Addresses.Count; i++)
        {
            var (text, path) = (news.Addresses[i], $"addresses[{i}]");
            var subnet = marks.IsKnown(path) ? NetworkAddresses.ParseCidr(text) : null;
            subnets.Add(subnet);
            if (!marks.IsKnown(path))
                continue;
            if (subnet is not { } s)
                Fail(path, $"'{path}' \"{text}\" is not a CIDR (address/prefix, e.g. 10.10.0.0/24 or fd10::/64).");
            else if (s.PrefixLength > (NetworkAddresses.IsIpv6(s) ? 126 : 30))
                Fail(
                    path,
                    $"'{path}' {s} is too small for a gateway and guests: use at most /30 for IPv4, /126 for IPv6."
                );
            else if (ReservedRange(s) is { } reserved)
                Fail(
                    path,
                    $"'{path}' {s} is in {reserved}, which no network of guests can use. Choose a private "
                        + "subnet (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or fd00::/8 for IPv6)."
                );
            else if (subnets.Take(i).FirstOrDefault(o => o is { } v && NetworkAddresses.Overlap(v, s)) is { } same)
                Fail(path, $"'{path}' {s} overlaps {same}, also in 'addresses'.");
            else if (
                others.FirstOrDefault(n =>
                    n.Ips.Any(ip => NetworkAddresses.Overlap(NetworkAddresses.SubnetOf(ip), s))
                ) is
                { } other
            )
                Fail(
                    path,
                    $"'{path}' {s} overlaps the subnet of libvirt network '{other.Name}'; two networks with one "
                        + "subnet make guests unreachable. Choose another subnet."
                );
            else if (routes.FirstOrDefault(r => NetworkAddresses.Overlap(r.Subnet, s)) is { Device: not null } route)
                Fail(
                    path,
                    $"'{path}' {s} overlaps the host's route to {route.Subnet} via {route.Device}; guests could not "
                        + "reach it. Choose another subnet."
                );
        }
        if (
            marks.IsKnown("addresses")
            && news.Mode == NetworkMode.Nat
            && !subnets.Any(s => s is { } v && !NetworkAddresses.IsIpv6(v))
        )
            Fail("addresses", "Mode nat needs an IPv4 subnet in 'addresses' (e.g. 10.10.0.0/24): NAT applies to IPv4.");
        return subnets;
    }

    /// <summary>Address ranges that are not for hosts on a link: the kernel or routers treat them apart.</summary>
    private static readonly (IPNetwork Range, string What)[] ReservedRanges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "0.0.0.0/8 (\"this network\")"),
        (IPNetwork.Parse("127.0.0.0/8"), "127.0.0.0/8 (the host's loopback)"),
        (IPNetwork.Parse("224.0.0.0/4"), "224.0.0.0/4 (multicast)"),
        (IPNetwork.Parse("240.0.0.0/4"), "240.0.0.0/4 (reserved, and the broadcast address)"),
        (IPNetwork.Parse("::/96"), "::/96 (the unspecified and loopback addresses, and IPv4-compatible ones)"),
        (IPNetwork.Parse("::ffff:0:0/96"), "::ffff:0:0/96 (IPv4-mapped addresses, which stand for IPv4 ones)"),
        (IPNetwork.Parse("ff00::/8"), "ff00::/8 (multicast)"),
    ];

    /// <summary>The reserved range the subnet overlaps, described, or null.</summary>
    private static string? ReservedRange(IPNetwork subnet) =>
        ReservedRanges.FirstOrDefault(r => NetworkAddresses.Overlap(r.Range, subnet)).What;

    /// <summary>libvirt serves DHCP on the first subnet of each family: those are the DHCP subnets.</summary>
    internal static IEnumerable<IPNetwork> DhcpSubnets(IEnumerable<IPNetwork?> subnets) =>
        subnets.OfType<IPNetwork>().GroupBy(NetworkAddresses.IsIpv6).Select(g => g.First());

    private NetworkDhcpArgs Dhcp(NetworkDhcpArgs dhcp, List<IPNetwork?> subnets)
    {
        if (!marks.IsKnown("dhcp") || !marks.IsKnown("addresses"))
            return dhcp;
        var served = DhcpSubnets(subnets).ToList();
        for (var i = 0; i < dhcp.Ranges.Count; i++)
        {
            var (range, path) = (dhcp.Ranges[i], $"dhcp.ranges[{i}]");
            if (!IPAddress.TryParse(range.Start, out var start) || !IPAddress.TryParse(range.End, out var end))
                Fail(path, $"'{path}' needs 'start' and 'end' addresses.");
            else if (!served.Any(s => s.Contains(start) && s.Contains(end)))
                Fail(
                    path,
                    $"'{path}' {start}-{end} is not inside a DHCP subnet ({string.Join(", ", served)}); libvirt "
                        + "serves DHCP on the first IPv4 and the first IPv6 subnet of 'addresses'."
                );
            else if (NetworkAddresses.Compare(start, end) > 0)
                Fail(path, $"'{path}' starts at {start}, after its end {end}.");
            else if (
                NetworkAddresses.Gateway(served.First(s => s.Contains(start))) is var gateway
                && NetworkAddresses.Compare(start, gateway) <= 0
                && NetworkAddresses.Compare(gateway, end) <= 0
            )
                Fail(
                    path,
                    $"'{path}' {start}-{end} includes the gateway {gateway} (the host's address on the "
                        + "network): a guest leased it would clash with the host. Start the range after it."
                );
        }
        return dhcp with { Hosts = DhcpHosts(dhcp.Hosts, served) };
    }

    private List<DhcpHostArgs> DhcpHosts(IReadOnlyList<DhcpHostArgs> hosts, List<IPNetwork> served)
    {
        var (macs, ips, names) = (
            new Dictionary<string, int>(),
            new Dictionary<string, int>(),
            new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        );
        void Unique(Dictionary<string, int> seen, string value, int i, string property)
        {
            if (!seen.TryAdd(value, i))
                Fail(
                    $"dhcp.hosts[{i}].{property}",
                    $"'dhcp.hosts[{i}].{property}' {value} is also given to dhcp.hosts[{seen[value]}]; each host "
                        + "needs its own."
                );
        }
        for (var i = 0; i < hosts.Count; i++)
        {
            var (host, path) = (hosts[i], $"dhcp.hosts[{i}]");
            if (!IPAddress.TryParse(host.Ip, out var ip))
                Fail($"{path}.ip", $"'{path}.ip' \"{host.Ip}\" is not an IP address.");
            else if (!served.Any(s => s.Contains(ip)))
                Fail(
                    $"{path}.ip",
                    $"'{path}.ip' {ip} is outside every DHCP subnet ({string.Join(", ", served)}); give it an "
                        + "address in one of them."
                );
            else if (served.First(s => s.Contains(ip)) is var subnet && ip.Equals(NetworkAddresses.Gateway(subnet)))
                Fail(
                    $"{path}.ip",
                    $"'{path}.ip' {ip} is the gateway of {subnet} (the host's address on the network); "
                        + "give the guest another address."
                );
            else
            {
                Unique(ips, ip.ToString(), i, "ip");
                if (
                    ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                    && (host.Mac is not null || host.Hostname is null)
                )
                    Fail(
                        path,
                        $"'{path}' is an IPv6 host: libvirt matches those by 'hostname' only; give 'hostname' and no "
                            + "'mac'."
                    );
                else if (host.Mac is null && host.Hostname is null)
                    Fail(path, $"'{path}' needs a 'mac' (or a 'hostname') to say which guest gets {ip}.");
            }
            if (host.Mac is { } mac)
            {
                if (MacAddresses.Problem(mac) is { } problem)
                    Fail($"{path}.mac", $"'{path}.mac': {problem}");
                else
                    Unique(macs, MacAddresses.Normalize(mac), i, "mac");
            }
            if (host.Hostname is { } name)
            {
                if (!IsDnsName(name))
                    Fail(
                        $"{path}.hostname",
                        $"'{path}.hostname' \"{name}\" is not a host name (letters, digits, '-' and dots)."
                    );
                else
                    Unique(names, name, i, "hostname");
            }
        }
        return hosts
            .Select(h =>
                h.Mac is null || MacAddresses.Problem(h.Mac) is not null
                    ? h
                    : h with
                    {
                        Mac = MacAddresses.Normalize(h.Mac),
                    }
            )
            .ToList();
    }

    private NetworkDnsArgs Dns(NetworkDnsArgs dns)
    {
        if (!marks.IsKnown("dns"))
            return dns;
        if (!dns.Enabled && dns.Hosts.Count > 0)
            Fail("dns.hosts", "'dns.hosts' needs 'dns.enabled': with DNS off nothing answers them.");
        var ips = new Dictionary<string, int>();
        for (var i = 0; i < dns.Hosts.Count; i++)
        {
            var (host, path) = (dns.Hosts[i], $"dns.hosts[{i}]");
            if (!IPAddress.TryParse(host.Ip, out var ip))
                Fail($"{path}.ip", $"'{path}.ip' \"{host.Ip}\" is not an IP address.");
            else if (!ips.TryAdd(ip.ToString(), i))
                Fail(
                    $"{path}.ip",
                    $"'{path}.ip' {ip} is also the address of dns.hosts[{ips[ip.ToString()]}]; put all its names in "
                        + "one host."
                );
            if (host.Hostnames.Count == 0)
                Fail($"{path}.hostnames", $"'{path}.hostnames' needs at least one name.");
            for (var j = 0; j < host.Hostnames.Count; j++)
            {
                if (!IsDnsName(host.Hostnames[j]))
                    Fail(
                        $"{path}.hostnames[{j}]",
                        $"'{path}.hostnames[{j}]' \"{host.Hostnames[j]}\" is not a DNS name."
                    );
            }
        }
        for (var i = 0; i < dns.Forwarders.Count; i++)
        {
            if (!IPAddress.TryParse(dns.Forwarders[i], out _))
                Fail($"dns.forwarders[{i}]", $"'dns.forwarders[{i}]' \"{dns.Forwarders[i]}\" is not an IP address.");
        }
        return dns;
    }

    private static bool IsDnsName(string name) => name.Length <= 253 && DnsName().IsMatch(name);

    [GeneratedRegex(@"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\z")]
    private static partial Regex DnsName();
}
