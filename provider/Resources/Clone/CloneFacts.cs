using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What a clone's create needs to know of the host, read before anything is made (<see cref="ClonePlan"/>).
/// </summary>
internal sealed record CloneFacts
{
    /// <summary>The source's persistent XML, which the clone's definition is made of.</summary>
    public required string TemplateXml { get; init; }

    public required DomainDefinition Template { get; init; }
    public required string SourceUuid { get; init; }
    public required bool SourceRunning { get; init; }

    /// <summary>
    /// By target, for each disk the clone copies or links: its pool and volume; null for a disk in no pool.
    /// </summary>
    public required IReadOnlyDictionary<string, (string Pool, VolumeDescription Volume)?> SourceVolumes { get; init; }

    /// <summary>The MACs other domains have.</summary>
    public required IReadOnlySet<string> TakenMacs { get; init; }

    /// <summary>The file of the 'cloudInit' seed, when one is given.</summary>
    public string? SeedPath { get; init; }

    /// <summary>
    /// The first of the source's CD-ROMs that holds a NoCloud seed (looked for only when a seed is given).
    /// </summary>
    public string? SeedDrive { get; init; }

    public static CloneFacts Read(Connection libvirt, LibvirtDomain source, CloneArgs inputs)
    {
        var xml = source.Xml();
        var template = DomainDefinition.Parse(xml);
        var sourceVolumes = new Dictionary<string, (string, VolumeDescription)?>();
        foreach (
            var disk in template.Disks.Where(d =>
                CloneDisks.ModeOf(d, inputs) is CloneDiskMode.Full or CloneDiskMode.Linked
            )
        )
        {
            using var volume = CloneDisks.SourceVolume(libvirt, disk);
            sourceVolumes[disk.Target] = volume is null ? null : (volume.PoolName, volume.Describe());
        }
        return new CloneFacts
        {
            TemplateXml = xml,
            Template = template,
            SourceUuid = source.Uuid,
            SourceRunning = source.IsActive,
            SourceVolumes = sourceVolumes,
            TakenMacs = MacAddresses.InUse(libvirt),
            SeedPath = inputs.CloudInit is { } cloudInit ? SeedFile(libvirt, cloudInit) : null,
            SeedDrive = inputs.CloudInit is null ? null : FirstSeedDrive(libvirt, template),
        };
    }

    private static string SeedFile(Connection libvirt, string cloudInit)
    {
        using var seed = libvirt.FindVolume(cloudInit)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"'cloudInit': no volume '{cloudInit}' exists on {libvirt.Uri}. Give a CloudInit's key."
            );
        return seed.Path;
    }

    private static string? FirstSeedDrive(Connection libvirt, DomainDefinition template)
    {
        foreach (var disk in template.Disks.Where(d => d.Device == "cdrom"))
        {
            using var volume = MachineDisks.VolumeOf(disk, libvirt);
            if (volume is not null && NoCloudSeed.IsSeed(libvirt, volume))
                return disk.Target;
        }
        return null;
    }
}
