using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>A resource on a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's errors with their status.</summary>
public abstract class LibvirtResource<TArgs, TState> : Resource<TArgs, TState, LibvirtContext>
    where TArgs : class where TState : class
{
    protected override ProviderException? Translate(Exception exception) => LibvirtErrors.Translate(exception);
}
