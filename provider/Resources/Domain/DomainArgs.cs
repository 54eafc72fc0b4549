using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public enum DomainType
{
    Kvm,
    Qemu,
}

public enum DiskDevice
{
    Disk,
    Cdrom,
}

public enum DiskBus
{
    Virtio,
    Sata,
    Scsi,
    Ide,
}

public enum DomainFirmware
{
    Bios,
    Efi,
}

public enum ConsoleType
{
    Pty,
    File,
}

public enum GraphicsType
{
    Vnc,
    Spice,
}

[Description("A disk of a domain: a storage volume or a file on the libvirt host.")]
public sealed record DomainDiskArgs
{
    [Description("Key or path of a storage volume (for example a Volume's key). Give either this or 'file'.")]
    public string? Volume { get; init; }

    [Description(
        "Path of a file on the libvirt host (an ISO image, a disk image outside any pool). Give either this or "
            + "'volume'. On a local connection it must be a regular file that holds a disk image: qcow2, or raw data "
            + "(a whole number of 512-byte sectors, not text), as a raw image or an ISO is. Symlinks and '..' are "
            + "resolved before it is judged."
    )]
    public string? File { get; init; }

    [Description(
        "The 'file' is a block device of the host (a disk, a partition, an LVM volume) that the guest reads and "
            + "writes directly. Without it a block device is refused, so that no host disk becomes a guest's by "
            + "accident; a device the host has mounted or uses is refused even with it."
    )]
    public bool BlockDevice { get; init; }

    [Description("What the guest sees: a disk or a CD-ROM drive.")]
    public DiskDevice Device { get; init; } = DiskDevice.Disk;

    [Description(
        "The bus the disk is on. A CD-ROM needs sata, scsi or ide. Default: virtio for a disk, sata for a CD-ROM."
    )]
    public DiskBus? Bus { get; init; }

    [Description(
        "The device name in the guest (vda, sdb, hdc…). Default: the next free name for the bus, in list order."
    )]
    public string? Target { get; init; }

    [Description("Attach the disk read-only.")]
    public bool ReadOnly { get; init; }
}

[Description("A network interface of a domain.")]
public sealed record DomainNetworkInterfaceArgs
{
    [Description(
        "Name of a libvirt network (e.g. default). It must exist and be active, also with running: false "
            + "(the domain could not start later otherwise). Give either this or 'bridge'."
    )]
    public string? Network { get; init; }

    [Description("Name of a bridge on the host (e.g. br0). Give either this or 'network'.")]
    public string? Bridge { get; init; }

    [Description(
        "MAC address. Default: a random 52:54:00:xx:xx:xx that no other domain uses, kept for the life of the domain."
    )]
    public string? Mac { get; init; }

    [Description(
        "The NIC model the guest sees: virtio, virtio-transitional, virtio-non-transitional, e1000, e1000e, igb, "
            + "rtl8139, vmxnet3, ne2k_pci, pcnet, i82559er or usb-net."
    )]
    public string Model { get; init; } = "virtio";

    [Description(
        "A fixed IPv4 address for this interface: on a libvirt network with DHCP, a DHCP host entry (MAC → address) "
            + "is added to the network while the domain exists."
    )]
    public string? Ip { get; init; }

    [Description(
        "A DNS name for this interface: on a libvirt network, a DNS host entry (name → its address) is added to the "
            + "network while the domain exists."
    )]
    public string? Hostname { get; init; }
}

[Description("The domain's serial console.")]
public sealed record DomainConsoleArgs
{
    [Description(
        "pty: a pseudo-terminal (virsh console); file: everything the guest writes goes to 'path' on the host."
    )]
    public ConsoleType Type { get; init; } = ConsoleType.Pty;

    [Description(
        "For type file: the log file's path on the libvirt host. qemu overwrites the file, so it must be new (in an "
            + "existing folder) or this domain's own console log."
    )]
    public string? Path { get; init; }
}

[Description("A graphical display for the domain.")]
public sealed record DomainGraphicsArgs
{
    [Description("The display protocol.")]
    public required GraphicsType Type { get; init; }

    [Description(
        "The host's IP address the display listens on (127.0.0.1, 0.0.0.0, ::1…); its port is chosen by libvirt."
    )]
    public string Listen { get; init; } = "127.0.0.1";
}

