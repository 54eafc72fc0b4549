using System.ComponentModel;

namespace PulumiLibvirt.Resources;

public enum AddressSource
{
    Any,
    Lease,
    Agent,
    Arp,
}

[Description("Wait for the machine's addresses on create and on any update that starts it.")]
public sealed record WaitForIpArgs
{
    [Description(
        "Seconds to wait. When they pass, the machine is kept and recorded, and the next `pulumi up` waits again."
    )]
    public int Timeout { get; init; } = 300;

    [Description(
        "Where addresses come from: lease (the DHCP leases of libvirt's networks), agent (the QEMU guest agent, "
            + "which needs qemuAgent), arp (the host's ARP table), or any (each of them, in that order)."
    )]
    public AddressSource Source { get; init; } = AddressSource.Any;
}
