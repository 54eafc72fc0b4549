using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// A clone's disks and NVRAM: which source disks it copies, links or shares, and making its own files of them.
/// </summary>
internal static class CloneDisks
{
    /// <summary>
    /// The mode of one source disk: the per-disk exception, else shared for disks that are not the machine's own
    /// (CD-ROMs, read-only or shareable disks, empty drives), else the clone's mode.
    /// </summary>
    public static CloneDiskMode ModeOf(DomainDisk disk, CloneArgs inputs) =>
        inputs.Disks.FirstOrDefault(d => d.Target == disk.Target)?.Mode
        ?? (
            IsSharedByDefault(disk) ? CloneDiskMode.Share
            : inputs.Mode == CloneMode.Linked ? CloneDiskMode.Linked
            : CloneDiskMode.Full
        );

    public static bool IsSharedByDefault(DomainDisk disk) =>
        disk.Device is not "disk" || disk.ReadOnly || disk.Shareable || (disk.Path is null && disk.PoolVolume is null);

    /// <summary>
    /// The clone's own volume for one of its disks, as planned: a sparse copy, or a qcow2 overlay on the source's file.
    /// </summary>
    public static ClonedDisk Make(Connection libvirt, PlannedCloneDisk disk)
    {
        var (source, target) = (disk.SourceVolume!, disk.Volume!);
        using var pool = libvirt.LookupPool(target.Pool);
        if (disk.Mode == CloneDiskMode.Full)
        {
            using var sourceVolume = SourceVolume(libvirt, disk.Disk)
                ?? throw new ProviderException(
                    ErrorKind.NotFound,
                    $"The volume of disk {disk.Disk.Target} ('{source.Path}') is gone."
                );
            using var copy = pool.CopyVolume(
                new VolumeDefinition(target.Name, source.Capacity, source.Format),
                sourceVolume
            );
            return new ClonedDisk(copy.Path, source.Format);
        }
        var overlay = new VolumeDefinition(
            target.Name,
            source.Capacity,
            "qcow2",
            new BackingStore(source.Path, source.Format)
        );
        using var made = pool.CreateVolume(overlay);
        return new ClonedDisk(made.Path, "qcow2");
    }

    /// <summary>
    /// The file of the clone's own NVRAM (UEFI variables: boot entries, secure boot keys): next to the source's and
    /// named as libvirt names them; null for a source without one.
    /// </summary>
    public static string? NvramPath(DomainDefinition source, string cloneName) =>
        source.NvramPath is { } sourcePath
            ? Path.Combine(Path.GetDirectoryName(sourcePath) ?? "/", $"{cloneName}_VARS.fd")
            : null;

    /// <summary>
    /// Copies the source's NVRAM to <paramref name="path"/>. A source that never started has no file yet; libvirt then
    /// makes the clone's from the template at its first start.
    /// </summary>
    public static void CopyNvram(Connection libvirt, DomainDefinition source, string path) =>
        libvirt.CopyFile(source.NvramPath!, path);

    /// <summary>What the outputs say of one of the clone's disks.</summary>
    public static CloneVolume Describe(DomainDisk disk, CloneDiskMode mode, Connection libvirt)
    {
        using var volume = libvirt.FindVolume(disk.Path!);
        var described = volume?.Describe();
        return new CloneVolume
        {
            Target = disk.Target,
            Mode = LibvirtNames.Of(mode),
            Key = described?.Key ?? "",
            Path = disk.Path!,
            BackingPath = mode == CloneDiskMode.Linked ? described?.BackingStore?.Path : null,
        };
    }

    /// <summary>The volume that holds a source disk, or null when it is in no pool.</summary>
    public static StorageVolume? SourceVolume(Connection libvirt, DomainDisk disk)
    {
        if (disk.PoolVolume is var (poolName, volumeName))
        {
            using var pool = libvirt.FindPool(poolName);
            return pool?.FindVolume(volumeName);
        }
        return disk.Path is null ? null : libvirt.FindVolume(disk.Path);
    }

    /// <summary>The name of the clone's own volume for the disk at <paramref name="target"/>.</summary>
    public static string VolumeName(string cloneName, string target, string format) =>
        $"{cloneName}-{target}.{(format == "raw" ? "img" : format)}";
}
