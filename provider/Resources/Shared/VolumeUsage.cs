using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>Who still needs a volume: overlays built on it, and domains that have it as a disk.</summary>
public static class VolumeUsage
{
    /// <summary>Deletes the volume <paramref name="id"/> names, refusing while a domain uses it; a volume already gone is fine.</summary>
    public static Task DeleteUnlessUsedAsync(Connection libvirt, string id)
    {
        using var volume = libvirt.FindVolume(id);
        if (volume is null) return Task.CompletedTask;
        if (Problem(libvirt, volume) is { } problem) throw new ProviderException(ErrorKind.FailedPrecondition, problem);
        volume.Delete();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Why deleting <paramref name="volume"/> would lose data still in use, naming what uses it; null when nothing
    /// does. The domain named <paramref name="deletingDomain"/> is being deleted with it and does not count, nor do
    /// overlays among <paramref name="deletingVolumes"/> (paths of the volumes deleted with it).
    /// </summary>
    public static string? Problem(Connection libvirt, StorageVolume volume, string? deletingDomain = null, IReadOnlySet<string>? deletingVolumes = null)
    {
        var path = volume.Path;
        var (poolName, name) = (volume.PoolName, volume.Describe().Name);
        var domains = libvirt.IndexedDomains().Where(d => d.Name != deletingDomain).ToList();
        string DomainsUsing(string diskPath, (string, string)? poolVolume = null) => string.Join(", ", domains
            .Where(d => d.Disks.Any(disk => disk.Path == diskPath || (poolVolume is not null && disk.PoolVolume == poolVolume)))
            .Select(d => $"'{d.Name}'").Distinct());

        var overlays = libvirt.IndexedVolumes()
            .Where(v => v.BackingStore is { } b && SamePath(v.Path, b.Path, path) && deletingVolumes?.Contains(v.Path) != true).ToList();
        if (overlays.Count > 0)
        {
            var described = overlays.Select(o => DomainsUsing(o.Path) is { Length: > 0 } users ? $"'{o.Path}' (a disk of {users})" : $"'{o.Path}'");
            return $"Volume '{path}' is the backing store of {string.Join(", ", described)}: deleting it would break them. Delete those first.";
        }
        var users = DomainsUsing(path, (poolName, name));
        return users.Length > 0
            ? $"Volume '{path}' is a disk of domain {users}: deleting it would take the disk from under the machine. Delete or change the domain first."
            : null;
    }

    /// <summary>Whether an overlay at <paramref name="overlayPath"/> naming <paramref name="backingPath"/> uses <paramref name="path"/>.</summary>
    private static bool SamePath(string overlayPath, string backingPath, string path) =>
        Path.GetFullPath(backingPath, Path.GetDirectoryName(overlayPath) ?? "/") == path;
}
