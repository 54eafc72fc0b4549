using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The provider's configuration (<c>libvirt:uri</c> in a stack's config, or a provider resource's inputs).
/// </summary>
public sealed record ProviderConfig
{
    public const string DefaultUri = "qemu:///system";

    [Description(
        "libvirt connection URI, such as qemu:///system, qemu:///session, qemu+ssh://user@host/system or "
            + "test:///default: any URI libvirt understands; SSH needs a key-based login (no password prompt). "
            + "Default: "
            + "the LIBVIRT_DEFAULT_URI environment variable, else qemu:///system. Changing it replaces every "
            + "resource of "
            + "the provider, since they live on another host."
    )]
    public string? Uri { get; init; }

    [Description(
        "LIBGUESTFS_BACKEND_SETTINGS for virt-sysprep when a Clone has an identity, e.g. force_tcg where KVM does "
            + "not work. Default: the LIBGUESTFS_BACKEND_SETTINGS environment variable, else what works on this "
            + "machine (force_tcg when KVM is missing or its guests do not run)."
    )]
    public string? GuestfsBackendSettings { get; init; }

    [Description(
        "Seconds a download (a Volume's source.url or sha256Url) may go without receiving a byte, waiting "
            + "for the answer or mid-body, before it fails with the URL and the bytes received: 1 to 86400. There is "
            + "no "
            + "limit on a download's total time. Default: 60."
    )]
    public int? DownloadStallTimeout { get; init; }

    public TimeSpan EffectiveDownloadStallTimeout => TimeSpan.FromSeconds(DownloadStallTimeout ?? 60);

    public const int MaxDownloadStallTimeout = 86400;

    /// <summary>What is wrong with the configuration beyond its types, each on its property.</summary>
    public IEnumerable<CheckFailure> Problems()
    {
        if (DownloadStallTimeout is <= 0 or > MaxDownloadStallTimeout)
            yield return new CheckFailure(
                "downloadStallTimeout",
                $"'downloadStallTimeout' is in seconds and must be between 1 and {MaxDownloadStallTimeout} (default "
                    + "60)."
            );
        // libvirt parses the URI itself; what is no URI at all (a typo, a stray newline) is refused before it is tried.
        if (
            Uri is { Length: > 0 } uri
            && (
                !System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
                || uri.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
                || parsed.Scheme.Length == 0
            )
        )
            yield return new CheckFailure(
                "uri",
                $"'uri' {ObjectNames.Quote(uri)} is not a libvirt connection URI such as qemu:///system or "
                    + "qemu+ssh://user@host/system."
            );
        if (GuestfsBackendSettings is { } settings && settings.Any(char.IsControl))
            yield return new CheckFailure(
                "guestfsBackendSettings",
                $"'guestfsBackendSettings' {ObjectNames.Quote(settings)} contains a control character (a newline, a "
                    + "tab…); give the settings on one line, such as force_tcg."
            );
    }

    /// <summary>The URI to connect to, with the documented defaults applied.</summary>
    public string EffectiveUri =>
        Uri is { Length: > 0 } uri ? uri
        : Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultUri;
}
