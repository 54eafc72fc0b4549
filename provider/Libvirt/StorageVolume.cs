namespace PulumiLibvirt.Libvirt;

/// <summary>A libvirt storage volume.</summary>
public sealed class StorageVolume : IDisposable
{
    private readonly StorageVolumeHandle _handle;

    internal StorageVolume(StorageVolumeHandle handle) => _handle = handle;

    internal StorageVolumeHandle Handle => _handle;

    public string Key => LibvirtCall.BorrowString(Native.virStorageVolGetKey(_handle));

    /// <summary>The volume's name in its pool.</summary>
    public string Name => LibvirtCall.BorrowString(Native.virStorageVolGetName(_handle));

    public string Path => LibvirtCall.TakeString(Native.virStorageVolGetPath(_handle));

    public VolumeDescription Describe() =>
        VolumeDescription.Parse(LibvirtCall.TakeString(Native.virStorageVolGetXMLDesc(_handle, 0)));

    public StoragePool GetPool() => new(LibvirtCall.Check(Native.virStoragePoolLookupByVolume(_handle)));

    /// <summary>The name of the pool that holds the volume.</summary>
    public string PoolName
    {
        get
        {
            using var pool = GetPool();
            return pool.Name;
        }
    }

    /// <summary>Grows the volume in place; the data in it is kept.</summary>
    public void Resize(ulong capacity) => LibvirtCall.Check(Native.virStorageVolResize(_handle, capacity, 0));

    public void Delete()
    {
        var key = Key;
        LibvirtCall.Check(Native.virStorageVolDelete(_handle, 0));
        VolumeIndex.Forget(key);
    }

    public void Dispose() => _handle.Dispose();
}
