using System.Text;

namespace PulumiLibvirt.Libvirt;

/// <summary>A libvirt storage pool.</summary>
public sealed class StoragePool : IDisposable
{
    private readonly StoragePoolHandle _handle;

    internal StoragePool(StoragePoolHandle handle) => _handle = handle;

    public string Name => LibvirtCall.BorrowString(Native.virStoragePoolGetName(_handle));

    public unsafe string Uuid
    {
        get
        {
            var buffer = stackalloc byte[Native.VIR_UUID_STRING_BUFLEN];
            LibvirtCall.Check(Native.virStoragePoolGetUUIDString(_handle, buffer));
            return Encoding.ASCII.GetString(buffer, Native.VIR_UUID_STRING_BUFLEN - 1);
        }
    }

    /// <summary>
    /// The pool's target folder (for a directory pool, where its volumes are files), as its definition says.
    /// </summary>
    public string Path => PoolXml.Parse(Xml()).Path;

    /// <summary>The pool's type as libvirt names it (dir, logical, netfs…).</summary>
    public string Type => PoolXml.Parse(Xml()).Type;

    public bool IsActive => LibvirtCall.Check(Native.virStoragePoolIsActive(_handle)) == 1;

    public void Refresh() => LibvirtCall.Check(Native.virStoragePoolRefresh(_handle, 0));

    /// <summary>
    /// The pool as libvirt has it now. An active pool is refreshed first, so that its sizes count files made outside
    /// libvirt; a pool busy with a copy refuses to refresh and is read as it is. An inactive pool reports no sizes.
    /// </summary>
    public PoolDescription Describe()
    {
        var active = IsActive;
        if (active)
            RefreshIfIdle();
        var (name, uuid, type, path) = PoolXml.Parse(Xml());
        LibvirtCall.Check(Native.virStoragePoolGetInfo(_handle, out var info));
        LibvirtCall.Check(Native.virStoragePoolGetAutostart(_handle, out var autostart));
        return new PoolDescription(
            name,
            uuid,
            type,
            path,
            info.Capacity,
            info.Allocation,
            info.Available,
            active,
            autostart != 0
        );
    }

    /// <summary>Whether libvirtd starts the pool when it starts.</summary>
    public void SetAutostart(bool autostart) =>
        LibvirtCall.Check(Native.virStoragePoolSetAutostart(_handle, autostart ? 1 : 0));

    private string Xml() => LibvirtCall.TakeString(Native.virStoragePoolGetXMLDesc(_handle, 0));

    /// <summary>
    /// Refreshes the pool so that files put in it outside libvirt are seen; a pool busy with a copy (another resource's
    /// full clone) refuses, and its files are then looked up as they are.
    /// </summary>
    public void RefreshIfIdle()
    {
        try
        {
            Refresh();
        }
        catch (LibvirtException) { }
    }

    public IReadOnlyList<StorageVolume> ListVolumes()
    {
        var count = LibvirtCall.Check(Native.virStoragePoolListAllVolumes(_handle, out var array, 0));
        return LibvirtCall.TakeArray(count, array, v => new StorageVolume(new StorageVolumeHandle(v)));
    }

    public StorageVolume? FindVolume(string name) =>
        Connection.NullIfNotFound(() =>
            new StorageVolume(LibvirtCall.Check(Native.virStorageVolLookupByName(_handle, name)))
        );

    public StorageVolume CreateVolume(VolumeDefinition definition) =>
        new(LibvirtCall.Check(Native.virStorageVolCreateXML(_handle, definition.ToXml(), 0)));

    /// <summary>
    /// A new volume holding a copy of <paramref name="source"/> (which may be in another pool): libvirt copies on
    /// the host, skipping holes, so it works on remote hosts and keeps sparse images sparse.
    /// </summary>
    public StorageVolume CopyVolume(VolumeDefinition definition, StorageVolume source) =>
        new(LibvirtCall.Check(Native.virStorageVolCreateXMLFrom(_handle, definition.ToXml(), source.Handle, 0)));

    /// <summary>
    /// Makes the pool's target (for a directory pool: the folder, with the mode its definition asks for).
    /// </summary>
    public void Build() => LibvirtCall.Check(Native.virStoragePoolBuild(_handle, 0));

    public void Start() => LibvirtCall.Check(Native.virStoragePoolCreate(_handle, 0));

    /// <summary>
    /// Stops the pool (its volumes stay where they are, out of libvirt's reach until it starts again).
    /// </summary>
    public void Stop() => LibvirtCall.Check(Native.virStoragePoolDestroy(_handle));

    /// <summary>Removes the target of a stopped pool: for a directory pool, its folder, which must be empty.</summary>
    public void Delete() => LibvirtCall.Check(Native.virStoragePoolDelete(_handle, 0));

    /// <summary>Forgets the pool's definition (a stopped pool's; its target stays).</summary>
    public void Undefine() => LibvirtCall.Check(Native.virStoragePoolUndefine(_handle));

    /// <summary>Stops the pool, deletes its (empty) folder and forgets it.</summary>
    public void DestroyAndUndefine()
    {
        if (IsActive)
            Stop();
        Delete();
        Undefine();
    }

    public void Dispose() => _handle.Dispose();
}