public sealed record DomainArgs
{
    [AutoName, ReplaceOnChange]
    [Description("Name of the domain. Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [Description("A free-form description, shown by virsh and virt-manager. At most 65536 bytes.")]
    public string? Description { get; init; }

    [ReplaceOnChange]
    [Description("kvm (hardware virtualisation) or qemu (software emulation, slower, works without /dev/kvm).")]
    public DomainType Type { get; init; } = DomainType.Kvm;

    [Description(
        "Memory in MiB, at most the host's memory. A change is made in the definition: a running domain "
            + "gets it at its next boot."
    )]
    public int Memory { get; init; } = 512;

    [Description(
        "Number of virtual CPUs, at most the hypervisor's limit. A change is made in the definition: a "
            + "running domain gets it at its next boot."
    )]
    public int Vcpus { get; init; } = 1;

    [Description("The disks, in boot order.")]
    public IReadOnlyList<DomainDiskArgs> Disks { get; init; } = [];

    [Description("The network interfaces, in order.")]
    public IReadOnlyList<DomainNetworkInterfaceArgs> NetworkInterfaces { get; init; } = [];

    [ReplaceOnChange]
    [Description("bios or efi (UEFI firmware and its NVRAM chosen by libvirt).")]
    public DomainFirmware Firmware { get; init; } = DomainFirmware.Bios;

    [Description(
        "Direct kernel boot: path of the kernel on the libvirt host. On a local connection it must be a regular file "
            + "that is not text."
    )]
    public string? Kernel { get; init; }

    [Description(
        "Direct kernel boot: path of the initrd on the libvirt host. On a local connection it must be a regular file "
            + "that is not text."
    )]
    public string? Initrd { get; init; }

    [Description("Direct kernel boot: the kernel command line.")]
    public string? Cmdline { get; init; }

    [Description("The serial console. Default: a pty.")]
    public DomainConsoleArgs? Console { get; init; }

    [Description("A graphical display (VNC or SPICE). Default: none.")]
    public DomainGraphicsArgs? Graphics { get; init; }

    [Description("Host folders the guest mounts by their tags. A running domain gets a change at its next boot.")]
    public IReadOnlyList<DomainFilesystemArgs> Filesystems { get; init; } = [];

    [Description(DefinitionXsltCheck.Description)]
    public string? Xslt { get; init; }

    [Description(
        "Whether the domain runs. Setting it to false shuts the guest down (by force after 'shutdownTimeout')."
    )]
    public bool Running { get; init; } = true;

    [Description("Whether libvirt starts the domain when the host boots.")]
    public bool Autostart { get; init; }

    [Description(
        "Seconds to wait for a graceful shutdown before stopping the domain by force (on delete or running: false)."
    )]
    public int ShutdownTimeout { get; init; } = 30;

    [Description(
        "On delete, delete the snapshots the domain still has (taken outside Pulumi, or no longer in the "
            + "program: the stack's own Snapshot resources are deleted first), with their data, instead of refusing "
            + "the "
            + "delete. A delete reads it from the state: set it and run `pulumi up` first."
    )]
    public bool DeleteSnapshots { get; init; }

    [Description(
        "Add the QEMU guest agent's channel. The agent (qemu-guest-agent in the guest) then reports addresses and "
            + "shuts the guest down cleanly before ACPI is tried."
    )]
    public bool QemuAgent { get; init; }

    [Description(
        "Wait until the guest has addresses before the create (or an update that starts it) completes: "
            + "every interface on a libvirt network, or with source agent or arp, or when no interface is on one, any "
            + "interface. The engine log shows the wait every 10 s."
    )]
    public WaitForIpArgs? WaitForIp { get; init; }

    [Description("An emulated TPM (Windows 11 needs a TPM 2.0). Default: none.")]
    public MachineTpmArgs? Tpm { get; init; }

    [ReplaceOnChange]
    [Description(
        "UEFI Secure Boot with Microsoft's keys enrolled (Windows 11): needs 'firmware: efi'; libvirt picks "
            + "the Secure Boot build of the host's OVMF (package ovmf), the q35 machine and SMM."
    )]
    public bool SecureBoot { get; init; }

    [Description("The CPU the guest sees. Default: libvirt's.")]
    public MachineCpuArgs? Cpu { get; init; }

    [Description("The video device. Default: libvirt's (one, when there are graphics).")]
    public DomainVideoArgs? Video { get; init; }

    [Description("A virtio RNG fed from the host's /dev/urandom, so that the guest has entropy early in its boot.")]
    public bool Rng { get; init; }
}

/// <summary>What a domain adds to its inputs in the outputs.</summary>
public sealed record DomainState
{
    [Computed]
    [Description("The domain's UUID (also the resource id).")]
    public string Uuid { get; init; } = "";

    // Unknown in a create preview, like the Uuid: a Clone whose source names this domain then skips its "the source
    // exists" check in that preview, where the domain is not made yet.
    [Computed]
    [Description("The domain's name, for a Clone's 'source'.")]
    public string Name { get; init; } = "";

    [Computed]
    [Description("The MAC address of each network interface, in order: given, or assigned once and kept.")]
    public IReadOnlyList<string> Macs { get; init; } = [];

    [Computed]
    [Description("What the domain is doing, as libvirt says: running, shutoff, paused…")]
    public string State { get; init; } = "";

    [Computed]
    [Description("Each network interface, in order, with its MAC and the addresses the guest has on it.")]
    public IReadOnlyList<NetworkInterfaceState> NetworkInterfaces { get; init; } = [];

    [Computed]
    [Description("The first IPv4 address of the first interface: the one for `ssh`. Empty while there is none.")]
    public string IpAddress { get; init; } = "";
}
