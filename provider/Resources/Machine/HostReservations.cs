using System.Net;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The fixed addresses machines (Domain, Clone) hold on libvirt networks: per interface with an 'ip', a DHCP host entry
/// (MAC → address, hostname) and, with a 'hostname', a DNS host entry (address → hostname), added to the network live
/// (virNetworkUpdate, no restart) after the domain is defined and before it first starts. The domain notes them in its
/// metadata (<see cref="HostReservationXml"/>): that note is what tells a machine's entries from the Network resource's
/// own, whose Read leaves them out and whose redefinitions keep them. Adding and removing compare with the network as
/// it is, so a retry after a half-done change completes it.
/// </summary>
internal static class HostReservations
{
    /// <summary>The reservations of interfaces on a libvirt network with an 'ip', by interface index.</summary>
    public static List<HostReservation> For(
        IReadOnlyList<DomainInterface> interfaces,
        IEnumerable<(string? Ip, string? Hostname)> fixedHosts
    ) =>
        fixedHosts
            .Select((host, i) => (host, nic: interfaces.ElementAtOrDefault(i)))
            .Where(x => x.host.Ip is not null && x.nic is { Network: not null, Mac: not null })
            .Select(x => new HostReservation(x.nic!.Network!, x.nic.Mac!, x.host.Ip!, x.host.Hostname))
            .ToList();

    /// <summary>
    /// A Domain's definition with the reservations of its interfaces noted, so that a (re)definition records them at
    /// once.
    /// </summary>
    public static DomainDefinition Recorded(
        DomainDefinition definition,
        IReadOnlyList<DomainNetworkInterfaceArgs> interfaces
    ) => definition with { Reservations = For(definition.Interfaces, interfaces.Select(n => (n.Ip, n.Hostname))) };

    /// <summary>Notes a Clone's reservations in its domain's metadata; answers those noted before.</summary>
    public static IReadOnlyList<HostReservation> Record(
        LibvirtDomain domain,
        IReadOnlyList<CloneNetworkInterfaceArgs> interfaces
    )
    {
        var definition = domain.Describe();
        domain.SetReservations(For(definition.Interfaces, interfaces.Select(n => (n.Ip, n.Hostname))));
        return definition.Reservations;
    }

    /// <summary>
    /// Adds the entries a just defined domain notes, then runs <paramref name="start"/>: the guest's first DHCP answer
    /// is its fixed address. Should the start fail, the entries go again.
    /// </summary>
    public static async Task AddBeforeStartAsync(
        Connection libvirt,
        LibvirtDomain domain,
        LibvirtContext context,
        Action start
    )
    {
        var reservations = domain.Describe().Reservations;
        await ChangeAsync(libvirt, [], reservations, domain.Name, running: false, context);
        try
        {
            start();
        }
        catch (LibvirtException)
        {
            Remove(libvirt, reservations);
            throw;
        }
    }

    /// <summary>
    /// Removes the entries of <paramref name="olds"/> that <paramref name="news"/> does not keep, then adds the new
    /// ones.
    /// </summary>
    /// <param name="running">Whether the guest runs: it then sees a new address only at its next lease renewal or
    /// boot.</param>
    public static async Task ChangeAsync(
        Connection libvirt,
        IReadOnlyList<HostReservation> olds,
        IReadOnlyList<HostReservation> news,
        string machine,
        bool running,
        LibvirtContext context
    )
    {
        var (gone, added) = (olds.Except(news).ToList(), news.Except(olds).ToList());
        Remove(libvirt, gone);
        var made = new List<HostReservation>();
        foreach (var reservation in added)
        {
            try
            {
                Add(libvirt, reservation, machine);
            }
            catch (ProviderException)
            {
                // All or nothing: the entries added before this one go again.
                Remove(libvirt, made);
                throw;
            }
            made.Add(reservation);
            await context.InfoAsync(
                $"Network '{reservation.Network}': {reservation.Mac} of '{machine}' gets the fixed address "
                    + $"{reservation.Ip}"
                    + (reservation.Hostname is null ? "." : $", answered in DNS as {reservation.Hostname}.")
            );
        }
        if (running && added.Count > 0)
            await context.InfoAsync(
                $"'{machine}' is running: it gets its new address at its next DHCP lease renewal or boot."
            );
    }

    /// <summary>
    /// Removes the entries of <paramref name="reservations"/> that are still on their networks; a network already gone
    /// is fine.
    /// </summary>
    public static void Remove(Connection libvirt, IEnumerable<HostReservation> reservations)
    {
        foreach (var reservation in reservations)
        {
            using var network = libvirt.FindNetwork(reservation.Network);
            if (network is null)
                continue;
            var definition = network.Describe();
            for (var i = 0; i < definition.Ips.Count; i++)
            {
                foreach (var host in definition.Ips[i].Hosts.Where(reservation.Made))
                    network.Update(NetworkSection.IpDhcpHost, NetworkUpdateCommand.Delete, host.ToXml().ToString(), i);
            }
            foreach (var host in definition.DnsHosts.Where(reservation.Made))
                network.Update(NetworkSection.DnsHost, NetworkUpdateCommand.Delete, host.ToXml().ToString());
        }
    }

