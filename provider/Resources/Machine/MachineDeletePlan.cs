using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A disk file that a machine's delete leaves, and why.</summary>
internal sealed record KeptDisk(string Path, string Why);

/// <summary>
/// What deleting a Domain or a Clone will do, computed from its inputs and the host's facts alone: refuse (nothing is
/// touched), or stop the guest, delete the snapshots it may, undefine the domain (libvirt drops its NVRAM, managed
/// save and metadata with it), delete the files it owns, keep the others and free its fixed addresses.
/// </summary>
internal sealed record MachineDeletePlan
{
    /// <summary>Why the machine cannot be deleted; when set, the plan does nothing else.</summary>
    public string? Refusal { get; init; }

    /// <summary>Whether the guest is shut down first, by force after <see cref="ShutdownTimeout"/>.</summary>
    public bool Stops { get; init; }

    public int ShutdownTimeout { get; init; }

    /// <summary>The snapshots deleted with their data before the domain is undefined ('deleteSnapshots').</summary>
    public IReadOnlyList<string> DeletedSnapshots { get; init; } = [];

    public bool Undefines { get; init; }

    /// <summary>The machine's own disk files, deleted once the domain is undefined.</summary>
    public IReadOnlyList<string> DeletedFiles { get; init; } = [];

    public IReadOnlyList<KeptDisk> KeptDisks { get; init; } = [];

    public IReadOnlyList<HostReservation> RemovedReservations { get; init; } = [];

    /// <param name="kind">How messages call the machine: Domain or Clone.</param>
    /// <param name="keptBecause">Why a disk file the machine does not own stays.</param>
    /// <param name="deleteSnapshots">The machine's 'deleteSnapshots': delete the snapshots rather than refuse.</param>
    public static MachineDeletePlan For(
        string kind,
        string name,
        MachineDeleteFacts facts,
        int shutdownTimeout,
        bool deleteSnapshots,
        string keptBecause
    )
    {
        var problems = facts
            .Disks.Where(d => d.Owned)
            .Select(d => d.Users)
            .OfType<VolumeUsers>()
            .Select(VolumeUsage.Problem)
            .OfType<string>()
            .ToList();
        if (facts.Snapshots.Count > 0 && !deleteSnapshots)
            problems.Add(SnapshotProblem(name, facts.Snapshots));
        if (problems.Count > 0)
            return Refused(kind, name, problems);
        return new MachineDeletePlan
        {
            Stops = facts.Defined && facts.Running,
            ShutdownTimeout = shutdownTimeout,
            DeletedSnapshots = facts.Snapshots,
            Undefines = facts.Defined,
            DeletedFiles = facts.Disks.Where(d => d.Owned).Select(d => d.Path).ToList(),
            KeptDisks = facts.Disks.Where(d => !d.Owned).Select(d => new KeptDisk(d.Path, keptBecause)).ToList(),
            RemovedReservations = facts.Reservations,
        };
    }

    private static MachineDeletePlan Refused(string kind, string name, IEnumerable<string> problems) =>
        new() { Refusal = $"{kind} '{name}' cannot be deleted: {string.Join(' ', problems)}" };

    private static string SnapshotProblem(string name, IReadOnlyList<string> snapshots) =>
        $"it has snapshots this stack does not manage ({string.Join(", ", snapshots.Select(s => $"'{s}'"))}), "
        + "taken outside Pulumi or no longer in the program, and deleting it would lose them with their data. "
        + $"Delete them (`virsh snapshot-delete {name} NAME`), or set 'deleteSnapshots: true' on the resource and run "
        + "`pulumi up` before deleting it.";
}
