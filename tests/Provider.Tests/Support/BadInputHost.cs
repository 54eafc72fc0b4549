using System.Security.Cryptography;
using Google.Protobuf;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using static PulumiLibvirt.Tests.Support.Sizes;
using Rpc = Pulumirpc;
using Struct = Google.Protobuf.WellKnownTypes.Struct;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// What the bad-input suite needs on the host, made once per class: one built provider process (configured for
/// qemu:///system), a test pool and an active test network, a network that is defined but not active, a shut-off
/// template domain for clones, and files a careless program might point at (a text file, an empty file, a file that
/// is not whole sectors, links to /etc/shadow inside and outside the pool, an overlay whose base is gone).
/// Everything carries the run's prefix and is removed at the end.
/// </summary>
public sealed class BadInputHost : IAsyncLifetime
{
    public TestPool Pool { get; } = new();
    public TestNetwork Network { get; } = new();
    public TestDomains Domains { get; } = new();
    public TemplateDomain Template { get; }
    public string InactiveNetwork { get; } = TestPool.UniqueName("off");
    public string Files { get; } = Path.Combine(Path.GetTempPath(), TestPool.UniqueName("files"));

    /// <summary>A raw image in the files folder (1 MiB of zeros): a good disk file.</summary>
    public string RawImage => Path.Combine(Files, "disk.raw");
    public string TextFile => Path.Combine(Files, "notes.txt");
    public string EmptyFile => Path.Combine(Files, "empty.img");
    public string OddFile => Path.Combine(Files, "odd.bin");
    public string ShadowLink => Path.Combine(Files, "shadow-link.img");

    /// <summary>A link to /etc: a harmless-looking folder for a pool.</summary>
    public string EtcLink => Path.Combine(Files, "etc-link");

    /// <summary>A folder that holds the folder of <see cref="InnerPool"/>: a pool on it would be above another.</summary>
    public string OuterFolder => Path.Combine(Files, "outer");

    /// <summary>A directory pool inside <see cref="OuterFolder"/>.</summary>
    public string InnerPool { get; } = TestPool.UniqueName("inner");

    /// <summary>A volume of the test pool that is a link to /etc/shadow.</summary>
    public string PoolShadowLink { get; }

    /// <summary>A qcow2 volume of the test pool whose backing file does not exist.</summary>
    public string Orphan { get; }

    /// <summary>A good qcow2 volume of the test pool.</summary>
    public string Base { get; }

    private FakeEngine? _engine;
    private ProviderProcess? _provider;

    public BadInputHost()
    {
        Template = new TemplateDomain(Pool, Network, Domains);
        Directory.CreateDirectory(Files);
        File.WriteAllBytes(RawImage, new byte[MiB]);
        File.WriteAllText(TextFile, "these are notes, not a disk\n" + new string('x', 1024 - 29) + "\n");
        File.WriteAllBytes(EmptyFile, []);
        File.WriteAllBytes(OddFile, new byte[1000]);
        File.CreateSymbolicLink(ShadowLink, "/etc/shadow");
        File.CreateSymbolicLink(EtcLink, "/etc");
        Directory.CreateDirectory(OuterFolder);
        Pool.Libvirt.CreateDirectoryPool(InnerPool, Path.Combine(OuterFolder, "inner")).Dispose();
        PoolShadowLink = Path.Combine(Pool.Path, TestPool.UniqueName("shadow") + ".qcow2");
        File.CreateSymbolicLink(PoolShadowLink, "/etc/shadow");
        Orphan = Path.Combine(Pool.Path, TestPool.UniqueName("orphan") + ".qcow2");
        Command.Run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-u", "-b", Path.Combine(Files, "gone.qcow2"), Orphan, "1M");
        Pool.Pool.Refresh();
        Base = Pool.CreateVolume("base", MiB).Path;
        var xml = Path.Combine(Files, "net.xml");
        File.WriteAllText(xml, $"<network><name>{InactiveNetwork}</name><bridge name='vb{Random.Shared.Next(10000, 99999)}off'/></network>");
        Command.Run("virsh", "-c", TestPool.Uri, "net-define", xml);
    }

