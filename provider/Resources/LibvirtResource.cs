using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// A resource on a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's errors
/// with their status.
/// </summary>
public abstract class LibvirtResource<TArgs, TState> : Resource<TArgs, TState, LibvirtContext>
    where TArgs : class
    where TState : class
{
    protected override ProviderException? Translate(Exception exception, LibvirtContext context) =>
        LibvirtErrors.Translate(exception, context.Uri, context.Connected);

    /// <summary>
    /// The error to throw for a create that failed once it had made something, after <paramref name="remove"/> undid
    /// that on a live connection (libvirtd may have just restarted); when it could not, the error also says what is
    /// left and that the next create removes it. The failure is judged first: the undo may open a new connection, and
    /// whether the old one had died is part of what the error says.
    /// </summary>
    protected async Task<Exception> UndoneAsync(
        Exception failure,
        LibvirtContext context,
        Func<Connection, Task> remove
    )
    {
        var reported = failure is ProviderException ? failure : Translate(failure, context) ?? failure;
        return await UnfinishedCreates.UndoAsync(context, remove) is { } left
            ? NotUndone(reported, left)
            : AfterRollback(reported, context);
    }

    /// <summary>
    /// The error for a create that failed (<paramref name="reported"/>) and could not undo what it made: its own, then
    /// what is <paramref name="left"/>.
    /// </summary>
    private static ProviderException NotUndone(Exception reported, string left)
    {
        var error =
            reported as ProviderException ?? new ProviderException(ErrorKind.Failed, reported.Message, reported);
        return new ProviderException(error.Kind, $"{error.Message.TrimEnd('.')}; {left}", reported);
    }
}
