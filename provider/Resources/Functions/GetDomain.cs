using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public sealed record GetDomainArgs
{
    [Description("The domain's name or UUID.")]
    public required string Name { get; init; }
}

[Description("A disk of an existing domain, as its definition has it.")]
public sealed record GetDomainDisk
{
    [Description("The device name in the guest (vda, sdb, hdc…).")]
    public string Target { get; init; } = "";

    [Description("What the guest sees: disk or cdrom (or floppy, lun).")]
    public string Device { get; init; } = "";

    [Description(
        "The file or block device on the host (for a disk that names a pool volume: that volume's path); none for an "
            + "empty drive."
    )]
    public string? Path { get; init; }

    [Description(
        "The key of the storage volume that holds the disk, when a pool holds it: usable as a Volume's "
            + "backingStore.volume or a Domain disk's volume."
    )]
    public string? Volume { get; init; }

    [Description("Image format as the domain reads it (qcow2, raw…).")]
    public string Format { get; init; } = "";
}

public sealed record GetDomainResult
{
    [Description("The domain's UUID.")]
    public string Uuid { get; init; } = "";

    [Description("The domain's name.")]
    public string Name { get; init; } = "";

    [Description(
        "What the domain is doing, as libvirt says and as a Domain's 'state' output: running, shutoff, paused…"
    )]
    public string State { get; init; } = "";

    [Description("Whether a qemu process runs for the domain (running or paused), as a Domain's 'running'.")]
    public bool Running { get; init; }

    [Description("Memory in MiB, in its definition.")]
    public int Memory { get; init; }

    [Description("Number of virtual CPUs, in its definition.")]
    public int Vcpus { get; init; }

    [Description("Its disks and CD-ROM drives, in the order of its definition.")]
    public IReadOnlyList<GetDomainDisk> Disks { get; init; } = [];

    [Description("The MAC address of each network interface, in order.")]
    public IReadOnlyList<string> Macs { get; init; } = [];

    [Description(
        "The libvirt network of each network interface, in the same order as 'macs'; null for an interface on a "
            + "bridge or of another kind."
    )]
    public IReadOnlyList<string?> Networks { get; init; } = [];
}

[Description(
    "An existing domain (one made by hand, such as a template to clone), found by name or UUID. Its persistent "
        + "definition is read, as a Domain's is."
)]
public sealed class GetDomain : LibvirtFunction<GetDomainArgs, GetDomainResult>
{
    public override string Token => "libvirt:index:getDomain";

    protected override IReadOnlyList<CheckFailure> Check(GetDomainArgs args) => NameLength("name", args.Name);

    protected override Task<GetDomainResult> InvokeAsync(GetDomainArgs args, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var domain = libvirt.FindDomain(args.Name)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"No domain named or with UUID '{args.Name}' on {libvirt.Uri}. `virsh -c {libvirt.Uri} list --all` "
                    + "shows the domains there."
            );
        var definition = domain.Describe();
        return Task.FromResult(
            new GetDomainResult
            {
                Uuid = domain.Uuid,
                Name = domain.Name,
                State = LibvirtNames.Of(domain.State),
                Running = domain.IsActive,
                Memory = (int)(definition.MemoryKiB / 1024),
                Vcpus = definition.Vcpus,
                Disks = definition
                    .Disks.Select(disk =>
                    {
                        using var volume = MachineDisks.VolumeOf(disk, libvirt);
                        return new GetDomainDisk
                        {
                            Target = disk.Target,
                            Device = disk.Device,
                            Path = disk.Path ?? volume?.Path,
                            Volume = volume?.Key,
                            Format = disk.Format,
                        };
                    })
                    .ToList(),
                Macs = definition.Interfaces.Select(nic => nic.Mac ?? "").ToList(),
                Networks = definition.Interfaces.Select(nic => nic.Network).ToList(),
            }
        );
    }
}
