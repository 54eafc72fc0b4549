using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A clone's disk files as its delete sees them (<see cref="MachineDeletePlan"/>).</summary>
internal static class CloneDeleteDisks
{
    /// <summary>
    /// Each disk file the state lists: the full copies and overlays are the clone's own, with who else uses each
    /// (the clone <paramref name="name"/> itself does not count); shared disks are the source's.
    /// </summary>
    public static IReadOnlyList<MachineDiskFacts> Read(Connection libvirt, CloneState state, string name) =>
        state
            .Volumes.Select(v =>
            {
                if (v.Mode is not ("full" or "linked"))
                    return new MachineDiskFacts(v.Target, v.Path, Owned: false);
                using var volume = libvirt.FindVolume(v.Path);
                var users = volume is null ? null : VolumeUsage.Read(libvirt, volume, deletingDomain: name);
                return new MachineDiskFacts(v.Target, v.Path, Owned: true, users);
            })
            .ToList();
}
