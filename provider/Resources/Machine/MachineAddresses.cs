using System.Net;
using System.Net.Sockets;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>The fixed address and DNS name an interface's inputs reserve for it on its network.</summary>
public sealed record FixedHost(string? Ip, string? Hostname);

/// <summary>
/// A machine's addresses as its outputs give them: each interface of its definition, in order, with the addresses the
/// guest has on it, from the sources asked, merged per MAC. What reaches no one from outside (loopback, link-local)
/// and what belongs to no interface of the machine (the agent's lo, another machine's MAC in ARP) is left out.
/// </summary>
public static class MachineAddresses
{
    /// <summary>The interfaces with their addresses; none while the machine is shut off.</summary>
    /// <param name="hosts">Per interface, by position: what its inputs reserve for it (may be shorter).</param>
    public static IReadOnlyList<NetworkInterfaceState> Read(
        LibvirtDomain domain,
        DomainDefinition definition,
        IReadOnlyList<FixedHost> hosts,
        AddressSource source
    ) => Shape(definition.Interfaces, hosts, domain.IsActive ? Query(domain, definition, source) : []);

    /// <summary>
    /// The addresses libvirt reports, from each source <paramref name="source"/> allows, in the order of preference.
    /// </summary>
    private static List<GuestInterface> Query(LibvirtDomain domain, DomainDefinition definition, AddressSource source)
    {
        var reported = new List<GuestInterface>();
        foreach (var origin in Origins(definition, source))
        {
            try
            {
                reported.AddRange(domain.InterfaceAddresses(origin));
            }
            catch (LibvirtException e)
                when (e.IsAgentUnavailable
                    || e.Code == LibvirtErrorCode.OperationInvalid
                    || (origin == AddressOrigin.Arp && source == AddressSource.Any)
                )
            {
                // The agent is not up yet (or not there), or the machine stopped just now: nothing from this source.
                // With any, ARP is the last resort: a host whose neighbour table libvirt cannot read (libvirt 9.0 fails
                // with "wrong nlmsg len" on some kernels) leaves the other sources to answer.
            }
        }
        return reported;
    }

    /// <summary>
    /// any: the leases of libvirt's networks (when an interface is on one), the agent (when the machine has its
    /// channel), then ARP.
    /// </summary>
    public static IEnumerable<AddressOrigin> Origins(DomainDefinition definition, AddressSource source) =>
        source switch
        {
            AddressSource.Lease => [AddressOrigin.Lease],
            AddressSource.Agent => [AddressOrigin.Agent],
            AddressSource.Arp => [AddressOrigin.Arp],
            _ => new[]
            {
                definition.Interfaces.Any(i => i.Network is not null) ? AddressOrigin.Lease : (AddressOrigin?)null,
                definition.QemuAgent ? AddressOrigin.Agent : null,
                AddressOrigin.Arp,
            }.OfType<AddressOrigin>(),
        };

    /// <summary>
    /// Each interface of the definition with the usable addresses reported for its MAC (compared case-insensitively).
    /// </summary>
    public static IReadOnlyList<NetworkInterfaceState> Shape(
        IReadOnlyList<DomainInterface> interfaces,
        IReadOnlyList<FixedHost> hosts,
        IReadOnlyList<GuestInterface> reported
    ) =>
        interfaces
            .Select(
                (nic, i) =>
                    new NetworkInterfaceState
                    {
                        Network = nic.Network,
                        Bridge = nic.Bridge,
                        Mac = nic.Mac ?? "",
                        Model = nic.Model,
                        Ip = hosts.ElementAtOrDefault(i)?.Ip,
                        Hostname = hosts.ElementAtOrDefault(i)?.Hostname,
                        Addresses = nic.Mac is null
                            ? []
                            : reported
                                .Where(r => string.Equals(r.Mac, nic.Mac, StringComparison.OrdinalIgnoreCase))
                                .SelectMany(r => r.Addresses)
                                .Where(a => IsUsable(a.Address))
                                .DistinctBy(a => a.Address)
                                .Select(a => new InterfaceAddress
                                {
                                    Type = a.IsIpv6 ? "ipv6" : "ipv4",
                                    Address = a.Address,
                                    Prefix = a.Prefix,
                                })
                                .ToList(),
                    }
            )
            .ToList();

    /// <summary>Not loopback (127.0.0.0/8, ::1) and not link-local (169.254.0.0/16, fe80::/10).</summary>
    public static bool IsUsable(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || IPAddress.IsLoopback(ip))
            return false;
        return ip.AddressFamily == AddressFamily.InterNetworkV6
            ? !ip.IsIPv6LinkLocal
            : ip.GetAddressBytes() is not [169, 254, _, _];
    }

    /// <summary>The first IPv4 address of the first interface: the one for `ssh`; empty while there is none.</summary>
    public static string FirstIpv4(IReadOnlyList<NetworkInterfaceState> interfaces) =>
        interfaces.Count == 0 ? "" : interfaces[0].Addresses.FirstOrDefault(a => a.Type == "ipv4")?.Address ?? "";

    /// <summary>
    /// The interfaces still waited for: with the leases (any, lease), every interface on a libvirt network must have an
    /// address; with the agent or ARP alone, or when no interface is on a libvirt network, any interface will do.
    /// </summary>
    public static IReadOnlyList<NetworkInterfaceState> Missing(
        IReadOnlyList<NetworkInterfaceState> interfaces,
        AddressSource source
    )
    {
        var onNetworks = interfaces.Where(i => i.Network is not null).ToList();
        if (source is AddressSource.Any or AddressSource.Lease && onNetworks.Count > 0)
            return onNetworks.Where(i => i.Addresses.Count == 0).ToList();
        return interfaces.Any(i => i.Addresses.Count > 0) ? [] : interfaces;
    }
}
