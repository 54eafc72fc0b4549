using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Deleting a pool: refused while it holds volumes, unless 'deleteVolumes' says to delete them first (and then still
/// refused for a volume in use). Its folder goes only when the provider made it and it is empty.
/// </summary>
internal static class PoolDelete
{
    public static async Task RunAsync(string id, PoolArgs inputs, PoolState state, LibvirtContext context)
    {
        using var pool = context.Libvirt.FindPool(id);
        if (pool is null)
            return;
        var (name, path) = (pool.Name, pool.Path);
        // A stopped pool's volumes are out of libvirt's sight: start it to see them. One whose folder is gone holds
        // none.
        if (!pool.IsActive)
        {
            try
            {
                pool.Start();
            }
            catch (LibvirtException) { }
        }
        if (pool.IsActive)
        {
            pool.Refresh();
            await DeleteVolumesAsync(pool, name, inputs.DeleteVolumes, context);
            pool.Stop();
        }
        if (state.CreatedDirectory && Directory.Exists(path))
        {
            var leftovers = Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).ToList();
            if (leftovers.Count == 0)
                pool.Delete();
            else
                await context.WarnAsync(
                    $"Storage pool '{name}': its folder {path} is kept, because it still holds "
                        + $"{string.Join(", ", leftovers.Select(f => $"'{f}'"))}, which the pool does not list as "
                        + "volumes. Remove them and the folder yourself if they are not needed."
                );
        }
        pool.Undefine();
    }

    private static async Task DeleteVolumesAsync(
        StoragePool pool,
        string name,
        bool deleteVolumes,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        var volumes = pool.ListVolumes();
        try
        {
            if (volumes.Count == 0)
                return;
            var described = volumes.Select(v => v.Describe()).ToList();
            if (!deleteVolumes)
            {
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    $"Storage pool '{name}' still holds {Volumes(described)}. Delete them first (their Volume "
                        + $"resources, or `virsh vol-delete --pool {name} <volume>`), or set 'deleteVolumes: true' on "
                        + "the pool to delete every volume in it with it (their data is lost)."
                );
            }
            var paths = described.Select(d => d.Path).ToHashSet();
            var problems = volumes
                .Select(v => VolumeUsage.Problem(libvirt, v, deletingVolumes: paths))
                .OfType<string>()
                .ToList();
            if (problems.Count > 0)
            {
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    $"Storage pool '{name}' and its volumes were not deleted ('deleteVolumes' is true), because some "
                        + $"are in use: {string.Join(" ", problems)}"
                );
            }
            await context.InfoAsync($"Storage pool '{name}': deleting {Volumes(described)} ('deleteVolumes' is true).");
            // Overlays before their bases: a base is never left with a dangling overlay, even if a delete fails
            // half-way.
            var remaining = volumes.Zip(described).ToList();
            while (remaining.Count > 0)
            {
                var bases = remaining.Select(r => r.Second.BackingStore?.Path).OfType<string>().ToHashSet();
                var leaves = remaining.Where(r => !bases.Contains(r.Second.Path)).ToList() is { Count: > 0 } found
                    ? found
                    : remaining;
                foreach (var (volume, _) in leaves)
                    volume.Delete();
                remaining = remaining.Except(leaves).ToList();
            }
        }
        finally
        {
            foreach (var volume in volumes)
                volume.Dispose();
        }
    }

    private static string Volumes(IReadOnlyList<VolumeDescription> volumes) =>
        $"{volumes.Count} volume{(volumes.Count == 1 ? "" : "s")}: "
        + $"{string.Join(", ", volumes.Select(v => $"'{v.Name}'"))}";
}
