using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>A resource on a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's errors with their status.</summary>
public abstract class LibvirtResource<TArgs, TState> : Resource<TArgs, TState, LibvirtContext>
    where TArgs : class where TState : class
{
    protected override ProviderException? Translate(Exception exception, LibvirtContext context) => LibvirtErrors.Translate(exception, context.Uri, context.Connected);

    /// <summary>
    /// The error to report for <paramref name="failure"/>, judged when it happens: an undo that follows may open a new
    /// connection, and whether the old one had died is part of what the error says.
    /// </summary>
    protected Exception Reported(Exception failure, LibvirtContext context) =>
        failure is ProviderException ? failure : Translate(failure, context) ?? failure;

    /// <summary>
    /// The error for a create that failed (<paramref name="reported"/>, from <see cref="Reported"/>) and could not undo
    /// what it made: its own, then what is <paramref name="left"/>.
    /// </summary>
    protected static ProviderException NotUndone(Exception reported, string left)
    {
        var error = reported as ProviderException ?? new ProviderException(ErrorKind.Failed, reported.Message, reported);
        return new ProviderException(error.Kind, $"{error.Message.TrimEnd('.')}; {left}", reported);
    }
}
