namespace PulumiLibvirt.Libvirt;

/// <summary>
/// A file on the libvirt host seen as a volume, so that libvirt can read and copy it on the host: a volume of a
/// pool, or a file of any folder, seen through a transient directory pool over that folder for as long as the
/// HostFile is open. Stopping a transient pool forgets it and leaves the folder as it was.
/// </summary>
public sealed class HostFile : IDisposable
{
    // Two pools cannot have the same folder, and a folder's pool must not stop while another copy reads through it:
    // the provider opens one folder at a time.
    private static readonly SemaphoreSlim FolderPools = new(1, 1);

    private readonly StoragePool? _folderPool;

    private HostFile(StorageVolume volume, StoragePool? folderPool)
    {
        Volume = volume;
        _folderPool = folderPool;
        Description = volume.Describe();
    }

    public StorageVolume Volume { get; }

    /// <summary>The file as libvirt probes it: its format, and its virtual size as capacity.</summary>
    public VolumeDescription Description { get; }

    /// <summary>Whether a pool of the host holds the file (as opposed to a folder opened for the occasion).</summary>
    public bool InPool => _folderPool is null;

    /// <summary>
    /// The file at <paramref name="path"/> on the host (a volume's key or path, or any absolute path), or null when
    /// there is none.
    /// </summary>
    internal static HostFile? Open(Connection libvirt, string path)
    {
        var volume = libvirt.FindVolume(path);
        if (volume is not null)
            return new HostFile(volume, null);
        // Not a volume's key: only an absolute path names a file of the host.
        if (!Path.IsPathRooted(path))
            return null;

        FolderPools.Wait();
        StoragePool? folderPool = null;
        try
        {
            folderPool = libvirt.StartTransientDirectoryPool(
                $"pulumi-folder-{Guid.NewGuid():N}",
                Path.GetDirectoryName(path) ?? "/"
            );
            volume = folderPool.FindVolume(Path.GetFileName(path));
            if (volume is not null)
                return new HostFile(volume, folderPool);
        }
        catch
        {
            Close(folderPool);
            throw;
        }
        Close(folderPool);
        return null;
    }

    private static void Close(StoragePool? folderPool)
    {
        try
        {
            if (folderPool is not null)
            {
                using (folderPool)
                    folderPool.Stop();
            }
        }
        finally
        {
            FolderPools.Release();
        }
    }

    public void Dispose()
    {
        Volume.Dispose();
        if (_folderPool is not null)
            Close(_folderPool);
    }
}
