using System.Security.Cryptography;
using System.Text;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What a create leaves when libvirtd or the provider dies half-way, marked on the host so that the next create of the
/// same resource (the next `pulumi up`, which calls Create again, possibly under a new automatic name) removes it
/// first. Domains carry the mark in their owner metadata (<see cref="DomainOwner"/>: the URN, and while unfinished,
/// the volumes and files being made); a Volume has no metadata, so an empty marker volume beside it names it
/// (<see cref="MarkerName"/>). Both are libvirt's own facts, so they work for a remote host too.
/// </summary>
internal static class UnfinishedCreates
{
    private const string MarkerInfix = ".unfinished-";

    /// <summary>
    /// How long a volume that libvirtd is still writing (a copy whose caller died) is waited for before its removal
    /// fails.
    /// </summary>
    public static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The marker of an unfinished create of volume <paramref name="name"/> by resource <paramref name="urn"/>: the
    /// volume's name, then a digest of the URN (a retry under another automatic name still finds it).
    /// </summary>
    public static string MarkerName(string name, string urn) => $"{name}{MarkerInfix}{UrnDigest(urn)}";

    private static string UrnDigest(string urn) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(urn)))[..12];

    /// <summary>
    /// Marks the create of volume <paramref name="name"/> in <paramref name="pool"/> as unfinished, before it starts.
    /// </summary>
    public static void MarkVolume(StoragePool pool, string name, string urn)
    {
        using var _ = pool.CreateVolume(new VolumeDefinition(MarkerName(name, urn), 0, "raw"));
    }

    /// <summary>The volume's create has finished: its marker goes.</summary>
    public static void UnmarkVolume(StoragePool pool, string name, string urn)
    {
        using var marker = pool.FindVolume(MarkerName(name, urn));
        marker?.Delete();
    }

    /// <summary>
    /// Removes the volumes that unfinished creates of this resource left in <paramref name="pool"/>, then their
    /// markers.
    /// </summary>
    public static async Task RemoveVolumesAsync(StoragePool pool, Connection libvirt, LibvirtContext context)
    {
        var suffix = MarkerInfix + UrnDigest(context.Urn);
        var markers = new List<string>();
        foreach (var volume in pool.ListVolumes())
        {
            using (volume)
                if (volume.Name.EndsWith(suffix, StringComparison.Ordinal))
                    markers.Add(volume.Name);
        }
        foreach (var marker in markers)
        {
            var name = marker[..^suffix.Length];
            await context.InfoAsync(
                $"Removing volume '{name}' of pool '{pool.Name}', left by an interrupted create of this resource."
            );
            await RemoveVolumeAsync(pool, name, libvirt, context);
            await RemoveVolumeAsync(pool, marker, libvirt, context);
        }
    }

    /// <summary>
    /// Removes every domain an unfinished create of this resource left (a running one is stopped first), with its
    /// fixed addresses and the volumes and files its mark lists.
    /// </summary>
    public static async Task RemoveDomainsAsync(Connection libvirt, LibvirtContext context)
    {
        // Every create asks, so the connection's index answers (not a read of every domain); a candidate is read
        // afresh.
        var definitions = libvirt.IndexedDomains();
        var candidates = definitions
            .Where(d => d.Owner == context.Urn && d.Unfinished is not null)
            .Select(d => d.Uuid!)
            .Distinct()
            .ToList();
        foreach (var uuid in candidates)
        {
            using var domain = libvirt.FindDomain(uuid);
            var definition = domain is null ? null : Connection.NullIfNotFound(() => domain.Describe());
            if (
                domain is null
                || definition is null
                || definition.Owner != context.Urn
                || definition.Unfinished is not { } unfinished
            )
                continue;
            // An address or name another domain holds stays: this create may have lost the race for it.
            var others = definitions.Where(d => d.Uuid != uuid).SelectMany(d => d.Reservations).ToList();
            var reservations = definition.Reservations.Where(r =>
                !others.Any(o =>
                    o.Network == r.Network && (o.Ip == r.Ip || (r.Hostname is not null && o.Hostname == r.Hostname))
                )
            );
            await context.InfoAsync(
                $"Removing domain '{definition.Name}', left by an interrupted create of this resource, and what it "
                    + $"was made with: {Describe(unfinished)}."
            );
            if (domain.IsActive)
                domain.Destroy();
            HostReservations.Remove(libvirt, reservations);
            domain.Undefine();
            foreach (var volume in unfinished.Volumes)
            {
                using var pool = libvirt.FindPool(volume.Pool);
                if (pool is not null)
                    await RemoveVolumeAsync(pool, volume.Name, libvirt, context);
            }
            foreach (var path in unfinished.Files)
                libvirt.DeleteFile(path);
        }
    }

    /// <summary>
    /// Undoes a create that failed once something was made: removes what its marks name (<paramref name="remove"/>,
    /// on a live connection: libvirtd may have just restarted). Null when done; else what is left, and that the next
    /// create of the resource removes it.
    /// </summary>
    public static async Task<string?> UndoAsync(LibvirtContext context, Func<Connection, Task> remove)
    {
        var libvirt = await context.LibvirtForUndoAsync();
        if (libvirt is null)
            return $"libvirtd did not answer again within {LibvirtContext.RecoveryWait.TotalSeconds} s to remove "
                + "what was made; it is marked as this resource's unfinished create, and the next `pulumi up` removes "
                + "it before creating again.";
        try
        {
            await remove(libvirt);
            return null;
        }
        catch (LibvirtException e)
        {
            return $"removing what was made failed too ({e.Message}); it is marked as this resource's unfinished "
                + "create, and the next `pulumi up` removes it before creating again.";
        }
    }

    /// <summary>
    /// Deletes a volume by name. A file that libvirtd was still writing when it died may be unknown to the pool until
    /// a refresh (which a pool busy with another copy refuses): in a local directory pool the file itself goes.
    /// </summary>
    public static async Task RemoveVolumeAsync(
        StoragePool pool,
        string name,
        Connection libvirt,
        LibvirtContext context
    )
    {
        pool.RefreshIfIdle();
        using var volume = pool.FindVolume(name);
        if (volume is null)
        {
            if (pool.Type == "dir")
                libvirt.DeleteFile(Path.Combine(pool.Path, name));
            return;
        }
        // libvirtd finishes a copy whose caller died, and refuses to delete the volume until then.
        var deadline = DateTime.UtcNow + BusyWait;
        while (true)
        {
            try
            {
                volume.Delete();
                return;
            }
            catch (LibvirtException e) when (e.Category == LibvirtErrorCategory.Conflict && DateTime.UtcNow < deadline)
            {
                await context.InfoAsync(
                    $"Volume '{name}' is still being written by libvirtd ({e.Message}); waiting to remove it."
                );
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private static string Describe(UnfinishedCreate unfinished) =>
        string.Join(
            ", ",
            unfinished
                .Volumes.Select(v => $"volume '{v.Name}' of pool '{v.Pool}'")
                .Concat(unfinished.Files.Select(f => $"file {f}"))
                .DefaultIfEmpty("nothing else")
        );
}
