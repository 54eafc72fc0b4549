using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Checks the fixed addresses and hostnames of a machine's interfaces (<see cref="HostReservations"/>) against their
/// networks, and a Network's own static hosts against the machines' reservations on it: libvirt keeps one DHCP entry
/// per MAC, address and name and one DNS entry per address and name, so a clash is refused here, on the property to
/// change. Entries of the resource's <paramref name="own"/> domain are its own, not taken (an update, or a replacement
/// that deletes first).
/// </summary>
internal sealed partial class HostReservationCheck(ICheckHost checkHost, PropertyMarks marks, OwnDomain own)
{
    /// <summary>
    /// One interface's wish: where it is (<paramref name="Path"/>, e.g. networkInterfaces[0]), its network or bridge,
    /// its MAC when known.
    /// </summary>
    private sealed record FixedHost(
        string Path,
        string? Network,
        string? Bridge,
        string? Mac,
        string? Ip,
        string? Hostname
    );

    public List<CheckFailure> Failures { get; } = [];

    private void Fail(string property, string reason) => Failures.Add(new CheckFailure(property, reason));

    public static List<CheckFailure> Domain(ICheckHost checkHost, PropertyMarks marks, OwnDomain own, DomainArgs news)
    {
        var check = new HostReservationCheck(checkHost, marks, own);
        check.Run(
            news.NetworkInterfaces.Select(
                    (n, i) => new FixedHost($"networkInterfaces[{i}]", n.Network, n.Bridge, n.Mac, n.Ip, n.Hostname)
                )
                .ToList()
        );
        return check.Failures;
    }

    /// <param name="source">The source's definition: the clone's interfaces are its interfaces, by index.</param>
    public static List<CheckFailure> Clone(
        ICheckHost checkHost,
        PropertyMarks marks,
        OwnDomain own,
        CloneArgs news,
        DomainDefinition source
    )
    {
        var check = new HostReservationCheck(checkHost, marks, own);
        var hosts = new List<FixedHost>();
        for (var i = 0; i < news.NetworkInterfaces.Count; i++)
        {
            var (wish, path) = (news.NetworkInterfaces[i], $"networkInterfaces[{i}]");
            if (source.Interfaces.ElementAtOrDefault(i) is not { } nic)
                check.Fail(
                    path,
                    $"'{path}': the source '{source.Name}' has {source.Interfaces.Count} network interface(s), so "
                        + $"the clone has no interface {i}. Give at most one entry per interface of the source."
                );
            else
                hosts.Add(
                    new FixedHost(
                        path,
                        nic.Network,
                        nic.Bridge ?? "",
                        marks.IsKnown("macs") ? news.Macs?.ElementAtOrDefault(i) : null,
                        wish.Ip,
                        wish.Hostname
                    )
                );
        }
        check.Run(hosts);
        return check.Failures;
    }

    /// <summary>A Network's dhcp.hosts and dns.hosts must leave alone the entries machines hold on it.</summary>
    public static List<CheckFailure> Network(ICheckHost checkHost, PropertyMarks marks, NetworkArgs news)
    {
        var failures = new List<CheckFailure>();
        if (news.Name is null || !marks.IsKnown("name"))
            return failures;
        var machines = HostReservations.OnNetwork(checkHost.Domains(), news.Name);
        string Refusal(string path, (string? Domain, DomainDefinition? _, HostReservation R) m) =>
            $"'{path}' clashes with the fixed address domain '{m.Domain}' holds on this network ({m.R.Mac} → "
            + $"{m.R.Ip}{(m.R.Hostname is null ? "" : $", {m.R.Hostname}")}), an entry the machine owns: libvirt "
            + "keeps one entry per MAC, address and name. Choose another, or change the machine's 'ip'/'hostname' "
            + "first.";
        var dhcpHosts = marks.IsKnown("dhcp") ? news.Dhcp?.Hosts ?? [] : [];
        for (var i = 0; i < dhcpHosts.Count; i++)
        {
            var host = dhcpHosts[i];
            var entry = new HostReservation(news.Name, host.Mac ?? "", host.Ip, host.Hostname);
            if (
                machines.FirstOrDefault(m => HostReservations.Clash(m.Reservation, entry)) is
                { Domain: not null } holder
            )
                failures.Add(new CheckFailure($"dhcp.hosts[{i}]", Refusal($"dhcp.hosts[{i}]", holder)));
        }
        var dnsHosts = marks.IsKnown("dns") ? news.Dns?.Hosts ?? [] : [];
        for (var i = 0; i < dnsHosts.Count; i++)
        {
            var host = dnsHosts[i];
            if (
                machines.FirstOrDefault(m =>
                    m.Reservation.Hostname is { } name
                    && (m.Reservation.Ip == host.Ip || host.Hostnames.Contains(name, StringComparer.OrdinalIgnoreCase))
                ) is
                { Domain: not null } holder
            )
                failures.Add(new CheckFailure($"dns.hosts[{i}]", Refusal($"dns.hosts[{i}]", holder)));
        }
        return failures;
    }

