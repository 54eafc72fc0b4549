namespace PulumiLibvirt.Framework;

/// <summary>
/// What every resource operation may use: its URN, the engine log for that URN, and cancellation. A provider extends
/// it with what its resources reach (a connection, the configuration).
/// </summary>
public class ResourceContext(IEngineLog log, string urn, CancellationToken cancellation)
{
    public string Urn { get; } = urn;

    public CancellationToken Cancellation { get; } = cancellation;

    public Task InfoAsync(string message) => log.LogAsync(LogSeverity.Info, message, Urn);

    public Task WarnAsync(string message) => log.LogAsync(LogSeverity.Warning, message, Urn);
}
