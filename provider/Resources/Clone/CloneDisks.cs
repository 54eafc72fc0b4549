using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A clone's disks and NVRAM: which source disks it copies, links or shares, and making its own files of them.</summary>
internal static class CloneDisks
{
    /// <summary>
    /// The mode of one source disk: the per-disk exception, else shared for disks that are not the machine's own
    /// (CD-ROMs, read-only or shareable disks, empty drives), else the clone's mode.
    /// </summary>
    public static CloneDiskMode ModeOf(DomainDisk disk, CloneArgs inputs) =>
        inputs.Disks.FirstOrDefault(d => d.Target == disk.Target)?.Mode
        ?? (IsSharedByDefault(disk) ? CloneDiskMode.Share : inputs.Mode == CloneMode.Linked ? CloneDiskMode.Linked : CloneDiskMode.Full);

    public static bool IsSharedByDefault(DomainDisk disk) =>
        disk.Device is not "disk" || disk.ReadOnly || disk.Shareable || (disk.Path is null && disk.PoolVolume is null);

    /// <summary>Where the clone's own volume for one source disk goes: the pool given (else the source's), under a name of the clone's.</summary>
    public static PoolVolumeName Target(Connection libvirt, DomainDisk disk, CloneDiskMode mode, string cloneName, string? poolName)
    {
        using var sourceVolume = Source(libvirt, disk, mode);
        var format = mode == CloneDiskMode.Full ? sourceVolume.Describe().Format : "qcow2";
        return new PoolVolumeName(poolName ?? sourceVolume.PoolName, VolumeName(cloneName, disk.Target, format));
    }

    /// <summary>The clone's own volume for one source disk, at <paramref name="target"/>: a sparse copy, or a qcow2 overlay on the source's file.</summary>
    public static ClonedDisk Make(Connection libvirt, DomainDisk disk, CloneDiskMode mode, PoolVolumeName target)
    {
        using var sourceVolume = Source(libvirt, disk, mode);
        var described = sourceVolume.Describe();
        using var pool = libvirt.LookupPool(target.Pool);
        if (mode == CloneDiskMode.Full)
        {
            using var copy = pool.CopyVolume(new VolumeDefinition(target.Name, described.Capacity, described.Format), sourceVolume);
            return new ClonedDisk(copy.Path, described.Format);
        }
        using var overlay = pool.CreateVolume(new VolumeDefinition(target.Name, described.Capacity, "qcow2", new BackingStore(described.Path, described.Format)));
        return new ClonedDisk(overlay.Path, "qcow2");
    }

    private static StorageVolume Source(Connection libvirt, DomainDisk disk, CloneDiskMode mode) =>
        SourceVolume(libvirt, disk)
        ?? throw new ProviderException(ErrorKind.FailedPrecondition,
            $"Disk {disk.Target} ('{disk.Path}') is in no storage pool, so libvirt cannot {(mode == CloneDiskMode.Full ? "copy" : "make an overlay for")} it. Put it in a pool, or set its mode to share or skip in 'disks'.");

    /// <summary>
    /// The file of the clone's own NVRAM (UEFI variables: boot entries, secure boot keys): next to the source's and
    /// named as libvirt names them; null for a source without one.
    /// </summary>
    public static string? NvramPath(DomainDefinition source, string cloneName) =>
        source.NvramPath is { } sourcePath ? Path.Combine(Path.GetDirectoryName(sourcePath) ?? "/", $"{cloneName}_VARS.fd") : null;

    /// <summary>
    /// Copies the source's NVRAM to <paramref name="path"/>. A source that never started has no file yet; libvirt then
    /// makes the clone's from the template at its first start.
    /// </summary>
    public static void CopyNvram(Connection libvirt, DomainDefinition source, string path) => libvirt.CopyFile(source.NvramPath!, path);

    /// <summary>
    /// Where the clone's seed goes: into the source's CD-ROM that holds a NoCloud seed (so the clone never sees the
    /// template's), else into a new CD-ROM at the first sd target the source leaves free.
    /// </summary>
    public static CloneSeed Seed(Connection libvirt, DomainDefinition source, string cloudInit)
    {
        using var seed = libvirt.FindVolume(cloudInit)
            ?? throw new ProviderException(ErrorKind.NotFound, $"'cloudInit': no volume '{cloudInit}' exists on {libvirt.Uri}. Give a CloudInit's key.");
        var path = seed.Path;
        foreach (var disk in source.Disks.Where(d => d.Device == "cdrom"))
        {
            using var volume = MachineDisks.VolumeOf(disk, libvirt);
            if (volume is not null && NoCloudSeed.IsSeed(libvirt, volume)) return new CloneSeed(disk.Target, path);
        }
        var taken = source.Disks.Select(d => d.Target).ToHashSet();
        var target = Enumerable.Range(0, 26).Select(n => $"sd{(char)('a' + n)}").First(t => !taken.Contains(t));
        return new CloneSeed(target, path);
    }

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

    private static StorageVolume? SourceVolume(Connection libvirt, DomainDisk disk)
    {
        if (disk.PoolVolume is var (poolName, volumeName))
        {
            using var pool = libvirt.FindPool(poolName);
            return pool?.FindVolume(volumeName);
        }
        return disk.Path is null ? null : libvirt.FindVolume(disk.Path);
    }

    private static string VolumeName(string cloneName, string target, string format) =>
        $"{cloneName}-{target}.{(format == "raw" ? "img" : format)}";
}
