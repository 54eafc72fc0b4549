namespace PulumiLibvirt.Libvirt;

/// <summary>A libvirt storage pool.</summary>
public sealed class StoragePool : IDisposable
{
    private readonly StoragePoolHandle _handle;

    internal StoragePool(StoragePoolHandle handle) => _handle = handle;

    public string Name => LibvirtCall.BorrowString(Native.virStoragePoolGetName(_handle));

    public bool IsActive => LibvirtCall.Check(Native.virStoragePoolIsActive(_handle)) == 1;

    public void Refresh() => LibvirtCall.Check(Native.virStoragePoolRefresh(_handle, 0));

    /// <summary>
    /// Refreshes the pool so that files put in it outside libvirt are seen; a pool busy with a copy (another resource's
    /// full clone) refuses, and its files are then looked up as they are.
    /// </summary>
    public void RefreshIfIdle()
    {
        try { Refresh(); }
        catch (LibvirtException) { }
    }

    public IReadOnlyList<StorageVolume> ListVolumes()
    {
        var count = LibvirtCall.Check(Native.virStoragePoolListAllVolumes(_handle, out var array, 0));
        return LibvirtCall.TakeArray(count, array, v => new StorageVolume(new StorageVolumeHandle(v)));
    }

    public StorageVolume? FindVolume(string name) =>
        Connection.NullIfNotFound(() => new StorageVolume(LibvirtCall.Check(Native.virStorageVolLookupByName(_handle, name))));

    public StorageVolume CreateVolume(VolumeDefinition definition) =>
        new(LibvirtCall.Check(Native.virStorageVolCreateXML(_handle, definition.ToXml(), 0)));

    /// <summary>
    /// A new volume holding a copy of <paramref name="source"/> (which may be in another pool): libvirt copies on
    /// the host, skipping holes, so it works on remote hosts and keeps sparse images sparse.
    /// </summary>
    public StorageVolume CopyVolume(VolumeDefinition definition, StorageVolume source) =>
        new(LibvirtCall.Check(Native.virStorageVolCreateXMLFrom(_handle, definition.ToXml(), source.Handle, 0)));

    internal void BuildAndStart()
    {
        LibvirtCall.Check(Native.virStoragePoolBuild(_handle, 0));
        LibvirtCall.Check(Native.virStoragePoolCreate(_handle, 0));
    }

    /// <summary>Stops the pool, deletes its (empty) folder and forgets it.</summary>
    public void DestroyAndUndefine()
    {
        if (IsActive) LibvirtCall.Check(Native.virStoragePoolDestroy(_handle));
        LibvirtCall.Check(Native.virStoragePoolDelete(_handle, 0));
        Undefine();
    }

    internal void Undefine() => LibvirtCall.Check(Native.virStoragePoolUndefine(_handle));

    public void Dispose() => _handle.Dispose();
}
