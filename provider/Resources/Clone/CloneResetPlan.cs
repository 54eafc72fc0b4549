using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

internal enum ResetDiskAction
{
    Relink,
    Recopy,
    Keep,
}

/// <summary>One disk of a clone in a reset, and what the reset does with it.</summary>
/// <param name="OldPath">The file the clone uses now; null for a disk it does not have (skipped).</param>
/// <param name="Fresh">For a disk made again: the disk as the create made it, with the new volume's name.</param>
internal sealed record ResetDisk(string Target, ResetDiskAction Action, string? OldPath, PlannedCloneDisk? Fresh);

/// <summary>
/// What a change of 'resetOn' does to a clone, computed from its inputs and the host's facts alone: which disks are
/// made again beside the old ones, whether it is stopped first and started after, whether its identity is applied
/// again, and which of its snapshots go with its old disks.
/// </summary>
internal sealed record CloneResetPlan
{
    public required string Name { get; init; }

    /// <summary>Every disk of the source, in its order.</summary>
    public required IReadOnlyList<ResetDisk> Disks { get; init; }

    public required bool StopFirst { get; init; }
    public required bool StartAfter { get; init; }

    /// <summary>The identity virt-sysprep applies to the new disks; null when the clone has none.</summary>
    public CloneIdentityArgs? Identity { get; init; }

    /// <summary>The clone's snapshots: their data is in the old disks, so they go with them.</summary>
    public required IReadOnlyList<string> Snapshots { get; init; }

    public IEnumerable<ResetDisk> MadeAgain => Disks.Where(d => d.Fresh is not null);

    /// <summary>True when a change from <paramref name="olds"/> to <paramref name="news"/> resets the clone.</summary>
    public static bool Wanted(CloneArgs olds, CloneArgs news) => olds.ResetOn != news.ResetOn;

    /// <summary>
    /// The reset of the clone whose persistent definition is <paramref name="clone"/>, against
    /// <paramref name="created"/>: the plan its create would make now, which decides each disk's mode and source as at
    /// create. Each disk made again gets the name its old one does not have, so the two can exist side by side.
    /// </summary>
    public static CloneResetPlan For(
        CloneArgs news,
        ClonePlan created,
        DomainDefinition clone,
        bool running,
        IReadOnlyList<string> snapshots
    )
    {
        var disks = created
            .Disks.Select(planned =>
            {
                var target = planned.Disk.Target;
                var oldPath = clone.Disks.FirstOrDefault(d => d.Target == target)?.Path;
                if (planned.Volume is not { } volume)
                    return new ResetDisk(target, ResetDiskAction.Keep, oldPath, null);
                var action = planned.Mode == CloneDiskMode.Full ? ResetDiskAction.Recopy : ResetDiskAction.Relink;
                var fresh = planned with { Volume = volume with { Name = OtherName(volume.Name, oldPath) } };
                return new ResetDisk(target, action, oldPath, fresh);
            })
            .ToList();
        return new CloneResetPlan
        {
            Name = created.Name,
            Disks = disks,
            StopFirst = running,
            StartAfter = running && news.Running,
            Identity = news.Identity,
            Snapshots = snapshots,
        };
    }

    /// <summary>
    /// The create's volume name, or the same with "-reset" before the extension when the old file has that name: a
    /// reset alternates between the two.
    /// </summary>
    public static string OtherName(string created, string? oldPath) =>
        Path.GetFileName(oldPath) == created
            ? $"{Path.GetFileNameWithoutExtension(created)}-reset{Path.GetExtension(created)}"
            : created;
}
