using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public enum CloneMode
{
    Full,
    Linked,
}

public enum CloneDiskMode
{
    Full,
    Linked,
    Share,
    Skip,
}

[Description("How one disk of the source is cloned.")]
public sealed record CloneDiskArgs
{
    [Description("The disk's target in the source (vda, sdb…).")]
    public required string Target { get; init; }

    [Description(
        "full: a copy; linked: a qcow2 overlay on the source's disk; share: the clone uses the source's file itself "
            + "(only safe when at most one of them writes it); skip: the clone has no such disk."
    )]
    public required CloneDiskMode Mode { get; init; }
}

[Description("A disk of the clone, as made.")]
public sealed record CloneVolume
{
    [Description("The disk's target (vda, sdb…).")]
    public string Target { get; init; } = "";

    [Description("full, linked or share.")]
    public string Mode { get; init; } = "";

    [Description("libvirt's key of the disk's volume (empty for a shared file outside any pool).")]
    public string Key { get; init; } = "";

    [Description("The disk's file on the libvirt host.")]
    public string Path { get; init; } = "";

    [Description("For a linked disk: the source's file it is an overlay on.")]
    public string? BackingPath { get; init; }
}

[Description("What a clone gets on one of its network interfaces, by position.")]
public sealed record CloneNetworkInterfaceArgs
{
    [Description(
        "A fixed IPv4 address for this interface: on a libvirt network with DHCP, a DHCP host entry (MAC → address) "
            + "is added to the network while the clone exists."
    )]
    public string? Ip { get; init; }

    [Description(
        "A DNS name for this interface: on a libvirt network, a DNS host entry (name → its address) is added to the "
            + "network while the clone exists."
    )]
    public string? Hostname { get; init; }
}

public sealed record CloneArgs
{
    [ReplaceOnChange]
    [Description("Name or UUID of the domain to clone (the template). It must be shut off when the clone is made.")]
    public required string Source { get; init; }

