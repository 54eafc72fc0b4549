using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>One disk file of a machine being deleted.</summary>
/// <param name="Owned">Whether the machine's delete deletes the file too (a clone's full copy or overlay).</param>
/// <param name="Users">For an owned file that a pool holds, who else uses it; else null.</param>
internal sealed record MachineDiskFacts(string Target, string Path, bool Owned, VolumeUsers? Users = null);

/// <summary>
/// What deleting a Domain or a Clone needs to know of the host, read before anything is stopped or undefined
/// (<see cref="MachineDeletePlan"/>).
/// </summary>
internal sealed record MachineDeleteFacts
{
    /// <summary>Whether the domain is still defined: it may have been undefined outside Pulumi.</summary>
    public required bool Defined { get; init; }

    public bool Running { get; init; }

    /// <summary>
    /// Every snapshot the domain has. None is the stack's: the engine deletes a machine's Snapshot resources before
    /// the machine, so these were taken outside Pulumi or left the program.
    /// </summary>
    public IReadOnlyList<string> Snapshots { get; init; } = [];

    /// <summary>The fixed addresses the domain noted on networks (<see cref="HostReservations"/>).</summary>
    public IReadOnlyList<HostReservation> Reservations { get; init; } = [];

    public IReadOnlyList<MachineDiskFacts> Disks { get; init; } = [];

    /// <summary>
    /// The facts of <paramref name="domain"/> (null when it is gone), with each disk file of its persistent
    /// definition as one it does not own.
    /// </summary>
    public static MachineDeleteFacts Read(LibvirtDomain? domain)
    {
        if (domain is null)
            return new MachineDeleteFacts { Defined = false };
        var definition = domain.Describe();
        return new MachineDeleteFacts
        {
            Defined = true,
            Running = domain.IsActive,
            Snapshots = domain.SnapshotNames(),
            Reservations = definition.Reservations,
            Disks = definition
                .Disks.Where(d => d.Path is not null)
                .Select(d => new MachineDiskFacts(d.Target, d.Path!, Owned: false))
                .ToList(),
        };
    }
}
