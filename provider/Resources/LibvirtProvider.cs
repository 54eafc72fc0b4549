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

    public static readonly IReadOnlyList<IResource> ResourceTypes = [new Pool(), new Volume(), new CloudInit(), new Domain(), new Clone(), new Network(), new Snapshot()];

    public static readonly IReadOnlyList<IFunction> FunctionTypes = [new GetDomain(), new GetVolume(), new GetPool(), new GetNetwork(), new GetNodeInfo()];

    /// <summary>The version of Directory.Build.props, as built into the assembly.</summary>
    public static string Version { get; } = typeof(LibvirtProvider).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>
    /// The package as the schema names it. The registry's deprecated bridged package is also called libvirt, with
    /// the SDKs @pulumi/libvirt, pulumi_libvirt, Pulumi.Libvirt and github.com/pulumi/pulumi-libvirt: every
    /// generated SDK of this provider gets a name of its own, so that neither can stand in for the other.
    /// </summary>
    public static readonly PackageInfo Package = new(PackageName, Version,
        "Declare libvirt storage pools, volumes, virtual machines, clones of them, and the networks they attach to.",
        ["pulumi", "libvirt", "kvm", "qemu", "category/infrastructure"],
        new JsonObject
        {
            ["nodejs"] = new JsonObject { ["packageName"] = "@pulumi-libvirt-native/libvirt" },
            ["python"] = new JsonObject { ["packageName"] = "pulumi_libvirt_native" },
            ["csharp"] = new JsonObject { ["rootNamespace"] = "PulumiLibvirtNative" },
            ["go"] = new JsonObject { ["importBasePath"] = "example.com/pulumi-libvirt-native/sdk/go/libvirt" },
        });

    /// <summary>The package schema, derived from the resource and function types (schema.json is a checked-in copy).</summary>
    public static string GenerateSchema() => SchemaGenerator.Generate(Package, typeof(ProviderConfig), ResourceTypes, FunctionTypes);

    /// <summary>How long opening a connection may take before the daemon counts as not answering.</summary>
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private CancellationTokenSource _cancellation = new();
    private ProviderConfig _config = new();
    private Connection? _connection;

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
        lock (_gate)
        {
            _config = decoded;
            _connection?.Dispose();
            _connection = null;
        }
    }

    public IResource Resource(string token) =>
        ResourceTypes.FirstOrDefault(r => r.Token == token)
        ?? throw new ProviderException(ErrorKind.InvalidArgument,
            $"Unknown resource type '{token}'; this provider offers {string.Join(", ", ResourceTypes.Select(r => r.Token))}.");

    public IFunction Function(string token) =>
        FunctionTypes.FirstOrDefault(f => f.Token == token)
        ?? throw new ProviderException(ErrorKind.InvalidArgument,
            $"Unknown function '{token}'; this provider offers {string.Join(", ", FunctionTypes.Select(f => f.Token))}.");

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
    /// The connection, opened again when the one before broke: libvirtd restarted or stopped, or left keepalives
    /// unanswered (<see cref="Connection.KeepAliveInterval"/>). Objects of the broken one fail with their calls.
    /// </summary>
    private Connection Connection()
    {
        lock (_gate)
        {
            if (_connection is { IsAlive: true }) return _connection;
            _connection?.Dispose();
            _connection = null;
            var uri = _config.EffectiveUri;
            // Keepalive starts only once the connection is open: a frozen daemon would hold the opening itself forever.
            var opening = Task.Run(() => Libvirt.Connection.Open(uri));
            try
            {
                if (opening.Wait(OpenTimeout)) return _connection = opening.Result;
            }
            catch (AggregateException wrapped) when (wrapped.InnerException is LibvirtException e)
            {
                throw new ProviderException(ErrorKind.Unavailable, SshTarget.Of(uri)?.Explain(e.Message) is { } fix
                    ? $"Cannot connect to libvirt at '{uri}': {e.Message}. {fix}"
                    : $"Cannot connect to libvirt at '{uri}': libvirtd is not answering ({e.Message}). Check that libvirtd runs there and that you may use it, or set the provider's 'uri' (pulumi config set libvirt:uri …).", e);
            }
            _ = opening.ContinueWith(late => late.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw new ProviderException(ErrorKind.Unavailable,
                $"Cannot connect to libvirt at '{uri}': libvirtd is not answering (no answer within {OpenTimeout.TotalSeconds} s). Check that libvirtd runs there and is not stuck (systemctl status libvirtd).");
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
    }
}