    [AutoName, ReplaceOnChange]
    [Description("Name of the clone. Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [Description("The clone's description. Default: the source's.")]
    public string? Description { get; init; }

    [ReplaceOnChange]
    [Description(
        "full: each writable disk is copied (sparse); linked: each writable disk becomes a qcow2 overlay on the "
            + "source's disk, made in constant time whatever its size. Read-only and shareable disks and CD-ROMs are "
            + "shared."
    )]
    public CloneMode Mode { get; init; } = CloneMode.Full;

    [ReplaceOnChange]
    [Description("Per-disk exceptions to 'mode', by target.")]
    public IReadOnlyList<CloneDiskArgs> Disks { get; init; } = [];

    [ReplaceOnChange]
    [Description("The pool for the clone's new volumes. Default: the pool of each source disk.")]
    public string? Pool { get; init; }

    [ReplaceOnChange]
    [Description("MAC addresses, one per interface of the source. Default: new ones that no domain uses.")]
    public IReadOnlyList<string>? Macs { get; init; }

    [Description("Memory in MiB. Default: the source's. A running clone gets a change at its next boot.")]
    public int? Memory { get; init; }

    [Description("Number of virtual CPUs. Default: the source's. A running clone gets a change at its next boot.")]
    public int? Vcpus { get; init; }

    [Description(
        "Host folders the clone mounts by their tags, in place of the template's (a student's own folder per "
            + "clone); an empty list shares none. Default: the template's. A running clone gets a change at its next "
            + "boot."
    )]
    public IReadOnlyList<DomainFilesystemArgs>? Filesystems { get; init; }

    // Replaced, not updated: the clone's definition is the template's with the clone's changes, made once; a new
    // stylesheet has no untransformed definition to apply to but a new clone's.
    [ReplaceOnChange]
    [Description(
        DefinitionXsltCheck.Description
            + " On a Clone a change makes a new clone, and Check only compiles "
            + "the stylesheet: libvirt judges its result when the clone is defined."
    )]
    public string? Xslt { get; init; }

    [Description(
        "Whether the clone runs. Setting it to false shuts the guest down (by force after 'shutdownTimeout')."
    )]
    public bool Running { get; init; } = true;

    [Description("Whether libvirt starts the clone when the host boots.")]
    public bool Autostart { get; init; }

    [Description(
        "Seconds to wait for a graceful shutdown before stopping the clone by force (on delete or running: false)."
    )]
    public int ShutdownTimeout { get; init; } = 30;

    [Description(
        "On delete, delete the snapshots the clone still has (taken outside Pulumi, or no longer in the "
            + "program: the stack's own Snapshot resources are deleted first), with their data, instead of refusing "
            + "the "
            + "delete. A delete reads it from the state: set it and run `pulumi up` first."
    )]
    public bool DeleteSnapshots { get; init; }

    [Description(
        "Per interface of the source, in order: a fixed IP and DNS name for the clone on that interface's network."
    )]
    public IReadOnlyList<CloneNetworkInterfaceArgs> NetworkInterfaces { get; init; } = [];

    [Description(
        "Wait until the guest has addresses before the create (or an update that starts it) completes: "
            + "every interface on a libvirt network, or with source agent or arp, or when no interface is on one, any "
            + "interface. The engine log shows the wait every 10 s."
    )]
    public WaitForIpArgs? WaitForIp { get; init; }

    // Replaced, not updated: cloud-init reads a seed at an instance's first boot, so a new seed only counts for a new
    // machine.
    [ReplaceOnChange]
    [Description(
        "Key of a CloudInit seed for this clone alone (the template is untouched): it takes the place of the "
            + "template's NoCloud seed CD-ROM (one labelled cidata), or is added as a sata CD-ROM at the next free "
            + "target. A change makes a new clone, which boots with the new seed."
    )]
    public string? CloudInit { get; init; }

    [ReplaceOnChange]
    [Description(
        "Make the guest a distinct machine before its first boot (hostname, machine-id, SSH host keys, DHCP "
            + "leases, persistent net rules), with virt-sysprep on the clone's own disks. Needs libguestfs-tools on "
            + "the "
            + "libvirt host: this machine for a local URI, else the host of a qemu+ssh:// URI, where it runs over SSH. "
            + "Takes tens of seconds per clone."
    )]
    public CloneIdentityArgs? Identity { get; init; }

    [Description(
        "Any value: when it changes (not at create), the update resets the clone: its disks are made "
            + "afresh from the source (overlays made again, full copies copied again, shared disks left alone) and its "
            + "identity or seed applies again, keeping its name, UUID, MACs and addresses. A running clone is stopped "
            + "first and started after; its snapshots go with its old disks. Give a class's clones one config value to "
            + "reset them all with one `pulumi up`."
    )]
    public string? ResetOn { get; init; }

    [Description(
        "The clone's emulated TPM. Default: the template's TPM device, if it has one. Either way the clone's "
            + "TPM state is its own, new and empty: libvirt keeps it under the clone's UUID, so no secret sealed in "
            + "the "
            + "template's TPM is shared."
    )]
    public MachineTpmArgs? Tpm { get; init; }

    [Description("The CPU the clone sees. Default: the template's.")]
    public MachineCpuArgs? Cpu { get; init; }
}

/// <summary>
/// What a clone adds to its inputs in the outputs; memory, vCPUs, MACs and identity replace the inputs of those names.
/// </summary>
public sealed record CloneState
{
    [Computed]
    [Description("The clone's UUID (also the resource id).")]
    public string Uuid { get; init; } = "";

    // Unknown in a create preview, like the Uuid: a Clone whose source names this domain then skips its "the source
    // exists" check in that preview, where the domain is not made yet.
    [Computed]
    [Description("The clone's name, for another Clone's 'source'.")]
    public string Name { get; init; } = "";

    [Computed]
    [Description("UUID of the domain the clone was made from.")]
    public string SourceUuid { get; init; } = "";

    [Computed]
    [Description("The MAC address of each network interface, in order.")]
    public IReadOnlyList<string> Macs { get; init; } = [];

    [Computed]
    [Description("Memory in MiB.")]
    public int Memory { get; init; }

    [Computed]
    [Description("Number of virtual CPUs.")]
    public int Vcpus { get; init; }

    [Computed]
    [Description(
        "The clone's disks: target, mode, volume key, path, and for linked disks the file they are an overlay on."
    )]
    public IReadOnlyList<CloneVolume> Volumes { get; init; } = [];

    [Computed]
    [Description("What the clone is doing, as libvirt says: running, shutoff, paused…")]
    public string State { get; init; } = "";

    [Computed]
    [Description("Each network interface, in order, with its MAC and the addresses the guest has on it.")]
    public IReadOnlyList<NetworkInterfaceState> NetworkInterfaces { get; init; } = [];

    [Computed]
    [Description("The first IPv4 address of the first interface: the one for `ssh`. Empty while there is none.")]
    public string IpAddress { get; init; } = "";

    [Computed]
    [Description(
        "The identity applied: the guest's hostname, the operations, and the public SSH host keys put in place."
    )]
    public AppliedIdentity? Identity { get; init; }
}