    /// <summary>Adds the entries of a reservation that its network does not have yet.</summary>
    private static void Add(Connection libvirt, HostReservation reservation, string machine)
    {
        using var network = libvirt.FindNetwork(reservation.Network)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"The network '{reservation.Network}' of '{machine}' is gone, so it cannot give {reservation.Mac} "
                    + $"the fixed address {reservation.Ip}."
            );
        var definition = network.Describe();
        var ip = IPAddress.Parse(reservation.Ip);
        var subnet = definition
            .Ips.ToList()
            .FindIndex(s => !s.IsIpv6 && s.Dhcp && NetworkAddresses.SubnetOf(s).Contains(ip));
        if (subnet < 0)
            throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"The network '{reservation.Network}' has no IPv4 subnet with DHCP containing {ip} any more; give "
                    + $"'{machine}' an address in its DHCP subnet."
            );
        var dhcp = reservation.DhcpHost.ToXml().ToString();
        var addedDhcp = false;
        try
        {
            if (!definition.Ips[subnet].Hosts.Any(reservation.Made))
            {
                network.Update(NetworkSection.IpDhcpHost, NetworkUpdateCommand.AddLast, dhcp, subnet);
                addedDhcp = true;
            }
            if (reservation.DnsHost is { } dns && !definition.DnsHosts.Any(reservation.Made))
                network.Update(NetworkSection.DnsHost, NetworkUpdateCommand.AddLast, dns.ToXml().ToString());
        }
        catch (LibvirtException e)
            when (e.Category is LibvirtErrorCategory.Conflict or LibvirtErrorCategory.InvalidInput)
        {
            // Only what this call added goes: an equal entry already there is the holder's.
            if (addedDhcp)
                network.Update(NetworkSection.IpDhcpHost, NetworkUpdateCommand.Delete, dhcp, subnet);
            var named = reservation.Hostname is null ? "" : $" and hostname {reservation.Hostname}";
            var which = reservation.Hostname is null ? "it" : "one of them";
            throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"'{machine}' cannot have the fixed address {reservation.Ip}{named} on network "
                    + $"'{reservation.Network}': {Holder(libvirt, reservation)} already holds {which}. Check could "
                    + "not see "
                    + "it (made in the same update, or since). Give each machine its own 'ip' and 'hostname'."
            );
        }
    }

    /// <summary>Who holds an entry of the network that clashes with <paramref name="wanted"/>, for a message.</summary>
    private static string Holder(Connection libvirt, HostReservation wanted)
    {
        var clash = OnNetwork(libvirt, wanted.Network)
            .FirstOrDefault(h => h.Reservation != wanted && Clash(h.Reservation, wanted));
        return clash.Domain is null
            ? $"an entry of the network's own dhcp.hosts or dns.hosts (`virsh net-dumpxml {wanted.Network}`)"
            : $"domain '{clash.Domain}'";
    }

    /// <summary>
    /// Whether two reservations on one network cannot both be there: libvirt keeps one entry per MAC, address and name.
    /// </summary>
    public static bool Clash(HostReservation a, HostReservation b) =>
        string.Equals(a.Mac, b.Mac, StringComparison.OrdinalIgnoreCase)
        || a.Ip == b.Ip
        || (a.Hostname is not null && string.Equals(a.Hostname, b.Hostname, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The reservations every domain notes on the network named <paramref name="network"/>, with the domain's name and
    /// definition.
    /// </summary>
    public static List<(string? Domain, DomainDefinition? Definition, HostReservation Reservation)> OnNetwork(
        Connection libvirt,
        string network
    ) => OnNetwork(libvirt.DescribeAllDomains(), network);

    /// <summary>
    /// The reservations <paramref name="domains"/> note on the network named <paramref name="network"/>, with the
    /// domain's name and definition.
    /// </summary>
    public static List<(string? Domain, DomainDefinition? Definition, HostReservation Reservation)> OnNetwork(
        IEnumerable<DomainDefinition> domains,
        string network
    ) =>
        domains
            .SelectMany(d =>
                d.Reservations.Where(r => r.Network == network).Select(r => ((string?)d.Name, (DomainDefinition?)d, r))
            )
            .ToList();

    /// <summary>
    /// A network's definition without the entries machines added: what its Network resource reads as its own.
    /// </summary>
    public static NetworkDefinition WithoutMachines(NetworkDefinition definition, Connection libvirt)
    {
        var machines = OnNetwork(libvirt, definition.Name).Select(m => m.Reservation).ToList();
        return definition with
        {
            Ips = definition
                .Ips.Select(ip => ip with { Hosts = ip.Hosts.Where(h => !machines.Any(m => m.Made(h))).ToList() })
                .ToList(),
            DnsHosts = definition.DnsHosts.Where(h => !machines.Any(m => m.Made(h))).ToList(),
        };
    }

    /// <summary>
    /// A Network resource's new definition with the entries machines added kept, where their addresses still fit.
    /// </summary>
    public static NetworkDefinition WithMachines(NetworkDefinition definition, Connection libvirt)
    {
        var machines = OnNetwork(libvirt, definition.Name).Select(m => m.Reservation).ToList();
        bool Fits(NetworkIp ip, HostReservation r) =>
            !ip.IsIpv6 && ip.Dhcp && NetworkAddresses.SubnetOf(ip).Contains(IPAddress.Parse(r.Ip));
        var kept = machines.Where(r => definition.Ips.Any(ip => Fits(ip, r))).ToList();
        return definition with
        {
            Ips = definition
                .Ips.Select(ip =>
                    ip with
                    {
                        Hosts = [.. ip.Hosts, .. kept.Where(r => Fits(ip, r)).Select(r => r.DhcpHost)],
                    }
                )
                .ToList(),
            DnsHosts = definition.DnsEnabled
                ? [.. definition.DnsHosts, .. kept.Select(r => r.DnsHost).OfType<NetworkDnsHost>()]
                : definition.DnsHosts,
        };
    }
}