    /// <summary>
    /// Whether a replacement would hold one of the old machine's fixed addresses or hostnames (on whichever network:
    /// the old machine keeps them until it is deleted, so the replacement could not be made beside it).
    /// </summary>
    public static bool Shared(
        IEnumerable<(string? Ip, string? Hostname)> olds,
        IEnumerable<(string? Ip, string? Hostname)> news
    )
    {
        var held = olds.SelectMany(o => new[] { o.Ip, o.Hostname?.ToLowerInvariant() }).OfType<string>().ToHashSet();
        return news.Any(n =>
            (n.Ip is not null && held.Contains(n.Ip))
            || (n.Hostname is not null && held.Contains(n.Hostname.ToLowerInvariant()))
        );
    }

    private void Run(List<FixedHost> hosts)
    {
        if (hosts.All(h => h.Ip is null && h.Hostname is null))
            return;
        var networks = checkHost.Networks();
        var domains = checkHost.Domains();
        var seen = new Dictionary<(string?, string), string>();
        foreach (var host in hosts.Where(h => (h.Ip is not null || h.Hostname is not null) && marks.IsKnown(h.Path)))
        {
            if (host.Hostname is not null && host.Ip is null)
            {
                Fail(
                    $"{host.Path}.hostname",
                    $"'{host.Path}.hostname' needs '{host.Path}.ip' too: libvirt's DHCP host entries need an "
                        + "address, and a DNS entry answers one. Give 'ip', or leave 'hostname' out (the network's "
                        + "DNS then answers the name the guest sends with its DHCP request)."
                );
                continue;
            }
            var property = $"{host.Path}.ip";
            var network = networks.FirstOrDefault(n => n.Name == host.Network && n.ForwardMode != "bridge");
            if (host.Network is null || (network is null && networks.Any(n => n.Name == host.Network)))
            {
                var where = host.Network is null
                    ? $"the host bridge '{host.Bridge}'"
                    : $"the network '{host.Network}', on a host bridge";
                Fail(
                    property,
                    $"'{property}' and 'hostname' need the interface on a libvirt network with DHCP; on {where} "
                        + "libvirt answers no DHCP or DNS. Put the interface on such a network, or configure the "
                        + "address in the guest."
                );
                continue;
            }
            // A network that does not exist is refused where the interface names it.
            if (network is null)
                continue;
            Address(host, network, domains, seen);
        }
    }

