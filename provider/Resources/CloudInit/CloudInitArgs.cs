using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

// Every input is part of the seed's content or where it lives: any change makes a new seed (a new volume), never a
// rewrite of one a machine may have read already.
public sealed record CloudInitArgs
{
    [ReplaceOnChange]
    [Description(
        "Name of the seed volume in its pool. Default: the resource name plus a short hash of the content, with "
            + ".iso: a content change gives a new name, so the new seed is made before the old one goes."
    )]
    public string? Name { get; init; }

    [ReplaceOnChange]
    [Description("The storage pool that holds the seed volume.")]
    public string Pool { get; init; } = "default";

    [Secret, ReplaceOnChange]
    [Description(
        "The user-data file: #cloud-config YAML, a script (#!), a MIME multipart archive… It often holds passwords "
            + "or keys, so it is always secret. Default: empty."
    )]
    public string? UserData { get; init; }

    [ReplaceOnChange]
    [Description("The meta-data file, as YAML. Instead of it, give 'instanceId' and 'hostname'.")]
    public string? MetaData { get; init; }

    [ReplaceOnChange]
    [Description(
        "The instance-id in the meta-data that is built when 'metaData' is not given: cloud-init runs its "
            + "once-per-instance modules again when it changes. Default: one derived from the content, so that new "
            + "content is a new instance."
    )]
    public string? InstanceId { get; init; }

    [ReplaceOnChange]
    [Description("The local-hostname in the meta-data that is built when 'metaData' is not given.")]
    public string? Hostname { get; init; }

    [ReplaceOnChange]
    [Description(
        "The network-config file (netplan-style version 1 or 2 YAML). Default, or when empty: none, and cloud-init "
            + "configures the first NIC by DHCP."
    )]
    public string? NetworkConfig { get; init; }
}

/// <summary>What a seed adds to its inputs in the outputs.</summary>
public sealed record CloudInitState
{
    [Description(
        "libvirt's key of the seed volume, unique on the host (also the resource id): give it to a Domain's CD-ROM "
            + "disk or a Clone's 'cloudInit'."
    )]
    public string Key { get; init; } = "";

    [Description("Path of the seed volume on the libvirt host.")]
    public string Path { get; init; } = "";

    [Description("SHA-256 digest (hex) of the ISO image uploaded: the same content always gives the same image.")]
    public string Sha256 { get; init; } = "";
}
