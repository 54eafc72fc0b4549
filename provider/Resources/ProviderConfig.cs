using System.ComponentModel;

namespace PulumiLibvirt.Resources;

/// <summary>The provider's configuration (<c>libvirt:uri</c> in a stack's config, or a provider resource's inputs).</summary>
public sealed record ProviderConfig
{
    public const string DefaultUri = "qemu:///system";

    [Description("libvirt connection URI, such as qemu:///system, qemu:///session, qemu+ssh://user@host/system or test:///default. Default: the LIBVIRT_DEFAULT_URI environment variable, else qemu:///system.")]
    public string? Uri { get; init; }

    [Description("LIBGUESTFS_BACKEND_SETTINGS for virt-sysprep when a Clone has an identity, e.g. force_tcg where KVM does not work. Default: the LIBGUESTFS_BACKEND_SETTINGS environment variable, else what works on this machine (force_tcg when KVM is missing or its guests do not run).")]
    public string? GuestfsBackendSettings { get; init; }

    [Description("Seconds a download (a Volume's source.url or sha256Url) may go without receiving a byte before it fails. Default: 60.")]
    public int? DownloadStallTimeout { get; init; }

    public TimeSpan EffectiveDownloadStallTimeout => TimeSpan.FromSeconds(DownloadStallTimeout ?? 60);

    /// <summary>The URI to connect to, with the documented defaults applied.</summary>
    public string EffectiveUri =>
        Uri is { Length: > 0 } uri ? uri
        : Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultUri;
}
