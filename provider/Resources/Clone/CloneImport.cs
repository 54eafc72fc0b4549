using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The inputs that would declare a clone made elsewhere (pulumi import): the source, the mode its disks show
/// (linked when they are overlays on the source's disks), and the disks it shares with the source or left out.
/// </summary>
internal static class CloneImport
{
    /// <param name="sourceId">The source as noted in the clone or named in the import id; null to infer it from the
    /// disks.</param>
    public static CloneArgs Inputs(DomainDefinition clone, string? sourceId, Connection libvirt)
    {
        var backingPaths = clone.Disks.Select(d => BackingPathOf(d, libvirt)).OfType<string>().ToHashSet();
        using var source = (sourceId is null ? null : libvirt.FindDomain(sourceId))
            ?? InferSource(clone.Name, backingPaths, libvirt)
            ?? throw new ProviderException(
                ErrorKind.InvalidArgument,
                $"Cannot tell which domain '{clone.Name}' was cloned from. Import it with the id "
                    + $"'{clone.Name}/SOURCE', naming the template domain."
            );
        var template = source.Describe();
        var overrides = new List<CloneDiskArgs>();
        foreach (var sourceDisk in template.Disks)
        {
            var cloneDisk = clone.Disks.FirstOrDefault(d => d.Target == sourceDisk.Target);
            if (cloneDisk is null)
                overrides.Add(new CloneDiskArgs { Target = sourceDisk.Target, Mode = CloneDiskMode.Skip });
            else if (cloneDisk.Path == sourceDisk.Path && !CloneDisks.IsSharedByDefault(sourceDisk))
                overrides.Add(new CloneDiskArgs { Target = sourceDisk.Target, Mode = CloneDiskMode.Share });
        }
        return new CloneArgs
        {
            Source = template.Name,
            Name = clone.Name,
            Description = clone.Description == template.Description ? null : clone.Description,
            Mode = template.Disks.Any(d => d.Path is not null && backingPaths.Contains(d.Path))
                ? CloneMode.Linked
                : CloneMode.Full,
            Disks = overrides,
            Memory = clone.MemoryKiB == template.MemoryKiB ? null : (int)(clone.MemoryKiB / 1024),
            Vcpus = clone.Vcpus == template.Vcpus ? null : clone.Vcpus,
        };
    }

    /// <summary>
    /// The domain whose disks the clone's disks are overlays on (their <paramref name="backingPaths"/>), if any.
    /// </summary>
    private static LibvirtDomain? InferSource(string cloneName, IReadOnlySet<string> backingPaths, Connection libvirt)
    {
        var source = libvirt
            .DescribeAllDomains()
            .FirstOrDefault(d =>
                d.Name != cloneName && d.Disks.Any(disk => disk.Path is not null && backingPaths.Contains(disk.Path))
            );
        return source is null ? null : libvirt.FindDomain(source.Name);
    }

    private static string? BackingPathOf(DomainDisk disk, Connection libvirt)
    {
        if (disk.Path is null)
            return null;
        using var volume = libvirt.FindVolume(disk.Path);
        return volume?.Describe().BackingStore?.Path;
    }
}
