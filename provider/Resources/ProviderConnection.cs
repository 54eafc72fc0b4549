using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The provider's libvirt connection to one URI: opened when an operation first needs it, by one attempt that every
/// operation asking meanwhile shares, and opened again when the one before broke (libvirtd restarted or stopped, or
/// left keepalives unanswered: <see cref="Connection.KeepAliveInterval"/>). No lock is held while it opens, so a hung
/// daemon keeps waiting only the operations that need it, not the engine's Cancel nor requests that need none.
/// </summary>
internal sealed class ProviderConnection(string uri, Func<string, Connection> open, TimeSpan openTimeout) : IDisposable
{
    private readonly Lock _gate = new();

    // The latest attempt, which holds the connection once it succeeded. The next operation after a failed or broken
    // one starts a new attempt.
    private Task<Connection>? _opening;

    // Completed by Dispose: it also ends the waits for an attempt that nobody needs any longer.
    private readonly TaskCompletionSource _disposal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The open connection, waited for while it opens. <paramref name="cancellation"/> ends only this wait: the attempt
    /// goes on for the others. Null once this was disposed, also during the wait (the provider was configured again):
    /// the stale connection is closed, and the caller asks the provider's new one.
    /// </summary>
    public Connection? Get(CancellationToken cancellation)
    {
        Task<Connection> opening;
        Connection? broken = null;
        lock (_gate)
        {
            if (_disposal.Task.IsCompleted)
                return null;
            var opened = _opening is { IsCompletedSuccessfully: true } ? _opening.Result : null;
            if (opened is { IsAlive: true })
                return opened;
            if (_opening is null || _opening.IsCompleted)
            {
                broken = opened;
                _opening = OpenAsync();
            }
            opening = _opening;
        }
        // Closing asks the daemon too: it happens outside the lock, like the opening.
        broken?.Dispose();
        var first = Task.WhenAny(opening, _disposal.Task).WaitAsync(cancellation).GetAwaiter().GetResult();
        if (first != opening)
            return null;
        var connection = opening.GetAwaiter().GetResult();
        lock (_gate)
            return _disposal.Task.IsCompleted ? null : connection;
    }

    private async Task<Connection> OpenAsync()
    {
        // Keepalive starts only once the connection is open: a frozen daemon would hold the opening itself forever.
        var opening = Task.Run(() => open(uri));
        try
        {
            return await opening.WaitAsync(openTimeout);
        }
        catch (TimeoutException)
        {
            _ = opening.ContinueWith(late => late.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw new ProviderException(
                ErrorKind.Unavailable,
                $"Cannot connect to libvirt at '{uri}': libvirtd is not answering (no answer within "
                    + $"{openTimeout.TotalSeconds} s). Check that libvirtd runs there and is not stuck "
                    + "(systemctl status libvirtd)."
            );
        }
        catch (LibvirtException e)
        {
            throw new ProviderException(
                ErrorKind.Unavailable,
                SshTarget.Of(uri)?.Explain(e.Message) is { } fix
                    ? $"Cannot connect to libvirt at '{uri}': {e.Message}. {fix}"
                    : $"Cannot connect to libvirt at '{uri}': libvirtd is not answering ({e.Message}). Check that "
                        + "libvirtd runs there and that you may use it, or set the provider's 'uri' "
                        + "(pulumi config set libvirt:uri …).",
                e
            );
        }
    }

    /// <summary>Closes the connection: now when it is open, or once an attempt still under way opens it.</summary>
    public void Dispose()
    {
        Task<Connection>? opening;
        lock (_gate)
        {
            _disposal.TrySetResult();
            opening = _opening;
        }
        _ = opening?.ContinueWith(
            opened => opened.Result.Dispose(),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously
        );
    }
}
