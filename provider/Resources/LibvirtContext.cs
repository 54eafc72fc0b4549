using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What a libvirt resource's operation may use beyond the framework's context: the connection and the provider's
/// configuration.
/// </summary>
public sealed class LibvirtContext(
    Func<CancellationToken, Connection> libvirt,
    ProviderConfig config,
    IEngineLog log,
    string urn,
    CancellationToken cancellation
) : ResourceContext(log, urn, cancellation)
{
    /// <summary>How long undoing a failed create waits for libvirtd to answer again (it restarts in seconds).</summary>
    public static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(30);

    public ProviderConfig Config { get; } = config;

    public string Uri => Config.EffectiveUri;

    /// <summary>
    /// The provider's connection, opened on first use (a preview that needs none never opens it), and opened again
    /// when the one before broke (libvirtd restarted or stopped answering). Waiting for it ends with the operation's
    /// cancellation.
    /// </summary>
    public Connection Libvirt => _used = libvirt(Cancellation);

    private Connection? _used;

    /// <summary>
    /// What Check asks of the host: the connection's answers (opened when first asked), unless a test gives facts of
    /// its own.
    /// </summary>
    public ICheckHost CheckHost
    {
        get => _checkHost ??= new LibvirtCheckHost(() => Libvirt);
        init => _checkHost = value;
    }

    private ICheckHost? _checkHost;

    /// <summary>
    /// Whether the connection this operation used is still alive (nothing is opened to find out): a call cut off by a
    /// dying daemon may fail without an error of the transport's.
    /// </summary>
    public bool Connected => _used?.IsAlive ?? true;

    /// <summary>
    /// A live connection for undoing what a failed operation made: when libvirtd went away during the operation, it is
    /// waited for (up to <see cref="RecoveryWait"/>, whatever the cancellation: the undo must run). Null when it does
    /// not come back in time.
    /// </summary>
    public async Task<Connection?> LibvirtForUndoAsync()
    {
        var deadline = DateTime.UtcNow + RecoveryWait;
        while (true)
        {
            try
            {
                return libvirt(CancellationToken.None);
            }
            catch (ProviderException e) when (e.Kind == ErrorKind.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
            catch (ProviderException e) when (e.Kind == ErrorKind.Unavailable)
            {
                return null;
            }
        }
    }
}
