using System.Security.Cryptography;
using Google.Protobuf;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Protocol;
using static PulumiLibvirt.Tests.Support.Sizes;
using Rpc = Pulumirpc;
using Struct = Google.Protobuf.WellKnownTypes.Struct;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The bad-input cases' host (<see cref="BadInputHost"/>) on the real libvirtd, made once per class: one built
/// provider process (configured for qemu:///system), a test pool with the host's volumes, an active test network, a
/// network that is defined but not active, a shut-off template domain for clones, and a pool defined (not started)
/// inside the host's outer folder. Everything carries the run's
/// prefix and is removed at the end.
/// </summary>
public sealed class BadInputDaemon : IAsyncLifetime
{
    public TestPool Pool { get; } = new();
    public TestNetwork Network { get; } = new();
    public TestDomains Domains { get; } = new();
    public BadInputHost Host { get; }

    private FakeEngine? _engine;
    private ProviderProcess? _provider;

    public BadInputDaemon()
    {
        var template = new TemplateDomain(Pool, Network, Domains);
        var bridgeMac = File.ReadAllText($"/sys/class/net/{Network.Bridge}/address").Trim();
        Host = new BadInputHost(
            new BadInputPool(Pool.Name, Pool.Path),
            Network.Name,
            bridgeMac,
            TestPool.UniqueName("off"),
            new BadInputTemplate(template.Name, template.SystemDisk, template.DataDisk, template.Iso)
        );
        Command.Run(
            "qemu-img",
            "create",
            "-q",
            "-f",
            "qcow2",
            "-F",
            "qcow2",
            "-u",
            "-b",
            Host.GoneBase,
            Host.Orphan,
            "1M"
        );
        Pool.Pool.Refresh();
        Pool.Pool.CreateVolume(new VolumeDefinition(Path.GetFileName(Host.Base), MiB, "qcow2")).Dispose();
        var xml = Path.Combine(Host.Files, "net.xml");
        var bridge = $"vb{Random.Shared.Next(10000, 99999)}off";
        File.WriteAllText(xml, $"<network><name>{Host.InactiveNetwork}</name><bridge name='{bridge}'/></network>");
        Command.Run("virsh", "-c", TestPool.Uri, "net-define", xml);
        Pool.Libvirt.DefineDirectoryPool(Host.InnerPool, Host.InnerPoolPath).Dispose();
    }

    public async Task InitializeAsync()
    {
        _engine = await FakeEngine.StartAsync();
        _provider = await ProviderProcess.StartAsync(_engine.Address);
        await _provider.Client.HandshakeAsync(new Rpc.ProviderHandshakeRequest { EngineAddress = _engine.Address });
        await _provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = PropertyStruct.Encode(Props.Object(("uri", TestPool.Uri))),
                AcceptSecrets = true,
                AcceptResources = true,
                SendsOldInputs = true,
            }
        );
    }

    public ProviderProcess Provider => _provider!;

    private static string Urn(string type, string name) => $"urn:pulumi:dev::bad-inputs::{type}::{name}";

    public Task<Rpc.CheckResponse> CheckAsync(string type, string name, ObjectValue news, ObjectValue? olds = null) =>
        Provider
            .Client.CheckAsync(
                new Rpc.CheckRequest
                {
                    Urn = Urn(type, name),
                    Name = name,
                    Type = type,
                    News = PropertyStruct.Encode(news),
                    Olds = PropertyStruct.Encode(olds ?? ObjectValue.Empty),
                    RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
                }
            )
            .ResponseAsync;

    public Task<Rpc.CheckResponse> CheckConfigAsync(ObjectValue news) =>
        Provider
            .Client.CheckConfigAsync(
                new Rpc.CheckRequest
                {
                    Urn = Urn("pulumi:providers:libvirt", "default"),
                    Name = "default",
                    Type = "pulumi:providers:libvirt",
                    News = PropertyStruct.Encode(news),
                    Olds = PropertyStruct.Encode(ObjectValue.Empty),
                }
            )
            .ResponseAsync;

    /// <summary>The engine's Invoke of a function: it belongs to no resource, so it has no URN.</summary>
    public Task<Rpc.InvokeResponse> InvokeAsync(string token, ObjectValue args) =>
        Provider
            .Client.InvokeAsync(new Rpc.InvokeRequest { Tok = token, Args = PropertyStruct.Encode(args) })
            .ResponseAsync;

    /// <summary>What the provider logged to the engine so far.</summary>
    public IEnumerable<Rpc.LogRequest> Logs => _engine!.Logs;

    public Task<Rpc.CreateResponse> CreateAsync(string type, string name, Struct inputs) =>
        Provider
            .Client.CreateAsync(
                new Rpc.CreateRequest
                {
                    Urn = Urn(type, name),
                    Type = type,
                    Properties = inputs,
                }
            )
            .ResponseAsync;

    /// <summary>Names of the domains, networks, pools and pool volumes starting with <paramref name="tag"/>.</summary>
    public List<string> ObjectsNamed(string tag)
    {
        var libvirt = Pool.Libvirt;
        Pool.Pool.Refresh();
        var volumes = Pool
            .Pool.ListVolumes()
            .Select(v =>
            {
                using (v)
                    return Path.GetFileName(v.Path);
            });
        var pools = libvirt
            .ListAllPools()
            .Select(p =>
            {
                using (p)
                    return p.Name;
            });
        return libvirt
            .DescribeAllDomains()
            .Select(d => d.Name)
            .Concat(libvirt.DescribeAllNetworks().Select(n => n.Name))
            .Concat(pools)
            .Concat(volumes)
            .Where(name => name.StartsWith(tag, StringComparison.Ordinal))
            .ToList();
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
            await _provider.DisposeAsync();
        if (_engine is not null)
            await _engine.DisposeAsync();
        Command.Try("virsh", null, "-c", TestPool.Uri, "net-undefine", Host.InactiveNetwork);
        Command.Try("virsh", null, "-c", TestPool.Uri, "pool-undefine", Host.InnerPool);
        // The links go before the pool deletes its volumes: what they point at is never touched.
        File.Delete(Host.Orphan);
        Host.Dispose();
        Domains.Dispose();
        Network.Dispose();
        Pool.Dispose();
    }
}
