using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>libvirt's errors as the errors the user sees, with the status their category calls for.</summary>
internal static class LibvirtErrors
{
    /// <param name="connected">Whether the connection is still alive: a call cut off by a dying daemon may fail without
    /// an error of the transport's.</param>
    public static ProviderException? Translate(Exception exception, string uri, bool connected) =>
        exception switch
        {
            LibvirtException { IsConnectionLost: true } e => NotAnswering(uri, e),
            LibvirtException e when !connected => NotAnswering(uri, e),
            LibvirtException e => new ProviderException(
                e.Category switch
                {
                    LibvirtErrorCategory.NotFound => ErrorKind.NotFound,
                    LibvirtErrorCategory.InvalidInput => ErrorKind.InvalidArgument,
                    LibvirtErrorCategory.Conflict => ErrorKind.FailedPrecondition,
                    LibvirtErrorCategory.Unreachable => ErrorKind.Unavailable,
                    _ => ErrorKind.Failed,
                },
                $"libvirt: {e.Message}",
                e
            ),
            _ => null,
        };

    /// <summary>The daemon at <paramref name="uri"/> went away or froze: the next request connects again.</summary>
    public static ProviderException NotAnswering(string uri, LibvirtException e) =>
        new(
            ErrorKind.Unavailable,
            $"libvirtd at '{uri}' is not answering ({e.Message}): it stopped, restarted or froze. The provider "
                + "connects again on its next request; once libvirtd runs (systemctl status libvirtd), run `pulumi "
                + "up` again.",
            e
        );
}
