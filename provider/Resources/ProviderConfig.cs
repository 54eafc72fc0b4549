using System.ComponentModel;

namespace PulumiLibvirt.Resources;

/// <summary>The provider's configuration (<c>libvirt:uri</c> in a stack's config, or a provider resource's inputs).</summary>
public sealed record ProviderConfig
{
    public const string DefaultUri = "qemu:///system";

    [Description("libvirt connection URI, such as qemu:///system, qemu:///session, qemu+ssh://user@host/system or test:///default. Default: the LIBVIRT_DEFAULT_URI environment variable, else qemu:///system.")]
    public string? Uri { get; init; }

    /// <summary>The URI to connect to, with the documented defaults applied.</summary>
    public string EffectiveUri =>
        Uri is { Length: > 0 } uri ? uri
        : Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultUri;
}
