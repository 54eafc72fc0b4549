using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;

namespace PulumiLibvirt.Resources.Framework;

/// <summary>What a resource operation may use: the libvirt connection, the provider's configuration, the engine log for its URN, cancellation.</summary>
public sealed class ResourceContext(Func<Connection> libvirt, ProviderConfig config, IEngineLog log, string urn, CancellationToken cancellation)
{
    public ProviderConfig Config { get; } = config;

    /// <summary>The provider's connection, opened on first use (a preview that needs none never opens it).</summary>
    public Connection Libvirt => libvirt();

    public string Urn { get; } = urn;

    public CancellationToken Cancellation { get; } = cancellation;

    public Task InfoAsync(string message) => log.LogAsync(LogSeverity.Info, message, Urn);

    public Task WarnAsync(string message) => log.LogAsync(LogSeverity.Warning, message, Urn);
}
