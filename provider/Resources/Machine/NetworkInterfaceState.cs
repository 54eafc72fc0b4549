using System.ComponentModel;

namespace PulumiLibvirt.Resources;

[Description("An address of a network interface, as the guest has it.")]
public sealed record InterfaceAddress
{
    [Description("ipv4 or ipv6.")]
    public string Type { get; init; } = "";

    [Description("The address (192.168.122.10, fd00::10…).")]
    public string Address { get; init; } = "";

    [Description("The prefix length of its subnet (24, 64…).")]
    public int Prefix { get; init; }
}

[Description("A network interface of a machine, as made, with the addresses the guest has on it.")]
public sealed record NetworkInterfaceState
{
    [Description("The libvirt network it is on, if any.")]
    public string? Network { get; init; }

    [Description("The host bridge it is on, if any.")]
    public string? Bridge { get; init; }

    [Description("Its MAC address.")]
    public string Mac { get; init; } = "";

    [Description("The NIC model the guest sees.")]
    public string Model { get; init; } = "";

    [Description("The fixed IPv4 address reserved for it on its network, if any.")]
    public string? Ip { get; init; }

    [Description("The DNS name reserved for it on its network, if any.")]
    public string? Hostname { get; init; }

    [Description(
        "Its addresses (no loopback or link-local ones). Empty while the machine is shut off or before the guest has "
            + "any."
    )]
    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = [];
}
