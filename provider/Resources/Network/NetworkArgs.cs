using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public enum NetworkMode
{
    Nat,
    Isolated,
    Route,
    Open,
    Bridge,
}

[Description("A range of addresses DHCP hands out.")]
public sealed record DhcpRangeArgs
{
    [Description("The first address of the range.")]
    public required string Start { get; init; }

    [Description("The last address of the range, in the same subnet.")]
    public required string End { get; init; }
}

[Description("A static DHCP host: the address (and name) a guest always gets.")]
public sealed record DhcpHostArgs
{
    [Description("The guest interface's MAC address (IPv4 hosts; IPv6 hosts are matched by hostname).")]
    public string? Mac { get; init; }

    [Description("The address the host gets, inside one of the network's subnets.")]
    public required string Ip { get; init; }

    [Description("The host's name, also answered by the network's DNS.")]
    public string? Hostname { get; init; }
}

[Description("DHCP on the network's subnets (libvirt serves it on the first IPv4 and the first IPv6 subnet).")]
public sealed record NetworkDhcpArgs
{
    [Description("Whether dnsmasq serves DHCP.")]
    public bool Enabled { get; init; } = true;

    [Description(
        "The ranges leases come from. Default: each DHCP subnet minus the gateway (IPv4: without the network and "
            + "broadcast addresses; IPv6: a /64 only, from ::2 to ::ffff; other IPv6 prefixes get no default range)."
    )]
    public IReadOnlyList<DhcpRangeArgs> Ranges { get; init; } = [];

    [Description(
        "Static hosts: inside a DHCP subnet, no two with one MAC, address or name. Adding or removing one "
            + "changes the running network without restarting it."
    )]
    public IReadOnlyList<DhcpHostArgs> Hosts { get; init; } = [];
}

[Description("A name the network's DNS answers.")]
public sealed record DnsHostArgs
{
    [Description("The address the names resolve to.")]
    public required string Ip { get; init; }

    [Description("The names (at least one).")]
    public IReadOnlyList<string> Hostnames { get; init; } = [];
}

[Description("The network's DNS server (dnsmasq).")]
public sealed record NetworkDnsArgs
{
    [Description("Whether dnsmasq answers DNS on the network.")]
    public bool Enabled { get; init; } = true;

    [Description("Names answered locally. Adding or removing one changes the running network without restarting it.")]
    public IReadOnlyList<DnsHostArgs> Hosts { get; init; } = [];

    [Description("Addresses of the DNS servers other names are forwarded to. Default: the host's resolvers.")]
    public IReadOnlyList<string> Forwarders { get; init; } = [];
}

public sealed record NetworkArgs
{
    [AutoName, ReplaceOnChange]
    [Description("Name of the network. Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [Description(
        "nat (guests reach outside through the host's address), isolated (guests and host only), route (routed, no "
            + "NAT), open (no firewall rules from libvirt), or bridge (guests join the existing host bridge named in "
            + "'bridge'; no addresses, DHCP or DNS of libvirt's)."
    )]
    public NetworkMode Mode { get; init; } = NetworkMode.Nat;

    [Description(
        "The bridge device: the one libvirt makes (default: chosen by libvirt, virbrN), or in mode bridge the "
            + "existing host bridge (required then). At most 15 characters."
    )]
    public string? Bridge { get; init; }

    [Description(
        "The DNS domain of the network (e.g. lab.test): guests' names are answered in it, and its names are never "
            + "forwarded."
    )]
    public string? Domain { get; init; }

    [Description(
        "The subnets, as CIDRs (10.10.0.0/24, fd00:10::/64). The host takes the first address of each (the guests' "
            + "gateway)."
    )]
    public IReadOnlyList<string> Addresses { get; init; } = [];

    [Description("DHCP. Default: enabled, with the default ranges.")]
    public NetworkDhcpArgs? Dhcp { get; init; }

    [Description("DNS. Default: enabled, forwarding to the host's resolvers.")]
    public NetworkDnsArgs? Dns { get; init; }

    [Description("The bridge's MTU (68 to 65535). Default: libvirt's (1500).")]
    public int? Mtu { get; init; }

    [Description("Whether libvirt starts the network when the host boots.")]
    public bool Autostart { get; init; } = true;

    [Description(
        "Whether the network runs. false: defined only; stopping it names the running guests that lose " + "their link."
    )]
    public bool Running { get; init; } = true;
}

/// <summary>What a network adds to its inputs in the outputs.</summary>
public sealed record NetworkState
{
    [Description("The network's UUID (also the resource id).")]
    public string Uuid { get; init; } = "";

    // Unknown in a create preview: a Domain whose interface names this network then skips its "the network exists"
    // check in that preview, where the network is not made yet.
    [Computed]
    [Description("Name of the network, for a domain interface's 'network'.")]
    public string Name { get; init; } = "";

    [Computed]
    [Description("The bridge device guests are attached to.")]
    public string Bridge { get; init; } = "";

    [Description("The subnets, as normalized CIDRs.")]
    public IReadOnlyList<string> Addresses { get; init; } = [];

    [Description(
        "The host's address in each subnet (its first address), the guests' gateway, in the order of 'addresses'."
    )]
    public IReadOnlyList<string> Gateways { get; init; } = [];
}
