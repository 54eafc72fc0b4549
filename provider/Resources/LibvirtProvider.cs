using System.Reflection;
using System.Text.Json.Nodes;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The provider behind the protocol: its configuration, its one libvirt connection (opened when first needed), its
/// resource types and its functions.
/// </summary>
public sealed class LibvirtProvider(IEngineLog log) : IProvider, IDisposable
{
    public const string PackageName = "libvirt";

    public static readonly IReadOnlyList<IResource> ResourceTypes =
    [
        new Pool(),
        new Volume(),
        new CloudInit(),
        new Domain(),
        new Clone(),
        new Network(),
        new Snapshot(),
    ];

    public static readonly IReadOnlyList<IFunction> FunctionTypes =
    [
        new GetDomain(),
        new GetVolume(),
        new GetPool(),
        new GetNetwork(),
        new GetNodeInfo(),
    ];

    /// <summary>
    /// The version of Directory.Build.props, as built into the assembly. Read each time, not stored: a stored value
    /// would make reading it (before the port is printed) set up every resource type, which the first request does.
    /// </summary>
    public static string Version =>
        typeof(LibvirtProvider)
            .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('+')[0];

    /// <summary>
    /// The package as the schema names it. The registry's deprecated bridged package is also called libvirt, with
    /// the SDKs @pulumi/libvirt, pulumi_libvirt, Pulumi.Libvirt and github.com/pulumi/pulumi-libvirt: every
    /// generated SDK of this provider gets a name of its own, so that neither can stand in for the other.
    /// </summary>
    public static readonly PackageInfo Package = new(
        PackageName,
        Version,
        "Declare libvirt storage pools, volumes, virtual machines, clones of them, and the networks they attach to.",
        ["pulumi", "libvirt", "kvm", "qemu", "category/infrastructure"],
        new JsonObject
        {
            ["nodejs"] = new JsonObject { ["packageName"] = "@pulumi-libvirt-native/libvirt" },
            ["python"] = new JsonObject { ["packageName"] = "pulumi_libvirt_native" },
            ["csharp"] = new JsonObject { ["rootNamespace"] = "PulumiLibvirtNative" },
            ["go"] = new JsonObject { ["importBasePath"] = "example.com/pulumi-libvirt-native/sdk/go/libvirt" },
        }
    );

    /// <summary>
    /// The package schema, derived from the resource and function types (schema.json is a checked-in copy).
    /// </summary>
    public static string GenerateSchema() =>
        SchemaGenerator.Generate(Package, typeof(ProviderConfig), ResourceTypes, FunctionTypes);

    /// <summary>How long opening a connection may take before the daemon counts as not answering.</summary>
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private CancellationTokenSource _cancellation = new();
    private ProviderConfig _config = new();
    private ProviderConnection? _connection;

    public IReadOnlyList<CheckFailure> CheckConfig(ObjectValue config) => Validate(config).Failures;

    private static (ProviderConfig Config, IReadOnlyList<CheckFailure> Failures) Validate(ObjectValue config)
    {
        var decoded = PropertyMapper.DecodeConfig<ProviderConfig>(config);
        return (decoded.Value, [.. decoded.Failures, .. decoded.Value.Problems()]);
    }

    /// <summary>A new URI means another host: every resource of the old provider would be out of reach.</summary>
    public ResourceDiff DiffConfig(ObjectValue olds, ObjectValue news) =>
        new(PropertyDiff.Compare(olds, news, name => name == "uri", []), false);

    public void Configure(ObjectValue config)
    {
        var (decoded, failures) = Validate(config);
        if (failures.Count > 0)
            throw new ProviderException(ErrorKind.InvalidArgument, string.Join(" ", failures.Select(f => f.Reason)));
        ProviderConnection? stale;
        lock (_gate)
        {
            _config = decoded;
            stale = _connection;
            _connection = null;
        }
        // Closed outside the lock: a connection still opening is closed once it opens, and never handed out.
        stale?.Dispose();
    }

    public IResource Resource(string token) =>
        ResourceTypes.FirstOrDefault(r => r.Token == token)
        ?? throw new ProviderException(
            ErrorKind.InvalidArgument,
            $"Unknown resource type '{token}'; this provider offers "
                + $"{string.Join(", ", ResourceTypes.Select(r => r.Token))}."
        );

    public IFunction Function(string token) =>
        FunctionTypes.FirstOrDefault(f => f.Token == token)
        ?? throw new ProviderException(
            ErrorKind.InvalidArgument,
            $"Unknown function '{token}'; this provider offers {string.Join(", ", FunctionTypes.Select(f => f.Token))}."
        );

    public ResourceContext Context(string urn, CancellationToken deadline = default)
    {
        lock (_gate)
        {
            var token = deadline.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(_cancellation.Token, deadline).Token
                : _cancellation.Token;
            return new LibvirtContext(Connection, _config, log, urn, token);
        }
    }

    /// <summary>
    /// Asks the operations running now to stop (the engine's Cancel). Requests that come later get a new token: the
    /// engine sends Cancel at the end of every deployment, and an attached provider serves the next one.
    /// </summary>
    public void Cancel()
    {
        CancellationTokenSource cancelled;
        lock (_gate)
        {
            cancelled = _cancellation;
            _cancellation = new CancellationTokenSource();
        }
        cancelled.Cancel();
    }

    /// <summary>
    /// The connection to the configured URI, opened when first needed and again when the one before broke. The wait
    /// holds no lock of the provider's: Cancel and requests that need no connection answer while a daemon hangs.
    /// </summary>
    private Connection Connection(CancellationToken cancellation)
    {
        while (true)
        {
            ProviderConnection current;
            lock (_gate)
            {
                current = _connection ??= new ProviderConnection(
                    _config.EffectiveUri,
                    Libvirt.Connection.Open,
                    OpenTimeout
                );
            }
            // Null: a Configure replaced it while this waited, and the new configuration's connection serves.
            if (current.Get(cancellation) is { } connection)
                return connection;
        }
    }

    public void Dispose()
    {
        ProviderConnection? stale;
        lock (_gate)
        {
            stale = _connection;
            _connection = null;
        }
        stale?.Dispose();
    }
}