    private void Address(
        FixedHost host,
        NetworkDefinition network,
        IReadOnlyList<DomainDefinition> domains,
        Dictionary<(string?, string), string> seen
    )
    {
        var (ipProperty, nameProperty) = ($"{host.Path}.ip", $"{host.Path}.hostname");
        if (!IsIpv4(host.Ip!, out var ip))
        {
            Fail(
                ipProperty,
                $"'{ipProperty}' \"{host.Ip}\" is not an IPv4 address (a.b.c.d); fixed addresses are given by DHCP "
                    + "on the network's IPv4 subnet."
            );
            return;
        }
        var dhcp = network.Ips.FirstOrDefault(s => !s.IsIpv6 && s.Dhcp);
        if (dhcp is null)
        {
            Fail(
                ipProperty,
                $"'{ipProperty}': the network '{network.Name}' serves no DHCP on an IPv4 subnet, so nothing would "
                    + $"give the guest {ip}. Enable DHCP on the network, or configure the address in the guest."
            );
            return;
        }
        var subnet = NetworkAddresses.SubnetOf(dhcp);
        var broadcast = NetworkAddresses.Offset(subnet.BaseAddress, (1L << (32 - subnet.PrefixLength)) - 1);
        if (!subnet.Contains(ip))
            Fail(
                ipProperty,
                $"'{ipProperty}' {ip} is outside the network '{network.Name}''s subnet {subnet}; give an address "
                    + "inside it."
            );
        else if (ip.Equals(subnet.BaseAddress) || ip.Equals(dhcp.Address) || ip.Equals(broadcast))
        {
            var which =
                ip.Equals(dhcp.Address) ? "gateway (the host's address)"
                : ip.Equals(broadcast) ? "broadcast address"
                : "network address";
            Fail(ipProperty, $"'{ipProperty}' {ip} is the {which} of {subnet}; give a guest address between them.");
        }

        // Entries of this resource's own domain are its own; any other holds its MAC, address and name.
        var ownReservations = domains.Where(own.Owns).SelectMany(d => d.Reservations).ToList();
        var others = OthersOn(network, domains, ownReservations);
        var mac =
            host.Mac is null || MacAddresses.Problem(host.Mac) is not null ? null : MacAddresses.Normalize(host.Mac);
        if (
            others.Dhcp.FirstOrDefault(o =>
                o.Entry.Ip == ip.ToString() && !string.Equals(o.Entry.Mac, mac, StringComparison.OrdinalIgnoreCase)
            ) is
            { Entry: not null } byIp
        )
            Fail(
                ipProperty,
                $"'{ipProperty}' {ip} is already reserved on network '{network.Name}' for "
                    + $"{byIp.Entry.Mac ?? byIp.Entry.Name} by {byIp.Holder}. Choose another address."
            );
        else if (
            mac is not null
            && others.Dhcp.FirstOrDefault(o => string.Equals(o.Entry.Mac, mac, StringComparison.OrdinalIgnoreCase))
                is { Entry: not null } byMac
        )
            Fail(
                ipProperty,
                $"'{ipProperty}': the network '{network.Name}' already gives {mac} the address {byMac.Entry.Ip} "
                    + $"({byMac.Holder}); libvirt keeps one entry per MAC. Remove that entry, or use another MAC."
            );
        else if (!seen.TryAdd((network.Name, ip.ToString()), ipProperty))
            Fail(
                ipProperty,
                $"'{ipProperty}' {ip} is also given to {seen[(network.Name, ip.ToString())]} on the same network; "
                    + "each interface needs its own."
            );

        if (host.Hostname is not { } name)
            return;
        if (!IsLabel(name))
            Fail(
                nameProperty,
                $"'{nameProperty}' \"{name}\" is not a DNS label: 1 to 63 letters, digits and '-', not starting or "
                    + "ending with '-', without dots (the network's domain is added to it)."
            );
        else if (!network.DnsEnabled)
            Fail(
                nameProperty,
                $"'{nameProperty}': the network '{network.Name}' has its DNS disabled, so nothing would answer "
                    + $"{name}. Enable DNS on the network, or leave 'hostname' out."
            );
        else if (
            others.Dhcp.FirstOrDefault(o => string.Equals(o.Entry.Name, name, StringComparison.OrdinalIgnoreCase)) is
            { Entry: not null } byName
        )
            Fail(
                nameProperty,
                $"'{nameProperty}' {name} is already reserved on network '{network.Name}' for {byName.Entry.Ip} by "
                    + $"{byName.Holder}. Choose another hostname."
            );
        else if (
            others.Dns.FirstOrDefault(o =>
                o.Entry.Ip == ip.ToString() || o.Entry.Hostnames.Any(h => SameName(h, name, network.Domain))
            ) is
            { Entry: not null } dns
        )
            Fail(
                nameProperty,
                $"'{nameProperty}' {name}: the network '{network.Name}''s DNS already has the entry {dns.Entry.Ip} → "
                    + $"{string.Join(", ", dns.Entry.Hostnames)} ({dns.Holder}); libvirt keeps one DNS entry per "
                    + "address and name. Choose another hostname or address."
            );
        else if (!seen.TryAdd((network.Name, name.ToLowerInvariant()), nameProperty))
            Fail(
                nameProperty,
                $"'{nameProperty}' {name} is also given to {seen[(network.Name, name.ToLowerInvariant())]} on the "
                    + "same network; each interface needs its own."
            );
    }

    /// <summary>
    /// The network's DHCP and DNS host entries that are not the resource's own, each with who holds it.
    /// </summary>
    private static (
        List<(NetworkDhcpHost Entry, string Holder)> Dhcp,
        List<(NetworkDnsHost Entry, string Holder)> Dns
    ) OthersOn(
        NetworkDefinition network,
        IReadOnlyList<DomainDefinition> domains,
        List<HostReservation> ownReservations
    )
    {
        var machines = domains
            .SelectMany(d => d.Reservations.Where(r => r.Network == network.Name).Select(r => (d.Name, r)))
            .ToList();
        string HolderOf(Func<HostReservation, bool> made, string section) =>
            machines.FirstOrDefault(m => made(m.r)) is { Name: not null } m
                ? $"domain '{m.Name}'"
                : $"the network's own {section}";
        var dhcp = network
            .Ips.SelectMany(s => s.Hosts)
            .Where(h => !ownReservations.Any(r => r.Network == network.Name && r.Made(h)))
            .Select(h => (h, HolderOf(r => r.Made(h), "dhcp.hosts")))
            .ToList();
        var dns = network
            .DnsHosts.Where(h => !ownReservations.Any(r => r.Network == network.Name && r.Made(h)))
            .Select(h => (h, HolderOf(r => r.Made(h), "dns.hosts")))
            .ToList();
        return (dhcp, dns);
    }

    /// <summary>A name as dnsmasq answers it: plain, or with the network's domain (expand-hosts).</summary>
    private static bool SameName(string entry, string name, string? domain) =>
        string.Equals(entry, name, StringComparison.OrdinalIgnoreCase)
        || (domain is not null && string.Equals(entry, $"{name}.{domain}", StringComparison.OrdinalIgnoreCase));

    /// <summary>Dotted-quad IPv4 only: IPAddress.Parse also takes "10" or "10.1" and IPv6.</summary>
    private static bool IsIpv4(string text, out IPAddress ip)
    {
        ip = IPAddress.TryParse(text, out var parsed) ? parsed : IPAddress.None;
        return parsed is { AddressFamily: AddressFamily.InterNetwork } && text.Count(c => c == '.') == 3;
    }

    private static bool IsLabel(string name) => Label().IsMatch(name);

    [GeneratedRegex(@"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)\z")]
    private static partial Regex Label();
}
