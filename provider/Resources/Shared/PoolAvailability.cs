namespace PulumiLibvirt.Resources;

/// <summary>Whether a pool that a resource puts volumes in can take them: it exists and is active.</summary>
internal static class PoolAvailability
{
    /// <summary>
    /// Why the pool named <paramref name="name"/> cannot take a volume now, with what to do about it, or null.
    /// </summary>
    public static string? Problem(string name, ICheckHost host)
    {
        var pool = host.FindPool(name);
        if (pool is null)
        {
            return $"Storage pool '{name}' does not exist on {host.Uri}. Create it (virsh pool-define-as {name} dir "
                + $"--target /var/lib/libvirt/images; virsh pool-build {name}; virsh pool-start {name}) or name an "
                + "existing pool.";
        }
        return pool.Active
            ? null
            : $"Storage pool '{name}' exists but is not active. Start it with " + $"`virsh pool-start {name}`.";
    }
}
