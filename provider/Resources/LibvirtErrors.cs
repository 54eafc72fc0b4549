using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>libvirt's errors as the errors the user sees, with the status their category calls for.</summary>
internal static class LibvirtErrors
{
    public static ProviderException? Translate(Exception exception) => exception is LibvirtException e
        ? new ProviderException(e.Category switch
        {
            LibvirtErrorCategory.NotFound => ErrorKind.NotFound,
            LibvirtErrorCategory.InvalidInput => ErrorKind.InvalidArgument,
            LibvirtErrorCategory.Conflict => ErrorKind.FailedPrecondition,
            LibvirtErrorCategory.Unreachable => ErrorKind.Unavailable,
            _ => ErrorKind.Failed,
        }, $"libvirt: {e.Message}", e)
        : null;
}
