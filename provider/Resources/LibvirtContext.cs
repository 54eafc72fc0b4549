using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>What a libvirt resource's operation may use beyond the framework's context: the connection and the provider's configuration.</summary>
public sealed class LibvirtContext(Func<Connection> libvirt, ProviderConfig config, IEngineLog log, string urn, CancellationToken cancellation)
    : ResourceContext(log, urn, cancellation)
{
    public ProviderConfig Config { get; } = config;

    /// <summary>The provider's connection, opened on first use (a preview that needs none never opens it).</summary>
    public Connection Libvirt => libvirt();
}
