using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The provider behind the protocol: its configuration, its one libvirt connection (opened when first needed) and
/// its resource types.
/// </summary>
public sealed class LibvirtProvider(IEngineLog log) : IDisposable
{
    public const string PackageName = "libvirt";

    public static readonly IReadOnlyList<IResource> ResourceTypes = [new Volume(), new Domain(), new Clone()];

    /// <summary>The package schema, derived from the resource types (schema.json is a checked-in copy).</summary>
    public static string GenerateSchema() => SchemaGenerator.Generate(PackageName,
        "Declare libvirt volumes, virtual machines and clones of them.", typeof(ProviderConfig), ResourceTypes);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private ProviderConfig _config = new();
    private Connection? _connection;

    public IEngineLog Log { get; } = log;

    public static IReadOnlyList<CheckFailure> CheckConfig(ObjectValue config) =>
        PropertyMapper.Decode<ProviderConfig>(config).Failures;

    /// <summary>A new URI means another host: every resource of the old provider would be out of reach.</summary>
    public static ResourceDiff DiffConfig(ObjectValue olds, ObjectValue news) =>
        new(PropertyDiff.Compare(olds, news, name => name == "uri", []), false);

    public void Configure(ObjectValue config)
    {
        var decoded = PropertyMapper.Decode<ProviderConfig>(config);
        if (decoded.Failures.Count > 0)
            throw new ProviderException(ErrorKind.InvalidArgument, string.Join(" ", decoded.Failures.Select(f => f.Reason)));
        lock (_gate)
        {
            _config = decoded.Value;
            _connection?.Dispose();
            _connection = null;
        }
    }

    public IResource Resource(string token) =>
        ResourceTypes.FirstOrDefault(r => r.Token == token)
        ?? throw new ProviderException(ErrorKind.InvalidArgument,
            $"Unknown resource type '{token}'; this provider offers {string.Join(", ", ResourceTypes.Select(r => r.Token))}.");

    public ResourceContext Context(string urn) => new(Connection, _config, Log, urn, _cancellation.Token);

    /// <summary>Asks running operations to stop (the engine's Cancel).</summary>
    public void Cancel() => _cancellation.Cancel();

    private Connection Connection()
    {
        lock (_gate)
        {
            if (_connection is not null) return _connection;
            var uri = _config.EffectiveUri;
            try
            {
                return _connection = Libvirt.Connection.Open(uri);
            }
            catch (LibvirtException e)
            {
                throw new ProviderException(ErrorKind.Unavailable,
                    $"Cannot connect to libvirt at '{uri}': {e.Message}. Check that libvirtd runs there and that you may use it, or set the provider's 'uri' (pulumi config set libvirt:uri …).", e);
            }
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _cancellation.Dispose();
    }
}
