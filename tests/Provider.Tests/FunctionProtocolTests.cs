using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The functions (Pulumi invokes) through the built binary over gRPC, as a program's invoke reaches them: each
/// answers what libvirt has (compared with virsh), a missing object is a NOT_FOUND error saying what was looked for,
/// and wrong arguments are failures naming the property.
/// </summary>
public sealed partial class FunctionProtocolTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IAsyncLifetime
{
    private readonly TestDomains _names = new();
    private EngineSession _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineSession.StartAsync("libvirt:index:getDomain");

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _names.Dispose();
    }

    /// <summary>
    /// A successful invoke's result, checked against the function's outputs in schema.json: the SDKs read it by them.
    /// </summary>
    private async Task<ObjectValue> InvokeAsync(string function, ObjectValue args)
    {
        var response = await _engine.InvokeAsync($"libvirt:index:{function}", args);
        Assert.Empty(response.Failures);
        var result = EngineSession.Values(response.Return);
        using var schema = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.File("schema.json")));
        var outputs = schema
            .RootElement.GetProperty("functions")
            .GetProperty($"libvirt:index:{function}")
            .GetProperty("outputs");
        var declared = outputs.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.All(result.Properties.Keys, key => Assert.Contains(key, declared));
        Assert.All(outputs.GetProperty("required").EnumerateArray(), name =>
            Assert.Contains(name.GetString(), result.Properties.Keys)
        );
        return result;
    }

    [Fact]
    public async Task GetDomain_answers_what_virsh_shows_by_name_and_by_uuid()
    {
        var system = pool.CreateVolume("system", 4 * MiB);
        var data = pool.CreateVolume("data", 2 * MiB, format: "raw");
        var name = _names.Name("template");
        // Made by hand as a person would: a file disk, a disk naming a pool volume, an empty CD-ROM, MACs left to
        // libvirt.
        using (
            pool.Libvirt.DefineDomain(
                $"""
                <domain type='qemu'><name>{name}</name><memory unit='MiB'>96</memory><vcpu>2</vcpu><os><type>hvm</type>
                  </os>
                  <devices>
                    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{system.Path}'/>
                      <target dev='vda' bus='virtio'/></disk>
                    <disk type='volume' device='disk'><driver name='qemu' type='raw'/>
                      <source pool='{pool.Name}' volume='{data.Name}'/><target dev='vdb' bus='virtio'/></disk>
                    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='sda' bus='sata'/>
                      <readonly/></disk>
                    <interface type='network'><source network='{network.Name}'/><model type='virtio'/></interface>
                    <interface type='bridge'><source bridge='br-{name[^6..]}'/><model type='e1000e'/></interface>
                  </devices>
                </domain>
                """
            )
        ) { }

        var result = await InvokeAsync("getDomain", Props.Object(("name", name)));

        var info = Fields(Virsh("dominfo", name));
        Assert.Equal(info["UUID"], Props.Text(result, "uuid"));
        Assert.Equal(name, Props.Text(result, "name"));
        Assert.Equal("shutoff", Props.Text(result, "state"));
        Assert.Equal("shut off", info["State"]);
        Assert.False(((BoolValue)result["running"]!).Value);
        Assert.Equal(96, Props.Number(result, "memory"));
        Assert.Equal(long.Parse(info["CPU(s)"], CultureInfo.InvariantCulture), Props.Number(result, "vcpus"));

        // virsh domblklist --details: Type Device Target Source.
        var blocks = Rows(Virsh("domblklist", name, "--details"));
        var disks = Props.Objects(result, "disks");
        Assert.Equal(blocks.Select(b => b[2]), disks.Select(d => Props.Text(d, "target")));
        Assert.Equal(blocks.Select(b => b[1]), disks.Select(d => Props.Text(d, "device")));
        Assert.Equal(system.Path, Props.Text(disks[0], "path"));
        Assert.Equal(system.Key, Props.Text(disks[0], "volume"));
        Assert.Equal("qcow2", Props.Text(disks[0], "format"));
        Assert.Equal(data.Path, Props.Text(disks[1], "path"));
        Assert.Equal(data.Key, Props.Text(disks[1], "volume"));
        Assert.Equal("raw", Props.Text(disks[1], "format"));
        Assert.Null(disks[2]["path"]);
        Assert.Null(disks[2]["volume"]);

        // virsh domiflist: Interface Type Source Model MAC.
        var interfaces = Rows(Virsh("domiflist", name));
        Assert.Equal(interfaces.Select(i => i[^1]), Props.Texts(result, "macs"));
        var networks = ((ArrayValue)result["networks"]!).Items;
        Assert.Equal(new StringValue(network.Name), networks[0]);
        Assert.Equal(PropertyValue.Null, networks[1]);

        var byUuid = await InvokeAsync("getDomain", Props.Object(("name", info["UUID"])));
        Assert.Equal(result, byUuid);
    }

    [Fact]
    public async Task GetDomain_of_a_missing_domain_is_not_found_naming_it_and_the_host()
    {
        var name = _names.Name("missing");
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getDomain", Props.Object(("name", name)))
        );
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.StartsWith($"No domain named or with UUID '{name}' on {TestPool.Uri}.", error.Status.Detail);
    }

    [Fact]
    public async Task GetVolume_answers_what_virsh_shows_by_pool_and_name_by_key_and_by_path()
    {
        var baseImage = pool.CreateVolume("base", 4 * MiB, format: "raw");
        var overlay = pool.CreateVolume(
            "overlay",
            4 * MiB,
            backingStore: new Libvirt.BackingStore(baseImage.Path, "raw")
        );

        var result = await InvokeAsync("getVolume", Props.Object(("pool", pool.Name), ("name", overlay.Name)));

        Assert.Equal(Virsh("vol-key", overlay.Path).Trim(), Props.Text(result, "key"));
        Assert.Equal(Virsh("vol-path", "--pool", pool.Name, overlay.Name).Trim(), Props.Text(result, "path"));
        Assert.Equal(overlay.Name, Props.Text(result, "name"));
        Assert.Equal(pool.Name, Props.Text(result, "pool"));
        var info = Fields(Virsh("vol-info", "--bytes", overlay.Path));
        Assert.Equal(info["Capacity"], $"{Props.Number(result, "capacity")} bytes");
        Assert.Equal(info["Allocation"], $"{Props.Number(result, "allocation")} bytes");
        Assert.Equal("qcow2", Props.Text(result, "format"));
        var backing = (ObjectValue)result["backingStore"]!;
        Assert.Equal(baseImage.Path, Props.Text(backing, "path"));
        Assert.Equal("raw", Props.Text(backing, "format"));

        Assert.Equal(result, await InvokeAsync("getVolume", Props.Object(("key", overlay.Key))));
        Assert.Equal(result, await InvokeAsync("getVolume", Props.Object(("key", overlay.Path))));
        var plain = await InvokeAsync("getVolume", Props.Object(("key", baseImage.Key)));
        Assert.Null(plain["backingStore"]);
    }

    [Fact]
    public async Task GetVolume_finds_a_file_put_in_the_pool_outside_libvirt()
    {
        var name = TestPool.UniqueName("copied-in");
        await File.WriteAllBytesAsync(Path.Combine(pool.Path, name), new byte[MiB]);

        var result = await InvokeAsync("getVolume", Props.Object(("pool", pool.Name), ("name", name)));

        Assert.Equal(Path.Combine(pool.Path, name), Props.Text(result, "path"));
        Assert.Equal(MiB, Props.Number(result, "capacity"));
    }

    [Fact]
    public async Task GetVolume_of_a_missing_volume_or_pool_is_not_found_naming_what_was_looked_for()
    {
        var name = TestPool.UniqueName("nothing");
        var inPool = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getVolume", Props.Object(("pool", pool.Name), ("name", name)))
        );
        Assert.Equal(StatusCode.NotFound, inPool.StatusCode);
        Assert.StartsWith(
            $"No volume named '{name}' in storage pool '{pool.Name}' on {TestPool.Uri}.",
            inPool.Status.Detail
        );

        var noPool = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getVolume", Props.Object(("pool", name), ("name", "disk")))
        );
        Assert.Equal(StatusCode.NotFound, noPool.StatusCode);
        Assert.StartsWith($"No storage pool '{name}' on {TestPool.Uri}", noPool.Status.Detail);

        var path = Path.Combine(pool.Path, name);
        var byKey = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getVolume", Props.Object(("key", path)))
        );
        Assert.Equal(StatusCode.NotFound, byKey.StatusCode);
        Assert.StartsWith($"No volume with key or path '{path}' on {TestPool.Uri}.", byKey.Status.Detail);
    }

    [Fact]
    public async Task Wrong_arguments_are_failures_naming_the_property_and_an_unknown_function_is_refused()
    {
        async Task<IEnumerable<string>> FailuresAsync(string function, ObjectValue args)
        {
            var response = await _engine.InvokeAsync($"libvirt:index:{function}", args);
            Assert.Null(response.Return);
            return response.Failures.Select(f => f.Property).Order();
        }

        Assert.Equal(["name", "pool"], await FailuresAsync("getVolume", ObjectValue.Empty));
        Assert.Equal(["pool"], await FailuresAsync("getVolume", Props.Object(("key", "/x"), ("pool", "default"))));
        Assert.Equal(["name"], await FailuresAsync("getDomain", ObjectValue.Empty));
        Assert.Equal(["name"], await FailuresAsync("getDomain", Props.Object(("name", 5))));
        Assert.Equal(["nme"], await FailuresAsync("getDomain", Props.Object(("name", "x"), ("nme", "x"))));
        Assert.Equal(["extra"], await FailuresAsync("getNodeInfo", Props.Object(("extra", true))));

        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getThing", ObjectValue.Empty)
        );
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("libvirt:index:getDomain", unknown.Status.Detail);
    }

    [Fact]
    public async Task GetPool_answers_what_virsh_shows_by_name_and_by_uuid_and_a_missing_pool_is_not_found()
    {
        var uuid = Virsh("pool-uuid", pool.Name).Trim();
        var byName = await InvokeAsync("getPool", Props.Object(("name", pool.Name)));
        var byUuid = await InvokeAsync("getPool", Props.Object(("name", uuid)));

        // The same pool either way (its sizes are the shared filesystem's, which other tests change meanwhile).
        Assert.Equal(Props.Text(byName, "name"), Props.Text(byUuid, "name"));
        Assert.Equal(uuid, Props.Text(byUuid, "uuid"));
        Assert.Equal(uuid, Props.Text(byName, "uuid"));
        Assert.Equal(pool.Name, Props.Text(byName, "name"));
        Assert.Equal("dir", Props.Text(byName, "type"));
        Assert.Equal(pool.Path, Props.Text(byName, "path"));
        var info = Fields(Virsh("pool-info", "--bytes", pool.Name));
        Assert.Equal("running", info["State"]);
        Assert.True(((BoolValue)byName["active"]!).Value);
        Assert.Equal(info["Autostart"] == "yes", ((BoolValue)byName["autostart"]!).Value);
        Assert.Equal(
            long.Parse(info["Capacity"].Split(' ')[0], CultureInfo.InvariantCulture),
            Props.Number(byName, "capacity")
        );
        Assert.InRange(Props.Number(byName, "available"), 1, Props.Number(byName, "capacity"));

        var missing = $"{pool.Name}-missing";
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getPool", Props.Object(("name", missing)))
        );
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains($"No storage pool named or with UUID '{missing}' on {TestPool.Uri}", error.Status.Detail);
    }

    [Fact]
    public async Task GetNetwork_answers_a_network_made_by_hand_in_the_Network_resources_terms()
    {
        using var networks = new TestNetworks();
        var name = networks.Name("byhand");
        var prefix = TestNetworks.FreeSubnet().Replace(".0/24", "", StringComparison.Ordinal);
        var xml = Path.Combine(Path.GetTempPath(), $"{name}.xml");
        File.WriteAllText(
            xml,
            $"""
            <network><name>{name}</name><domain name='hand.test'/>
              <dns><host ip='{prefix}.50'><hostname>files</hostname></host></dns>
              <ip address='{prefix}.1' prefix='24'><dhcp><range start='{prefix}.100' end='{prefix}.150'/>
                <host mac='52:54:00:aa:bb:01' name='web' ip='{prefix}.11'/></dhcp></ip>
            </network>
            """
        );
        try
        {
            Virsh("net-define", xml);
        }
        finally
        {
            File.Delete(xml);
        }
        Virsh("net-start", name);

        var result = await InvokeAsync("getNetwork", Props.Object(("name", name)));

        Assert.Equal(result, await InvokeAsync("getNetwork", Props.Object(("name", Virsh("net-uuid", name).Trim()))));
        Assert.Equal(name, Props.Text(result, "name"));
        Assert.Equal("isolated", Props.Text(result, "mode"));
        Assert.Equal(
            Virsh("net-info", name)
                .Split('\n')
                .Single(l => l.StartsWith("Bridge:", StringComparison.Ordinal))["Bridge:".Length..]
                .Trim(),
            Props.Text(result, "bridge")
        );
        Assert.Equal("hand.test", Props.Text(result, "domain"));
        Assert.Equal([$"{prefix}.0/24"], Props.Texts(result, "addresses"));
        Assert.Equal([$"{prefix}.1"], Props.Texts(result, "gateways"));
        var dhcp = (ObjectValue)result["dhcp"]!;
        Assert.Equal(
            Props.Object(("start", $"{prefix}.100"), ("end", $"{prefix}.150")),
            Props.Objects(dhcp, "ranges").Single()
        );
        Assert.Equal(
            Props.Object(("mac", "52:54:00:aa:bb:01"), ("ip", $"{prefix}.11"), ("hostname", "web")),
            Props.Objects(dhcp, "hosts").Single()
        );
        var dnsHost = Props.Objects((ObjectValue)result["dns"]!, "hosts").Single();
        Assert.Equal($"{prefix}.50", Props.Text(dnsHost, "ip"));
        Assert.Equal(["files"], Props.Texts(dnsHost, "hostnames"));
        Assert.True(((BoolValue)result["active"]!).Value);
        Assert.False(((BoolValue)result["autostart"]!).Value);

        var missing = $"{name}-missing";
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.InvokeAsync("libvirt:index:getNetwork", Props.Object(("name", missing)))
        );
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains($"No network named or with UUID '{missing}' on {TestPool.Uri}", error.Status.Detail);
    }

    [Fact]
    public async Task GetNodeInfo_answers_what_virsh_shows()
    {
        var result = await InvokeAsync("getNodeInfo", ObjectValue.Empty);

        var node = Fields(Virsh("nodeinfo"));
        long Count(string field) => long.Parse(node[field].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.Equal(node["CPU model"], Props.Text(result, "cpuModel"));
        Assert.Equal(Count("CPU(s)"), Props.Number(result, "cpus"));
        Assert.Equal(Count("CPU socket(s)") * Count("NUMA cell(s)"), Props.Number(result, "sockets"));
        Assert.Equal(Count("Core(s) per socket"), Props.Number(result, "cores"));
        Assert.Equal(Count("Thread(s) per core"), Props.Number(result, "threads"));
        Assert.Equal(Count("CPU frequency"), Props.Number(result, "mhz"));
        Assert.Equal(Count("Memory size") * 1024, Props.Number(result, "memory"));
        Assert.Equal(Virsh("hostname").Trim(), Props.Text(result, "hostname"));

        var version = Virsh("version");
        Assert.Contains($"Using library: libvirt {Props.Text(result, "libvirtVersion")}\n", version);
        Assert.Contains($"Running hypervisor: QEMU {Props.Text(result, "hypervisorVersion")}\n", version);

        var offered = DomainType()
            .Matches(Virsh("capabilities"))
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .Order(StringComparer.Ordinal);
        Assert.Equal(offered, Props.Texts(result, "domainTypes"));
        Assert.Equal(offered.Contains("kvm"), ((BoolValue)result["kvm"]!).Value);
    }

    private static string Virsh(params string[] args) => Command.Run("virsh", ["-c", TestPool.Uri, .. args]);

    /// <summary>"Key: value" lines, as virsh dominfo, nodeinfo and vol-info print them.</summary>
    private static Dictionary<string, string> Fields(string output) =>
        output
            .Split('\n')
            .Where(l => l.Contains(':'))
            .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim());

    /// <summary>The rows of a virsh table (after its header and dashes), split on whitespace.</summary>
    private static List<string[]> Rows(string output) =>
        output
            .Split('\n')
            .SkipWhile(l => !l.StartsWith("---", StringComparison.Ordinal))
            .Skip(1)
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

    [GeneratedRegex("<domain type='([a-z]+)'")]
    private static partial Regex DomainType();
}
