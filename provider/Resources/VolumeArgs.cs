using System.ComponentModel;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

public enum VolumeFormat { Qcow2, Raw }

[Description("The image a volume is an overlay on.")]
public sealed record VolumeBackingStoreArgs
{
    [Description("Key or path of an existing volume on the libvirt host: the base image. It must not change while overlays depend on it.")]
    public required string Volume { get; init; }

    [Description("Format of the base image. Default: the format libvirt detects for it.")]
    public VolumeFormat? Format { get; init; }
}

[Description("The base image a volume is an overlay on, as resolved on the libvirt host.")]
public sealed record ResolvedBackingStore
{
    [Description("The base volume as given in the inputs.")]
    public string Volume { get; init; } = "";

    [Description("Path of the base image, as written in the overlay.")]
    public string Path { get; init; } = "";

    [Description("Format of the base image.")]
    public string Format { get; init; } = "";
}

public sealed record VolumeArgs
{
    [AutoName, ReplaceOnChange]
    [Description("Name of the volume in its pool (in a directory pool, its file name). Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [ReplaceOnChange]
    [Description("The storage pool that holds the volume.")]
    public string Pool { get; init; } = "default";

    [Description("Size in bytes. With a backing store it defaults to the base's size and cannot be smaller; a larger one leaves the guest's filesystem to be grown. Growing it later resizes the volume in place, keeping its data; shrinking it replaces the volume.")]
    public long? Capacity { get; init; }

    [ReplaceOnChange]
    [Description("Disk image format: qcow2 (sparse, copy-on-write, required for a backing store) or raw.")]
    public VolumeFormat Format { get; init; } = VolumeFormat.Qcow2;

    [ReplaceOnChange]
    [Description("Make the volume a copy-on-write overlay (a linked clone) of an existing volume: it stores only what differs from the base.")]
    public VolumeBackingStoreArgs? BackingStore { get; init; }
}

/// <summary>What a volume adds to its inputs in the outputs; capacity, format and backing store as libvirt has them.</summary>
public sealed record VolumeState
{
    [Description("libvirt's key of the volume, unique on the host (also the resource id).")]
    public string Key { get; init; } = "";

    [Description("Path of the volume on the libvirt host.")]
    public string Path { get; init; } = "";

    [Computed]
    [Description("Size in bytes, as libvirt reports it.")]
    public long Capacity { get; init; }

    [Description("Bytes actually allocated on the host.")]
    public long Allocation { get; init; }

    [Description("Disk image format.")]
    public string Format { get; init; } = "";

    [Computed]
    [Description("The base image the volume is an overlay on, as resolved on the host.")]
    public ResolvedBackingStore? BackingStore { get; init; }
}
