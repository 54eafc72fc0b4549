using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>The storage behind a machine's disks.</summary>
internal static class MachineDisks
{
    /// <summary>
    /// The storage volume that holds a disk, when a pool holds it (a disk of type volume, or a file in a pool).
    /// </summary>
    public static StorageVolume? VolumeOf(DomainDisk disk, Connection libvirt)
    {
        if (disk.PoolVolume is var (poolName, volumeName))
        {
            using var pool = libvirt.LookupPool(poolName);
            return pool.FindVolume(volumeName);
        }
        return disk.Path is null ? null : libvirt.FindVolume(disk.Path);
    }
}
