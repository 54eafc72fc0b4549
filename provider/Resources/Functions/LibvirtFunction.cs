using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>A function reading a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's errors with their status.</summary>
public abstract class LibvirtFunction<TArgs, TResult> : Function<TArgs, TResult, LibvirtContext>
    where TArgs : class where TResult : class
{
    protected override ProviderException? Translate(Exception exception, LibvirtContext context) => LibvirtErrors.Translate(exception, context.Uri, context.Connected);
}
