using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>A resource on a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's errors with their status.</summary>
public abstract class LibvirtResource<TArgs, TState> : Resource<TArgs, TState, LibvirtContext>
    where TArgs : class where TState : class
{
    protected override ProviderException? Translate(Exception exception, LibvirtContext context) => LibvirtErrors.Translate(exception, context.Uri);

    /// <summary>The error for a create that failed and could not undo what it made: its own, then what is <paramref name="left"/>.</summary>
    protected ProviderException NotUndone(Exception failure, string left, LibvirtContext context)
    {
        var error = failure as ProviderException ?? Translate(failure, context) ?? new ProviderException(ErrorKind.Failed, failure.Message, failure);
        return new ProviderException(error.Kind, $"{error.Message.TrimEnd('.')}; {left}", failure);
    }
}
