using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public enum VolumeFormat
{
    Qcow2,
    Raw,
}

[Description("The image a volume is an overlay on.")]
public sealed record VolumeBackingStoreArgs
{
    [Description(
        "Key or path of an existing volume on the libvirt host: the base image (a file put in a pool's "
            + "folder outside libvirt is found too). It must not change while overlays depend on it."
    )]
    public required string Volume { get; init; }

    [Description(
        "Format of the base image. Default: the format libvirt detects for it; one that contradicts it is "
            + "an error."
    )]
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

[Description("Where a volume's content comes from: exactly one of file, url and hostPath.")]
public sealed record VolumeSourceArgs
{
    [Description(
        "A disk image on the machine that runs Pulumi (a relative path is relative to the program's folder). It is "
            + "streamed to the libvirt host through the connection, so remote hosts work."
    )]
    public string? File { get; init; }

    [Description(
        "An http:// or https:// URL of a disk image (a cloud image, say). Redirects are followed and proxies come "
            + "from http_proxy, https_proxy and no_proxy. The image is streamed from the server through the machine "
            + "that runs Pulumi to the libvirt host; nothing is buffered whole."
    )]
    public string? Url { get; init; }

    [Description(
        "A file already on the libvirt host: an absolute path anywhere on it, or the key or path of a volume in "
            + "another pool. It is copied on the host by libvirt (sparse), never through the machine that runs Pulumi."
    )]
    public string? HostPath { get; init; }
}

public sealed record VolumeArgs
{
    [AutoName, ReplaceOnChange]
    [Description(
        "Name of the volume in its pool (in a directory pool, its file name). Default: the resource name plus a "
            + "random suffix."
    )]
    public string? Name { get; init; }

    [ReplaceOnChange]
    [Description("The storage pool that holds the volume.")]
    public string Pool { get; init; } = "default";

    [Description(
        "Size in bytes. With a backing store or a source it defaults to the base's or the image's (virtual) size and "
            + "cannot be smaller; a larger one leaves the guest's filesystem to be grown. Growing it later resizes the "
            + "volume in place, keeping its data; shrinking it replaces the volume."
    )]
    public long? Capacity { get; init; }

    [ReplaceOnChange]
    [Description(
        "Disk image format: qcow2 (sparse, copy-on-write, required for a backing store) or raw. Default: qcow2; with "
            + "a source, the image's own format, read from its header (a declared one must agree with it)."
    )]
    public VolumeFormat? Format { get; init; }

    [ReplaceOnChange]
    [Description(
        "Fill the volume with an existing disk image: a file on this machine, an http(s) URL, or a file on the "
            + "libvirt host."
    )]
    public VolumeSourceArgs? Source { get; init; }

    [ReplaceOnChange]
    [Description(
        "Expected SHA-256 digest (hex) of the source image as fetched (file or url), verified while it streams: a "
            + "mismatch fails the create and removes the half-made volume."
    )]
    public string? Sha256 { get; init; }

    [ReplaceOnChange]
    [Description(
        "URL of a checksum list the image's publisher gives (SHA256SUMS, in sha256sum's or the BSD format): the "
            + "expected digest is the one it lists for the source's file name. Instead of sha256."
    )]
    public string? Sha256Url { get; init; }

    [ReplaceOnChange]
    [Description(
        "Make the volume a copy-on-write overlay (a linked clone) of an existing volume: it stores only what differs "
            + "from the base."
    )]
    public VolumeBackingStoreArgs? BackingStore { get; init; }
}

/// <summary>
/// What a volume adds to its inputs in the outputs; capacity, format and backing store as libvirt has them.
/// </summary>
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

    [Computed]
    [Description("Disk image format.")]
    public string Format { get; init; } = "";

    [Computed]
    [Description(
        "SHA-256 digest (hex) the source image was verified against as it streamed: sha256, or the one sha256Url "
            + "lists. None when no digest was asked (the image is then not hashed, which keeps an upload as fast as "
            + "virsh vol-upload)."
    )]
    public string? Sha256 { get; init; }

    [Computed]
    [Description("The base image the volume is an overlay on, as resolved on the host.")]
    public ResolvedBackingStore? BackingStore { get; init; }
}
