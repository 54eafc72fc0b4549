namespace PulumiLibvirt.Libvirt;

/// <summary>Who tells a running domain's addresses (libvirt's virDomainInterfaceAddressesSource).</summary>
public enum AddressOrigin
{
    /// <summary>The DHCP leases of libvirt's networks: only interfaces on a libvirt network.</summary>
    Lease = 0,

    /// <summary>The QEMU guest agent: every interface of the guest, loopback included, once the agent runs.</summary>
    Agent = 1,

    /// <summary>The host's ARP table: IPv4 addresses the guest used lately, on any interface.</summary>
    Arp = 2,
}

/// <summary>An address of a guest interface, as libvirt reports it.</summary>
/// <param name="IsIpv6">False for IPv4.</param>
public sealed record GuestAddress(bool IsIpv6, string Address, int Prefix);

/// <summary>
/// A guest interface with its addresses, as libvirt reports it. Name and MAC may be empty (an ARP entry has no name).
/// </summary>
public sealed record GuestInterface(string Name, string Mac, IReadOnlyList<GuestAddress> Addresses);
