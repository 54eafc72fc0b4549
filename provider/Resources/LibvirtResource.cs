using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>A resource on a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's errors with their status.</summary>
public abstract class LibvirtResource<TArgs, TState> : Resource<TArgs, TState, LibvirtContext>
    where TArgs : class where TState : class
{
    protected override ProviderException? Translate(Exception exception) => exception is LibvirtException e
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
