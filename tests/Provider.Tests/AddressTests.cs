using Grpc.Core;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// waitForIp and the address outputs on real guests: the test guest in its guest.net=dhcp mode (TCG, no disk) takes a
/// DHCP lease on a network of the Network resource and pings its gateway every second, so both libvirt's leases and
/// the host's ARP table know its address.
/// (libvirt 9.0 here cannot read the host's ARP table: "wrong nlmsg len"; the arp source is not tested end to end.)
/// </summary>
public sealed class AddressTests(TestPool pool, TestNetwork isolated)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IAsyncLifetime
{
    private readonly ResourceHarness _networks = new("libvirt:index:Network");
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestNetworks _networkNames = new();
    private readonly TestDomains _names = new();
    private string _network = "";
    private string _prefix = "";

    public async Task InitializeAsync()
    {
        var (_, outputs, _) = await _networks.CreateAsync(
            Props.Object(("name", _networkNames.Name("addrnet")), ("addresses", Props.Array(TestNetworks.FreeSubnet())))
        );
        _network = Props.Text(outputs, "name");
        _prefix = Props.Texts(outputs, "gateways")[0][..^1];
    }

    public Task DisposeAsync()
    {
        _names.Dispose();
        _networkNames.Dispose();
        foreach (var harness in new[] { _clones, _domains, _networks })
            harness.Dispose();
        return Task.CompletedTask;
    }

