using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public sealed record SnapshotArgs
{
    [ReplaceOnChange]
    [Description("The Domain or Clone to snapshot: its name or UUID (such as ${web1.uuid}).")]
    public required string Domain { get; init; }

    [AutoName, ReplaceOnChange]
    [Description("Name of the snapshot on the domain. Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [Description("Free text kept with the snapshot. Changed in place.")]
    public string? Description { get; init; }

    [ReplaceOnChange]
    [Description(
        "When true, a running guest's memory and device state are kept too, so that a revert resumes it running. "
            + "When false (the default), only the disks are kept."
    )]
    public bool Memory { get; init; }

    [Description(
        "Any value: when it changes (not at create), the update reverts the domain to the snapshot, and what the "
            + "domain did since is lost. Give a lab's snapshots one config value to revert them all with one `pulumi "
            + "up`."
    )]
    public string? RestoreOn { get; init; }
}

/// <summary>What libvirt reports of a snapshot once taken.</summary>
public sealed record SnapshotState
{
    [Computed]
    [Description("Name of the snapshot on the domain.")]
    public string Name { get; init; } = "";

    [Description("When the snapshot was taken (UTC, ISO 8601).")]
    public string CreatedAt { get; init; } = "";

    [Description("The domain's state when the snapshot was taken, as libvirt names it (running, shutoff…).")]
    public string State { get; init; } = "";

    [Description("The domain's disks (targets such as vda) whose contents the snapshot holds.")]
    public IReadOnlyList<string> Disks { get; init; } = [];
}
