using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public enum PoolType
{
    Dir,
}

public sealed record PoolArgs
{
    [AutoName, ReplaceOnChange]
    [Description(
        "Name of the storage pool on the libvirt host (what volumes name as their 'pool'). Default: the resource "
            + "name plus a random suffix."
    )]
    public string? Name { get; init; }

    [ReplaceOnChange]
    [Description("Kind of pool: dir (volumes are files in one folder of the host).")]
    public PoolType Type { get; init; } = PoolType.Dir;

    [ReplaceOnChange]
    [Description(
        "Absolute path of the pool's folder on the libvirt host. A folder that does not exist is made (mode 0755, so "
            + "that qemu reaches the disks) and removed again with the pool when it is empty; an existing folder is "
            + "kept. No other pool may use it."
    )]
    public required string Path { get; init; }

    [Description("Whether libvirtd starts the pool when it starts. Changed in place.")]
    public bool Autostart { get; init; } = true;

    [Description(
        "When true, deleting the pool (pulumi destroy, or a replacement) first deletes EVERY volume in it, including "
            + "volumes no stack made, and their data is lost. A volume that a domain uses, or that is the base of an "
            + "overlay outside the pool, still stops the delete. When false (the default), a pool that holds volumes "
            + "is not deleted."
    )]
    public bool DeleteVolumes { get; init; }
}

/// <summary>
/// What a pool adds to its inputs in the outputs: its id, its sizes, and whether the provider made its folder.
/// </summary>
public sealed record PoolState
{
    [Description("libvirt's UUID of the pool (also the resource id).")]
    public string Uuid { get; init; } = "";

    // Unknown in a create preview: a Volume declared with `pool: ${pool.name}` then skips its "pool exists" check,
    // for the pool that the preview does not make.
    [Computed]
    [Description("Name of the pool on the libvirt host.")]
    public string Name { get; init; } = "";

    [Description(
        "Size of the storage under the pool's folder in bytes (the filesystem's size), as of the last refresh."
    )]
    public long Capacity { get; init; }

    [Description("Bytes in use on that storage, as of the last refresh.")]
    public long Allocation { get; init; }

    [Description("Bytes still free on that storage, as of the last refresh.")]
    public long Available { get; init; }

    [Description(
        "Whether the provider made the pool's folder: only then does deleting the pool remove it (when empty)."
    )]
    public bool CreatedDirectory { get; init; }
}