    private ObjectValue DhcpGuest(string name, object? waitForIp) =>
        Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 256),
            ("shutdownTimeout", 0),
            ("kernel", TestGuest.Shared.Kernel),
            ("initrd", TestGuest.Shared.Initrd),
            ("cmdline", $"{TestGuest.Shared.Cmdline} guest.net=dhcp"),
            ("console", Props.Object(("type", "file"), ("path", Path.Combine(pool.Path, $"{name}.log")))),
            ("networkInterfaces", Props.Array(Props.Object(("network", _network)))),
            ("waitForIp", waitForIp)
        );

    private static List<ObjectValue> Addresses(ObjectValue outputs, int nic = 0) =>
        Props.Objects(Props.Objects(outputs, "networkInterfaces")[nic], "addresses");

    private void AssertAddressInSubnet(ObjectValue outputs)
    {
        var ip = Props.Text(outputs, "ipAddress");
        Assert.StartsWith(_prefix, ip, StringComparison.Ordinal);
        var nic = Props.Objects(outputs, "networkInterfaces")[0];
        Assert.Equal(Props.Texts(outputs, "macs")[0], Props.Text(nic, "mac"));
        Assert.Equal(_network, Props.Text(nic, "network"));
        var address = Assert.Single(Addresses(outputs), a => Props.Text(a, "type") == "ipv4");
        Assert.Equal(ip, Props.Text(address, "address"));
        Assert.Equal(24, Props.Number(address, "prefix"));
    }

    [Fact]
    public async Task Wait_by_lease_gives_the_address_refresh_reads_it_and_a_shut_off_machine_has_none_without_diff()
    {
        var (id, outputs, inputs) = await _domains.CreateAsync(
            DhcpGuest(_names.Name("lease"), Props.Object(("source", "lease"), ("timeout", 300)))
        );
        AssertAddressInSubnet(outputs);
        Assert.Contains(_domains.Log.Messages, m =>
            m.Message.StartsWith("Waiting for an address on networkInterfaces[0]", StringComparison.Ordinal)
        );

        var refreshed = (await _domains.ReadAsync(id, outputs, inputs))!;
        AssertAddressInSubnet(refreshed.Outputs);

        var program = Props.With(inputs, ("running", false));
        var stopped = await _domains.UpdateAsync(
            id,
            outputs,
            inputs,
            (await _domains.CheckAsync(program, inputs)).Inputs
        );
        Assert.Empty(Addresses(stopped));
        Assert.Equal("", Props.Text(stopped, "ipAddress"));
        var read = (await _domains.ReadAsync(id, stopped, program))!;
        Assert.Empty(Addresses(read.Outputs));
        Assert.Equal("", Props.Text(read.Outputs, "ipAddress"));
        // The refresh diff: the read inputs and outputs as olds, the program as news.
        Assert.False(_domains.Diff(id, read.Outputs, read.Inputs!, program).HasChanges);
    }

    [Fact]
    public async Task A_clone_of_a_dhcp_template_waits_for_its_own_address()
    {
        var (templateId, templateOutputs, _) = await _domains.CreateAsync(
            Props.With(DhcpGuest(_names.Name("tpl"), null), ("running", false))
        );
        var (_, outputs, _) = await _clones.CreateAsync(
            Props.Object(
                ("source", templateId),
                ("name", _names.Name("clone")),
                ("shutdownTimeout", 0),
                ("waitForIp", Props.Object(("timeout", 300)))
            )
        );
        AssertAddressInSubnet(outputs);
        Assert.NotEqual(Props.Texts(templateOutputs, "macs")[0], Props.Texts(outputs, "macs")[0]);
    }

    [Fact]
    public async Task A_wait_that_times_out_keeps_the_machine_reports_it_as_made_and_the_next_up_waits_again()
    {
        await using var engine = await EngineSession.StartAsync("libvirt:index:Domain");
        var name = _names.Name("timeout");
        // A blank disk boots nothing, and the isolated network has no DHCP: no address ever comes.
        var disk = pool.CreateVolume("blank", 1 << 20);
        var program = Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 64),
            ("shutdownTimeout", 0),
            ("disks", Props.Array(Props.Object(("volume", disk.Key)))),
            ("networkInterfaces", Props.Array(Props.Object(("network", isolated.Name)))),
            ("waitForIp", Props.Object(("timeout", 5)))
        );
        var check = await engine.CheckAsync("vm", program);
        Assert.Empty(check.Failures);

        var preview = await engine.CreateAsync("vm", check.Inputs, preview: true);
        Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields["ipAddress"].StringValue);
        Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields["networkInterfaces"].StringValue);

        var started = DateTime.UtcNow;
        var failure = await Assert.ThrowsAsync<RpcException>(() => engine.CreateAsync("vm", check.Inputs));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(5));
        var initFailed = InitFailed(failure);
        Assert.Contains(
            "waitForIp: no address on networkInterfaces[0]",
            failure.Status.Detail,
            StringComparison.Ordinal
        );
        Assert.Contains("next `pulumi up` waits again", Assert.Single(initFailed.Reasons), StringComparison.Ordinal);
        using (var domain = pool.Libvirt.FindDomain(initFailed.Id)!)
        {
            Assert.Equal(name, domain.Name);
            Assert.True(domain.IsActive);
        }
        var recorded = EngineSession.Values(initFailed.Properties);
        Assert.Equal("", Props.Text(recorded, "ipAddress"));
        Assert.Equal(
            Props.Texts(recorded, "macs")[0],
            Props.Text(Props.Objects(recorded, "networkInterfaces")[0], "mac")
        );
        Assert.Contains(engine.Engine.Logs, log =>
            log.Message.StartsWith("Waiting for an address on networkInterfaces[0]", StringComparison.Ordinal)
        );

        // The next up: the same program, no diff, and the engine updates a resource with init errors anyway.
        var again = await engine.CheckAsync("vm", program, check.Inputs);
        var diff = await engine.DiffAsync("vm", initFailed.Id, initFailed.Properties, check.Inputs, again.Inputs);
        Assert.Equal(Rpc.DiffResponse.Types.DiffChanges.DiffNone, diff.Changes);
        started = DateTime.UtcNow;
        var retry = await Assert.ThrowsAsync<RpcException>(() =>
            engine.UpdateAsync("vm", initFailed.Id, initFailed.Properties, check.Inputs, again.Inputs)
        );
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(5));
        Assert.Equal(initFailed.Id, InitFailed(retry).Id);

        // Stopped, the machine needs no address: the update completes.
        var stopped = await engine.CheckAsync("vm", program.With("running", new BoolValue(false)), check.Inputs);
        var updated = await engine.UpdateAsync(
            "vm",
            initFailed.Id,
            InitFailed(retry).Properties,
            check.Inputs,
            stopped.Inputs
        );
        Assert.Equal("shutoff", updated.Properties.Fields["state"].StringValue);
        await engine.DeleteAsync("vm", initFailed.Id, updated.Properties, stopped.Inputs);
        Assert.Null(pool.Libvirt.FindDomain(initFailed.Id));
    }

    private static Rpc.ErrorResourceInitFailed InitFailed(RpcException failure)
    {
        var details = failure.GetRpcStatus();
        Assert.True(details is not null, $"no ErrorResourceInitFailed detail in: {failure}");
        var detail = Assert.Single(details.Details);
        return detail.Unpack<Rpc.ErrorResourceInitFailed>();
    }

    [Fact]
    public async Task A_guest_agent_channel_is_made_and_imported_without_a_diff()
    {
        var name = _names.Name("agent");
        var program = Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("qemuAgent", true),
            ("networkInterfaces", Props.Array(Props.Object(("network", isolated.Name)))),
            ("waitForIp", Props.Object(("source", "agent")))
        );
        var (id, _, inputs) = await _domains.CreateAsync(program);
        using (var domain = pool.Libvirt.FindDomain(id)!)
            Assert.Contains("org.qemu.guest_agent.0", domain.Xml(), StringComparison.Ordinal);

        var imported = (await _domains.ReadAsync(name))!;
        Assert.Equal(new BoolValue(true), imported.Inputs!["qemuAgent"]);
        var check = await _domains.CheckAsync(imported.Inputs, imported.Inputs);
        Assert.Empty(check.Failures);
        Assert.False(_domains.Diff(id, imported.Outputs, imported.Inputs, check.Inputs).HasChanges);
        Assert.Equal(
            ["qemuAgent"],
            _domains.Diff(id, imported.Outputs, imported.Inputs, Props.With(check.Inputs, ("qemuAgent", false))).Changed
        );

        var without = await _domains.CheckAsync(Props.With(program, ("qemuAgent", false)), inputs);
        Assert.Contains(without.Failures, f => f.Property == "waitForIp.source");
    }
}
