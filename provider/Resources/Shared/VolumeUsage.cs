using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>An overlay built on a volume, and the domains that have the overlay as a disk.</summary>
public sealed record VolumeOverlay(string Path, IReadOnlyList<string> Domains);

/// <summary>
/// Who still needs the volume at <paramref name="Path"/>, as read from the host: the overlays built on it and the
/// domains that have it as a disk.
/// </summary>
public sealed record VolumeUsers(string Path, IReadOnlyList<VolumeOverlay> Overlays, IReadOnlyList<string> Domains);

/// <summary>Who still needs a volume: overlays built on it, and domains that have it as a disk.</summary>
public static class VolumeUsage
{
    /// <summary>
    /// Deletes the volume <paramref name="id"/> names, refusing while something uses it; a volume already gone is fine.
    /// </summary>
    public static Task DeleteUnlessUsedAsync(Connection libvirt, string id)
    {
        using var volume = libvirt.FindVolume(id);
        var plan = VolumeDeletePlan.For(volume is null ? null : Read(libvirt, volume));
        if (plan.Refusal is { } refusal)
            throw new ProviderException(ErrorKind.FailedPrecondition, refusal);
        if (plan.Deletes)
            volume!.Delete();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Who uses <paramref name="volume"/>. The domain named <paramref name="deletingDomain"/> is being deleted with it
    /// and does not count, nor do overlays among <paramref name="deletingVolumes"/> (paths of the volumes deleted with
    /// it).
    /// </summary>
    public static VolumeUsers Read(
        Connection libvirt,
        StorageVolume volume,
        string? deletingDomain = null,
        IReadOnlySet<string>? deletingVolumes = null
    )
    {
        var path = volume.Path;
        var (poolName, name) = (volume.PoolName, volume.Describe().Name);
        var domains = libvirt.IndexedDomains().Where(d => d.Name != deletingDomain).ToList();
        List<string> DomainsUsing(string diskPath, (string, string)? poolVolume = null) =>
            domains
                .Where(d =>
                    d.Disks.Any(disk =>
                        disk.Path == diskPath || (poolVolume is not null && disk.PoolVolume == poolVolume)
                    )
                )
                .Select(d => d.Name)
                .Distinct()
                .ToList();

        var overlays = libvirt
            .IndexedVolumes()
            .Where(v =>
                v.BackingStore is { } b && SamePath(v.Path, b.Path, path) && deletingVolumes?.Contains(v.Path) != true
            )
            .Select(o => new VolumeOverlay(o.Path, DomainsUsing(o.Path)))
            .ToList();
        return new VolumeUsers(path, overlays, DomainsUsing(path, (poolName, name)));
    }

    /// <summary>Why deleting the volume would lose data in use, naming what uses it; null when nothing does.</summary>
    public static string? Problem(VolumeUsers users)
    {
        static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
        if (users.Overlays.Count > 0)
        {
            var described = users.Overlays.Select(o =>
                o.Domains.Count > 0 ? $"'{o.Path}' (a disk of {Quoted(o.Domains)})" : $"'{o.Path}'"
            );
            return $"Volume '{users.Path}' is the backing store of {string.Join(", ", described)}: deleting it would "
                + "break them. Delete those first.";
        }
        return users.Domains.Count > 0
            ? $"Volume '{users.Path}' is a disk of domain {Quoted(users.Domains)}: deleting it would take the disk "
                + "from under the machine. Delete or change the domain first."
            : null;
    }

    /// <summary>What <see cref="Problem(VolumeUsers)"/> says of <paramref name="volume"/> as it is now.</summary>
    public static string? Problem(
        Connection libvirt,
        StorageVolume volume,
        string? deletingDomain = null,
        IReadOnlySet<string>? deletingVolumes = null
    ) => Problem(Read(libvirt, volume, deletingDomain, deletingVolumes));

    /// <summary>
    /// Whether an overlay at <paramref name="overlayPath"/> naming <paramref name="backingPath"/> uses
    /// <paramref name="path"/>.
    /// </summary>
    private static bool SamePath(string overlayPath, string backingPath, string path) =>
        Path.GetFullPath(backingPath, Path.GetDirectoryName(overlayPath) ?? "/") == path;
}
