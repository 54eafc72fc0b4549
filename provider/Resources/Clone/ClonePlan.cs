using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>One disk of the source, and what the clone does with it.</summary>
/// <param name="SourceVolume">For a copied or linked disk, the source's volume; else null.</param>
/// <param name="Volume">For a copied or linked disk, the clone's own volume; else null.</param>
internal sealed record PlannedCloneDisk(
    DomainDisk Disk,
    CloneDiskMode Mode,
    VolumeDescription? SourceVolume,
    PoolVolumeName? Volume
);

/// <summary>
/// What a clone's create will do, computed from its inputs and the host's facts alone: each disk's mode and the
/// clone's volume for it, its NVRAM file, MACs and seed drive, the mark that lists what it makes, and the definitions.
/// </summary>
internal sealed record ClonePlan
{
    public required string Name { get; init; }
    public required string Uuid { get; init; }

    /// <summary>The resource's URN, which marks the domain as its own.</summary>
    public required string Owner { get; init; }

    public required CloneFacts Facts { get; init; }

    /// <summary>Every disk of the source, in its order.</summary>
    public required IReadOnlyList<PlannedCloneDisk> Disks { get; init; }

    /// <summary>The clone's own NVRAM file, when the source has one.</summary>
    public string? Nvram { get; init; }

    public required IReadOnlyList<string> Macs { get; init; }
    public CloneSeed? Seed { get; init; }
    public string? Description { get; init; }
    public ulong? MemoryKiB { get; init; }
    public int? Vcpus { get; init; }

    /// <summary>The clone's TPM device and CPU when the inputs give them; null keeps the template's.</summary>
    public DomainTpm? Tpm { get; init; }
    public DomainCpu? Cpu { get; init; }

    /// <summary>The clone's shared folders; null keeps the template's.</summary>
    public IReadOnlyList<DomainFilesystem>? Filesystems { get; init; }

    public string? Xslt { get; init; }

    /// <summary>What the create makes, noted in the domain's mark until it is whole.</summary>
    public required UnfinishedCreate Unfinished { get; init; }

    /// <summary>The disks the clone gets volumes of its own for, copied or linked.</summary>
    public IEnumerable<PlannedCloneDisk> OwnDisks => Disks.Where(d => d.Volume is not null);

    /// <summary>
    /// The empty domain that takes the clone's name first, marked with the resource's URN and what the create makes:
    /// if libvirtd or the provider dies half-way, the next create of the resource finds and removes it all.
    /// </summary>
    public DomainDefinition Placeholder =>
        new()
        {
            Name = Name,
            Uuid = Uuid,
            Type = Facts.Template.Type,
            MemoryKiB = Facts.Template.MemoryKiB,
            Vcpus = Facts.Template.Vcpus,
            Owner = Owner,
            Unfinished = Unfinished,
        };

    /// <summary>
    /// What the clone's definition changes of the source's, once its own disks are <paramref name="made"/>.
    /// </summary>
    public CloneChanges Changes(IReadOnlyDictionary<string, ClonedDisk> made) =>
        new()
        {
            Name = Name,
            Uuid = Uuid,
            SourceUuid = Facts.SourceUuid,
            Owner = Owner,
            Unfinished = Unfinished,
            Description = Description,
            Macs = Macs,
            Disks = Disks
                .Where(d => d.Mode != CloneDiskMode.Share)
                .ToDictionary(d => d.Disk.Target, d => d.Mode == CloneDiskMode.Skip ? null : made[d.Disk.Target]),
            NvramPath = Nvram,
            MemoryKiB = MemoryKiB,
            Vcpus = Vcpus,
            Seed = Seed,
            Tpm = Tpm,
            Cpu = Cpu,
            Filesystems = Filesystems,
            Xslt = Xslt,
        };

    /// <summary>
    /// The plan for <paramref name="inputs"/> (checked, with a name) against <paramref name="facts"/>; new MACs are
    /// drawn against the ones taken. Refuses a running source and a disk to copy or link that is in no pool.
    /// </summary>
    public static ClonePlan For(CloneArgs inputs, CloneFacts facts, string uuid, string owner)
    {
        var (template, name) = (facts.Template, inputs.Name!);
        if (facts.SourceRunning)
        {
            throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"The source domain '{template.Name}' is running: its disks would be cloned while they change. Shut it "
                    + $"down first (`virsh shutdown {template.Name}`, or running: false on its Domain)."
            );
        }
        var disks = template
            .Disks.Select(disk => PlanDisk(disk, CloneDisks.ModeOf(disk, inputs), name, inputs.Pool, facts))
            .ToList();
        var nvram = CloneDisks.NvramPath(template, name);
        var taken = new HashSet<string>(facts.TakenMacs);
        return new ClonePlan
        {
            Name = name,
            Uuid = uuid,
            Owner = owner,
            Facts = facts,
            Disks = disks,
            Nvram = nvram,
            Macs = inputs.Macs?.ToList() ?? template.Interfaces.Select(_ => MacAddresses.NewUnique(taken)).ToList(),
            Seed = facts.SeedPath is { } seedPath
                ? new CloneSeed(facts.SeedDrive ?? FreeDrive(template), seedPath)
                : null,
            Description = inputs.Description,
            MemoryKiB = (ulong?)inputs.Memory * 1024,
            Vcpus = inputs.Vcpus,
            Tpm = MachineTpm.Definition(inputs.Tpm),
            Cpu = MachineCpu.Definition(inputs.Cpu),
            Filesystems = inputs.Filesystems is { } filesystems ? MachineFilesystems.Definition(filesystems) : null,
            Xslt = inputs.Xslt,
            Unfinished = new UnfinishedCreate(
                [.. disks.Select(d => d.Volume).OfType<PoolVolumeName>()],
                nvram is null ? [] : [nvram]
            ),
        };
    }

    private static PlannedCloneDisk PlanDisk(
        DomainDisk disk,
        CloneDiskMode mode,
        string name,
        string? pool,
        CloneFacts facts
    )
    {
        if (mode is not (CloneDiskMode.Full or CloneDiskMode.Linked))
            return new PlannedCloneDisk(disk, mode, null, null);
        var (sourcePool, source) = facts.SourceVolumes[disk.Target]
            ?? throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"Disk {disk.Target} ('{disk.Path}') is in no storage pool, so libvirt cannot "
                    + $"{(mode == CloneDiskMode.Full ? "copy" : "make an overlay for")} it. Put it in a pool, or set "
                    + "its mode "
                    + "to share or skip in 'disks'."
            );
        var format = mode == CloneDiskMode.Full ? source.Format : "qcow2";
        return new PlannedCloneDisk(
            disk,
            mode,
            source,
            new PoolVolumeName(pool ?? sourcePool, CloneDisks.VolumeName(name, disk.Target, format))
        );
    }

    /// <summary>
    /// Where the clone's seed goes when the source has no CD-ROM holding a seed (whose file the clone's replaces, so
    /// that it never sees the template's): a new CD-ROM at the first sd target the source leaves free.
    /// </summary>
    private static string FreeDrive(DomainDefinition template)
    {
        var taken = template.Disks.Select(d => d.Target).ToHashSet();
        return Enumerable.Range(0, 26).Select(n => $"sd{(char)('a' + n)}").First(t => !taken.Contains(t));
    }
}
