namespace PulumiLibvirt.Framework;

/// <summary>How resources and functions run an operation on their provider's own context type.</summary>
internal static class ContextOperation
{
    /// <summary>
    /// Runs <paramref name="operation"/> unless the engine has cancelled the deployment, turning the errors of the
    /// owner's own layer into errors with a status (<paramref name="translate"/>).
    /// </summary>
    public static async Task<T> RunAsync<TContext, T>(
        ResourceContext context,
        object owner,
        Func<Exception, TContext, ProviderException?> translate,
        Func<TContext, Task<T>> operation
    )
        where TContext : ResourceContext
    {
        context.Cancellation.ThrowIfCancellationRequested();
        var typed =
            context as TContext
            ?? throw new InvalidOperationException(
                $"{owner.GetType().Name} needs a {typeof(TContext).Name}, not a {context.GetType().Name}."
            );
        try
        {
            return await operation(typed);
        }
        catch (Exception e) when (e is not ProviderException && translate(e, typed) is { } translated)
        {
            throw translated;
        }
    }
}
