namespace PulumiLibvirt.Libvirt;

/// <summary>The connection's storage: pools, the volumes in them, and files on the host.</summary>
public sealed partial class Connection
{
    public StoragePool LookupPool(string name) =>
        new(LibvirtCall.Check(Native.virStoragePoolLookupByName(_handle, name)));

    /// <summary>A storage pool by UUID or by name, active or not.</summary>
    public StoragePool? FindPool(string uuidOrName) =>
        (
            Guid.TryParse(uuidOrName, out _)
                ? NullIfNotFound(() =>
                    new StoragePool(LibvirtCall.Check(Native.virStoragePoolLookupByUUIDString(_handle, uuidOrName)))
                )
                : null
        ) ?? NullIfNotFound(() => LookupPool(uuidOrName));

    public IReadOnlyList<StoragePool> ListActivePools() => ListPools(Native.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);

    /// <summary>Every storage pool defined on the connection, active or not.</summary>
    public IReadOnlyList<StoragePool> ListAllPools() => ListPools(0);

    private List<StoragePool> ListPools(uint flags)
    {
        var count = LibvirtCall.Check(Native.virConnectListAllStoragePools(_handle, out var array, flags));
        return LibvirtCall.TakeArray(count, array, p => new StoragePool(new StoragePoolHandle(p)));
    }

    /// <summary>
    /// Defines (does not build or start) a directory pool on <paramref name="path"/>; <paramref name="mode"/> (octal)
    /// is the mode building it gives the folder.
    /// </summary>
    public StoragePool DefineDirectoryPool(string name, string path, string? mode = null) =>
        new(LibvirtCall.Check(Native.virStoragePoolDefineXML(_handle, PoolXml.Directory(name, path, mode), 0)));

    /// <summary>Defines, builds and starts a directory pool (the folder is created by libvirt).</summary>
    public StoragePool CreateDirectoryPool(string name, string path)
    {
        var pool = DefineDirectoryPool(name, path);
        try
        {
            pool.Build();
            pool.Start();
            return pool;
        }
        catch
        {
            pool.Undefine();
            pool.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a pool that lives until it is stopped and leaves no definition behind: libvirt then sees the files of
    /// <paramref name="folder"/> as volumes.
    /// </summary>
    public StoragePool StartTransientDirectoryPool(string name, string folder) =>
        new(LibvirtCall.Check(Native.virStoragePoolCreateXML(_handle, PoolXml.Directory(name, folder), 0)));

    /// <summary>
    /// The file at <paramref name="path"/> on the host, as a volume libvirt can copy; null when there is none.
    /// </summary>
    public HostFile? OpenHostFile(string path) => HostFile.Open(this, path);

    /// <summary>
    /// Starts writing the content of <paramref name="volume"/> from its first byte. A <paramref name="sparse"/> stream
    /// sends zero blocks as holes, which the host seeks over: only right for a volume that holds nothing yet.
    /// </summary>
    public VolumeUpload BeginUpload(StorageVolume volume, bool sparse)
    {
        var stream = LibvirtCall.Check(Native.virStreamNew(_handle, 0));
        var upload = new VolumeUpload(stream, sparse);
        try
        {
            LibvirtCall.Check(
                Native.virStorageVolUpload(
                    volume.Handle,
                    stream,
                    0,
                    0,
                    sparse ? Native.VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM : 0
                )
            );
            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Up to <paramref name="length"/> bytes of <paramref name="volume"/> from <paramref name="offset"/>, read through
    /// a libvirt stream (virStorageVolDownload), so that a remote host's volume is read over the connection. Fewer when
    /// the volume ends first. For small reads: the bytes are held in memory.
    /// </summary>
    public unsafe byte[] ReadVolume(StorageVolume volume, ulong offset, int length)
    {
        using var stream = LibvirtCall.Check(Native.virStreamNew(_handle, 0));
        LibvirtCall.Check(Native.virStorageVolDownload(volume.Handle, stream, offset, (ulong)length, 0));
        var buffer = new byte[length];
        var filled = 0;
        try
        {
            fixed (byte* start = buffer)
            {
                // A blocking stream returns what has arrived; 0 is its end.
                for (
                    int got;
                    filled < length
                        && (
                            got = LibvirtCall.Check(
                                Native.virStreamRecv(stream, start + filled, (nuint)(length - filled))
                            )
                        ) > 0;

                )
                    filled += got;
            }
            LibvirtCall.Check(Native.virStreamFinish(stream));
        }
        catch
        {
            if (Native.virStreamAbort(stream) < 0)
                Native.virResetLastError();
            throw;
        }
        return buffer[..filled];
    }

    /// <summary>
    /// A volume by key or by path. A file put in a pool's folder outside libvirt is only known after the pool
    /// is refreshed, so a miss refreshes the active pools and looks again.
    /// </summary>
    public StorageVolume? FindVolume(string keyOrPath)
    {
        var found = LookupVolumeOnce(keyOrPath);
        if (found is not null)
            return found;
        foreach (var pool in ListActivePools())
        {
            using (pool)
                pool.RefreshIfIdle();
        }
        return LookupVolumeOnce(keyOrPath);
    }

    private StorageVolume? LookupVolumeOnce(string keyOrPath) =>
        NullIfNotFound(() => new StorageVolume(LibvirtCall.Check(Native.virStorageVolLookupByKey(_handle, keyOrPath))))
        ?? NullIfNotFound(() =>
            new StorageVolume(LibvirtCall.Check(Native.virStorageVolLookupByPath(_handle, keyOrPath)))
        );

    /// <summary>
    /// Copies a file on the host to <paramref name="path"/>: through libvirt when a pool holds it (sparse, and possible
    /// on a remote host), else directly when the host is this machine. False when there is no such file to copy.
    /// </summary>
    public bool CopyFile(string source, string path)
    {
        using var volume = FindVolume(source);
        if (volume is not null)
        {
            using var pool = volume.GetPool();
            var described = volume.Describe();
            using var copy = pool.CopyVolume(
                new VolumeDefinition(Path.GetFileName(path), described.Capacity, described.Format),
                volume
            );
            return true;
        }
        if (!IsLocal || !File.Exists(source))
            return false;
        File.Copy(source, path);
        return true;
    }

    /// <summary>
    /// Deletes a file on the host: through libvirt when a pool holds it, else directly when the host is this machine.
    /// </summary>
    public void DeleteFile(string path)
    {
        using var volume = FindVolume(path);
        if (volume is not null)
            volume.Delete();
        else if (IsLocal && File.Exists(path))
            File.Delete(path);
    }
}