    public async Task InitializeAsync()
    {
        _engine = await FakeEngine.StartAsync();
        _provider = await ProviderProcess.StartAsync(_engine.Address);
        await _provider.CallAsync<Rpc.ProviderHandshakeResponse>("Handshake", new Rpc.ProviderHandshakeRequest { EngineAddress = _engine.Address });
        await _provider.CallAsync<Rpc.ConfigureResponse>("Configure", new Rpc.ConfigureRequest
        {
            Args = PropertyStruct.Encode(Props.Object(("uri", TestPool.Uri))), AcceptSecrets = true, AcceptResources = true, SendsOldInputs = true,
        });
    }

    public ProviderProcess Provider => _provider!;

    /// <summary>The engine the provider logs to.</summary>
    public FakeEngine Engine => _engine!;

    public Task<Rpc.InvokeResponse> InvokeAsync(string token, ObjectValue args) =>
        Provider.CallAsync<Rpc.InvokeResponse>("Invoke", new Rpc.InvokeRequest { Tok = token, Args = PropertyStruct.Encode(args) });

    private static string Urn(string type, string name) => $"urn:pulumi:dev::bad-inputs::{type}::{name}";

    public Task<Rpc.CheckResponse> CheckAsync(string type, string name, ObjectValue news, ObjectValue? olds = null) =>
        Provider.CallAsync<Rpc.CheckResponse>("Check", new Rpc.CheckRequest
        {
            Urn = Urn(type, name), Name = name, Type = type, News = PropertyStruct.Encode(news), Olds = PropertyStruct.Encode(olds ?? ObjectValue.Empty),
            RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
        });

    public Task<Rpc.CheckResponse> CheckConfigAsync(ObjectValue news) =>
        Provider.CallAsync<Rpc.CheckResponse>("CheckConfig", new Rpc.CheckRequest
        {
            Urn = Urn("pulumi:providers:libvirt", "default"), Name = "default", Type = "pulumi:providers:libvirt", News = PropertyStruct.Encode(news),
            Olds = PropertyStruct.Encode(ObjectValue.Empty),
        });

    public Task<Rpc.CreateResponse> CreateAsync(string type, string name, Struct inputs) =>
        Provider.CallAsync<Rpc.CreateResponse>("Create", new Rpc.CreateRequest { Urn = Urn(type, name), Type = type, Properties = inputs });

    /// <summary>Names of the domains, networks, pools and test-pool volumes that start with <paramref name="tag"/>.</summary>
    public List<string> ObjectsNamed(string tag)
    {
        var libvirt = Pool.Libvirt;
        Pool.Pool.Refresh();
        var volumes = Pool.Pool.ListVolumes().Select(v =>
        {
            using (v) return Path.GetFileName(v.Path);
        });
        var pools = libvirt.ListAllPools().Select(p =>
        {
            using (p) return p.Name;
        });
        return libvirt.DescribeAllDomains().Select(d => d.Name)
            .Concat(libvirt.DescribeAllNetworks().Select(n => n.Name))
            .Concat(pools).Concat(volumes)
            .Where(name => name.StartsWith(tag, StringComparison.Ordinal)).ToList();
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null) await _provider.DisposeAsync();
        if (_engine is not null) await _engine.DisposeAsync();
        Command.Try("virsh", null, "-c", TestPool.Uri, "net-undefine", InactiveNetwork);
        Command.Try("virsh", null, "-c", TestPool.Uri, "pool-destroy", InnerPool);
        Command.Try("virsh", null, "-c", TestPool.Uri, "pool-undefine", InnerPool);
        // The links go before the pool deletes its volumes: what they point at is never touched.
        File.Delete(PoolShadowLink);
        File.Delete(Orphan);
        Domains.Dispose();
        Network.Dispose();
        Pool.Dispose();
        Directory.Delete(Files, recursive: true);
    }
}
