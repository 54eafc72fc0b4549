using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The Network resource against the real libvirtd: networks of this run (random free 10.x.y.0/24 subnets, bridges
/// named by libvirt or with the run's prefix), lifecycle in each mode, updates live and by restart, delete refused
/// while a domain uses the network, import and refresh.
/// </summary>
public sealed class NetworkTests : IDisposable
{
    private readonly Connection _libvirt = Connection.Open(TestPool.Uri);
    private readonly ResourceHarness _networks = new("libvirt:index:Network");
    private readonly TestNetworks _names = new();
    private readonly TestDomains _domains = new();

    public void Dispose()
    {
        _domains.Dispose();
        _names.Dispose();
        _networks.Dispose();
        _libvirt.Dispose();
    }

    private ObjectValue Inputs(string hint, params (string Key, object? Value)[] more) =>
        Props.With(
            Props.Object(("name", _names.Name(hint)), ("addresses", Props.Array(TestNetworks.FreeSubnet()))),
            more
        );

    private LibvirtNetwork Live(string id) =>
        _libvirt.FindNetwork(id) ?? throw new Xunit.Sdk.XunitException($"network {id} is gone");

    private static string Ifindex(string bridge) => File.ReadAllText($"/sys/class/net/{bridge}/ifindex").Trim();

    /// <summary>
    /// A running qemu domain with no disk (its BIOS waits forever) and one interface on <paramref name="network"/>.
    /// </summary>
    private LibvirtDomain RunningDomain(string network, bool start = true)
    {
        var domain = _libvirt.DefineDomain(
            new DomainDefinition
            {
                Name = _domains.Name("guest"),
                Type = "qemu",
                MemoryKiB = 65536,
                Interfaces = [new DomainInterface { Network = network }],
            }
        );
        if (start)
            domain.Start();
        return domain;
    }

    private static string TapOf(LibvirtDomain domain) => domain.Describe(persistent: false).Interfaces[0].Tap!;

    private static string? MasterOf(string tap) =>
        Directory.Exists($"/sys/class/net/{tap}/master")
            ? Path.GetFileName(
                Path.GetFullPath(File.ResolveLinkTarget($"/sys/class/net/{tap}/master", false)!.FullName)
            )
            : null;

    [Theory]
    [InlineData("nat", "nat")]
    [InlineData("route", "route")]
    [InlineData("open", "open")]
    [InlineData("isolated", null)]
    public async Task Each_routed_mode_makes_a_running_bridge_with_the_gateway_and_dhcp_and_delete_removes_it(
        string mode,
        string? forward
    )
    {
        var program = Inputs(mode, ("mode", mode));
        var subnet = Props.Texts(program, "addresses")[0];
        var (id, outputs, inputs) = await _networks.CreateAsync(program);

        using var network = Live(id);
        Assert.Equal(network.Uuid, Props.Text(outputs, "uuid"));
        Assert.Equal(Props.Text(program, "name"), Props.Text(outputs, "name"));
        Assert.True(network.IsActive);
        Assert.True(network.Autostart);
        var bridge = Props.Text(outputs, "bridge");
        Assert.True(Directory.Exists($"/sys/class/net/{bridge}/bridge"), $"{bridge} is not a bridge on the host");
        var gateway = subnet.Replace(".0/24", ".1", StringComparison.Ordinal);
        Assert.Equal([subnet], Props.Texts(outputs, "addresses"));
        Assert.Equal([gateway], Props.Texts(outputs, "gateways"));
        Assert.Contains($"inet {gateway}/24", Command.Run("ip", "-4", "addr", "show", bridge));

        var xml = XElement.Parse(network.Xml());
        Assert.Equal(forward, xml.Element("forward")?.Attribute("mode")?.Value);
        var range = xml.Element("ip")!.Element("dhcp")!.Element("range")!;
        Assert.Equal(
            (
                subnet.Replace(".0/24", ".2", StringComparison.Ordinal),
                subnet.Replace(".0/24", ".254", StringComparison.Ordinal)
            ),
            (range.Attribute("start")!.Value, range.Attribute("end")!.Value)
        );
        // The default range is left out of the inputs, and a refresh reads it back as left out.
        Assert.Null(inputs["dhcp"]);
        Assert.Null((await _networks.ReadAsync(id, outputs, inputs))!.Inputs!["dhcp"]);

        await _networks.DeleteAsync(id, outputs);
        Assert.Null(_libvirt.FindNetwork(id));
        Assert.False(Directory.Exists($"/sys/class/net/{bridge}"));
    }

    [Fact]
    public async Task Bridge_mode_attaches_to_an_existing_host_bridge_and_refuses_a_missing_one_or_addresses()
    {
        var hostBridge = $"plb{Environment.ProcessId % 10000}x{Random.Shared.Next(100, 999)}";
        Command.Run("ip", "link", "add", "name", hostBridge, "type", "bridge");
        try
        {
            var (id, outputs, _) = await _networks.CreateAsync(
                Props.Object(("name", _names.Name("hostbr")), ("mode", "bridge"), ("bridge", hostBridge))
            );
            using (var network = Live(id))
            {
                var xml = XElement.Parse(network.Xml());
                Assert.Equal("bridge", xml.Element("forward")?.Attribute("mode")?.Value);
                Assert.Equal(hostBridge, xml.Element("bridge")?.Attribute("name")?.Value);
                Assert.True(network.IsActive);
            }
            Assert.Equal(hostBridge, Props.Text(outputs, "bridge"));
            Assert.Empty(Props.Texts(outputs, "gateways"));

            var missing = await _networks.CheckAsync(
                Props.Object(("name", _names.Name("nobr")), ("mode", "bridge"), ("bridge", "plnosuchbr0"))
            );
            Assert.Equal(["bridge"], missing.Failures.Select(f => f.Property));
            var none = await _networks.CheckAsync(Props.Object(("name", _names.Name("nobr")), ("mode", "bridge")));
            Assert.Equal(["bridge"], none.Failures.Select(f => f.Property));
            var extra = await _networks.CheckAsync(
                Props.Object(
                    ("name", _names.Name("extra")),
                    ("mode", "bridge"),
                    ("bridge", hostBridge),
                    ("addresses", Props.Array("10.9.9.0/24")),
                    ("dhcp", Props.Object()),
                    ("dns", Props.Object())
                )
            );
            Assert.Equal(["addresses", "dhcp", "dns"], extra.Failures.Select(f => f.Property));

            await _networks.DeleteAsync(id, outputs);
            Assert.Null(_libvirt.FindNetwork(id));
            Assert.True(
                Directory.Exists($"/sys/class/net/{hostBridge}"),
                "the host's bridge is not libvirt's to remove"
            );
        }
        finally
        {
            Command.Run("ip", "link", "del", hostBridge);
        }
    }

    [Fact]
    public async Task Running_false_defines_only_and_autostart_and_running_change_in_place()
    {
        var (id, outputs, inputs) = await _networks.CreateAsync(
            Inputs("stopped", ("running", false), ("autostart", false))
        );
        using var network = Live(id);
        Assert.False(network.IsActive);
        Assert.False(network.Autostart);

        var news = (
            await _networks.CheckAsync(Props.With(inputs, ("running", true), ("autostart", true)), inputs)
        ).Inputs;
        var diff = _networks.Diff(id, outputs, inputs, news);
        Assert.Equal(["autostart", "running"], diff.Changed);
        Assert.Empty(diff.Replaces);
        await _networks.UpdateAsync(id, outputs, inputs, news);
        Assert.True(network.IsActive);
        Assert.True(network.Autostart);
        Assert.Equal(id, network.Uuid);
    }

    [Fact]
    public async Task Each_bad_input_is_a_check_failure_on_its_property()
    {
        // Another resource's network (the Check below is of resource "bad"): its subnet and bridge are taken.
        var (_, other, _) = await _networks.CreateAsync(Inputs("other"));
        var otherSubnet = Props.Texts(other, "addresses")[0];
        // A subnet the host routes through its uplink (the device of its default route), not through a libvirt bridge.
        var uplink = Command.Run("ip", "-4", "route", "show", "default").Split(" dev ")[1].Split(' ')[0];
        var routed = Command
            .Run("ip", "-4", "route", "show", "dev", uplink)
            .Split('\n')
            .First(l => l.Length > 0 && !l.StartsWith("default", StringComparison.Ordinal))
            .Split(' ')[0];
        var subnet = TestNetworks.FreeSubnet();
        var net = subnet[..^4]; // "10.x.y."
        var check = await _networks.CheckAsync(
            Props.Object(
                ("name", _names.Name("bad")),
                ("addresses", Props.Array(subnet, "10.1.2.300/24", otherSubnet, routed)),
                ("bridge", Props.Text(other, "bridge")),
                ("mtu", 40),
                ("domain", "not_a domain"),
                (
                    "dhcp",
                    Props.Object(
                        (
                            "ranges",
                            Props.Array(
                                Props.Object(("start", "10.250.250.2"), ("end", "10.250.250.9")),
                                Props.Object(("start", net + "9"), ("end", net + "2"))
                            )
                        ),
                        (
                            "hosts",
                            Props.Array(
                                Props.Object(("mac", "52:54:00:00:00:01"), ("ip", "10.250.250.5")),
                                Props.Object(("mac", "52:54:00:00:00:01"), ("ip", net + "6"), ("hostname", "a")),
                                Props.Object(("mac", "01:54:00:00:00:02"), ("ip", net + "6"), ("hostname", "a")),
                                Props.Object(("mac", "zz:54:00:00:00:02"), ("ip", net + "7"))
                            )
                        )
                    )
                )
            ),
            name: "bad"
        );
        Assert.Equal(
            [
                "mtu",
                "domain",
                "bridge",
                "addresses[1]",
                "addresses[2]",
                "addresses[3]",
                "dhcp.ranges[0]",
                "dhcp.ranges[1]",
                "dhcp.hosts[0].ip",
                "dhcp.hosts[1].mac",
                "dhcp.hosts[2].ip",
                "dhcp.hosts[2].mac",
                "dhcp.hosts[2].hostname",
                "dhcp.hosts[3].mac",
            ],
            check.Failures.Select(f => f.Property)
        );
        Assert.Contains(
            $"libvirt network '{Props.Text(other, "name")}'",
            check.Failures.Single(f => f.Property == "addresses[2]").Reason
        );
        Assert.Contains("host's route", check.Failures.Single(f => f.Property == "addresses[3]").Reason);
        Assert.Contains("multicast", check.Failures.Single(f => f.Property == "dhcp.hosts[2].mac").Reason);

        var hostInterface = await _networks.CheckAsync(Inputs("lo", ("bridge", "lo")));
        Assert.Equal(["bridge"], hostInterface.Failures.Select(f => f.Property));
        var nat = await _networks.CheckAsync(Inputs("v6", ("addresses", Props.Array("fd42:77::/64"))));
        Assert.Equal(["addresses"], nat.Failures.Select(f => f.Property));
    }

    [Fact]
    public async Task Delete_is_refused_while_a_defined_domain_has_an_interface_on_the_network()
    {
        var (id, outputs, _) = await _networks.CreateAsync(Inputs("used"));
        using var domain = RunningDomain(Props.Text(outputs, "name"), start: false);
        var error = await Assert.ThrowsAsync<ProviderException>(() => _networks.DeleteAsync(id, outputs));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains($"'{domain.Name}'", error.Message);
        Assert.NotNull(_libvirt.FindNetwork(id));
        domain.Undefine();
        await _networks.DeleteAsync(id, outputs);
        Assert.Null(_libvirt.FindNetwork(id));
    }

    [Fact]
    public async Task Libvirt_leaves_running_guests_off_the_bridge_after_a_restart_and_the_resource_puts_them_back()
    {
        var (id, outputs, inputs) = await _networks.CreateAsync(Inputs("restart"));
        var bridge = Props.Text(outputs, "bridge");
        using var network = Live(id);
        using var domain = RunningDomain(Props.Text(outputs, "name"));
        var tap = TapOf(domain);
        Assert.Equal(bridge, MasterOf(tap));

        // What libvirt 9.0 does by itself: the tap stays detached from the bridge made anew.
        network.Destroy();
        network.Start();
        Assert.Null(MasterOf(tap));

        // A change libvirt cannot apply live: redefine and restart, naming the attached domain, and re-attach its tap.
        var news = (await _networks.CheckAsync(Props.With(inputs, ("mtu", 1400)), inputs)).Inputs;
        Assert.Contains(_networks.Log.Messages, m =>
            m.Message.Contains(
                "the change to mtu cannot be made live, so the update redefines and restarts the network"
            )
        );
        var diff = _networks.Diff(id, outputs, inputs, news);
        Assert.Equal(["mtu"], diff.Changed);
        Assert.Empty(diff.Replaces);
        await _networks.UpdateAsync(id, outputs, inputs, news);
        Assert.Contains(_networks.Log.Messages, m =>
            m.Message.Contains("restarts for the change to mtu") && m.Message.Contains($"'{domain.Name}'")
        );
        Assert.Equal(bridge, MasterOf(tap));
        Assert.Equal("1400", File.ReadAllText($"/sys/class/net/{bridge}/mtu").Trim());
    }

    [Fact]
    public async Task Static_hosts_change_on_the_running_network_without_a_restart_and_dnsmasq_answers_the_dns_host()
    {
        var (id, outputs, inputs) = await _networks.CreateAsync(Inputs("live"));
        var bridge = Props.Text(outputs, "bridge");
        var gateway = Props.Texts(outputs, "gateways")[0];
        var net = gateway[..^1];
        var before = Ifindex(bridge);
        var program = Props.With(
            inputs,
            (
                "dhcp",
                Props.Object(
                    (
                        "hosts",
                        Props.Array(Props.Object(("mac", "52:54:00:AB:00:01"), ("ip", net + "50"), ("hostname", "web")))
                    )
                )
            ),
            (
                "dns",
                Props.Object(
                    ("hosts", Props.Array(Props.Object(("ip", net + "60"), ("hostnames", Props.Array("db.lab.test")))))
                )
            )
        );
        var news = (await _networks.CheckAsync(program, inputs)).Inputs;
        var diff = _networks.Diff(id, outputs, inputs, news);
        Assert.Equal(["dhcp", "dns"], diff.Changed);
        Assert.Empty(diff.Replaces);
        await _networks.UpdateAsync(id, outputs, inputs, news);

        Assert.Equal(before, Ifindex(bridge));
        Assert.DoesNotContain(_networks.Log.Messages, m =>
            m.Message.Contains("restarts") || m.Message.Contains("cannot be made live")
        );
        using var network = Live(id);
        foreach (var xml in new[] { network.Xml(persistent: true), network.Xml(persistent: false) })
        {
            var definition = NetworkDefinition.Parse(xml);
            Assert.Equal(
                new NetworkDhcpHost
                {
                    Mac = "52:54:00:ab:00:01",
                    Name = "web",
                    Ip = net + "50",
                },
                Assert.Single(definition.Ips[0].Hosts)
            );
            Assert.Equal(net + "60", Assert.Single(definition.DnsHosts).Ip);
        }
        Assert.Matches(
            $@"Name:\s+db\.lab\.test\s+Address:\s+{System.Text.RegularExpressions.Regex.Escape(net)}60\b",
            Command.Run("busybox", "nslookup", "db.lab.test", gateway)
        );

        // And away again, still live.
        var removed = (await _networks.CheckAsync(inputs, news)).Inputs;
        await _networks.UpdateAsync(id, outputs, news, removed);
        Assert.Equal(before, Ifindex(bridge));
        Assert.Empty(network.Describe().Ips[0].Hosts);
        Assert.Empty(network.Describe().DnsHosts);
    }

    [Fact]
    public async Task Import_derives_the_inputs_a_person_would_write_and_refresh_shows_a_host_added_with_virsh()
    {
        var (id, outputs, inputs) = await _networks.CreateAsync(Inputs("imp", ("domain", "lab.test")));
        var name = Props.Text(outputs, "name");

        var imported = (await _networks.ReadAsync(name))!;
        Assert.Equal(id, imported.Id);
        var derived = imported.Inputs!;
        Assert.Equal(name, Props.Text(derived, "name"));
        Assert.Equal(Props.Texts(inputs, "addresses"), Props.Texts(derived, "addresses"));
        Assert.Equal("lab.test", Props.Text(derived, "domain"));
        Assert.Null(derived["dhcp"]); // default ranges only: left out
        Assert.Null(derived["mode"]); // nat, the default
        Assert.Empty((await _networks.CheckAsync(derived, derived)).Failures);

        var net = Props.Texts(outputs, "gateways")[0][..^1];
        Command.Run(
            "virsh",
            "-c",
            TestPool.Uri,
            "net-update",
            name,
            "add",
            "ip-dhcp-host",
            $"<host mac='52:54:00:ab:00:09' name='drift' ip='{net}70'/>",
            "--live",
            "--config"
        );
        var refreshed = (await _networks.ReadAsync(id, outputs, inputs))!;
        var host = Assert.Single(Props.Objects((ObjectValue)refreshed.Inputs!["dhcp"]!, "hosts"));
        Assert.Equal("drift", Props.Text(host, "hostname"));
        var diff = _networks.Diff(id, refreshed.Outputs, refreshed.Inputs!, inputs);
        Assert.Equal(["dhcp"], diff.Changed);

        var unchanged = (
            await _networks.ReadAsync(
                id,
                outputs,
                (await _networks.CheckAsync(refreshed.Inputs!, refreshed.Inputs)).Inputs
            )
        )!;
        Assert.False(_networks.Diff(id, unchanged.Outputs, unchanged.Inputs!, unchanged.Inputs!).HasChanges);
    }

    [Fact]
    public async Task Networks_that_carry_the_same_owner_mark_are_each_no_conflict_of_their_own_bridge_and_subnet()
    {
        // Both made under one URN (the harness's): whichever libvirt lists first, each one's bridge and route are its
        // own.
        var made = new[] { await _networks.CreateAsync(Inputs("twin")), await _networks.CreateAsync(Inputs("twin")) };
        foreach (var (_, outputs, inputs) in made)
        {
            var pinned = Props.With(inputs, ("bridge", Props.Text(outputs, "bridge")));
            Assert.Empty((await _networks.CheckAsync(pinned, inputs)).Failures);
        }
    }

    [Fact]
    public async Task A_name_change_replaces_the_network_deleting_the_old_first_and_preview_leaves_the_bridge_unknown()
    {
        var program = Inputs("ren");
        var (id, outputs, inputs) = await _networks.CreateAsync(program);
        var news = (await _networks.CheckAsync(Props.With(program, ("name", _names.Name("ren2"))), inputs)).Inputs;
        var diff = _networks.Diff(id, outputs, inputs, news);
        Assert.Equal(["name"], diff.Replaces);
        Assert.True(diff.DeleteBeforeReplace);
        // The replacement's Check comes without olds while the old network still holds the subnet: it is this
        // resource's own.
        Assert.Empty((await _networks.CheckAsync(news)).Failures);

        var preview = await _networks.PreviewCreateAsync((await _networks.CheckAsync(Inputs("pre"))).Inputs);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["name"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["bridge"]);
    }

    [Fact]
    public async Task A_domain_on_a_network_of_this_resource_checks_in_a_preview_and_diffs_clean_afterwards()
    {
        using var domains = new ResourceHarness("libvirt:index:Domain");
        var preview = await domains.CheckAsync(
            Props.Object(
                ("name", _domains.Name("dom")),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("networkInterfaces", Props.Array(Props.Object(("network", PropertyValue.Unknown))))
            )
        );
        Assert.Empty(preview.Failures);

        var (_, outputs, _) = await _networks.CreateAsync(Inputs("fordom"));
        var program = Props.Object(
            ("name", _domains.Name("dom")),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("networkInterfaces", Props.Array(Props.Object(("network", Props.Text(outputs, "name")))))
        );
        var (id, domainOutputs, domainInputs) = await domains.CreateAsync(program);
        var again = await domains.CheckAsync(program, domainInputs);
        Assert.Empty(again.Failures);
        Assert.False(domains.Diff(id, domainOutputs, domainInputs, again.Inputs).HasChanges);
        var refreshed = (await domains.ReadAsync(id, domainOutputs, domainInputs))!;
        Assert.False(domains.Diff(id, refreshed.Outputs, refreshed.Inputs!, again.Inputs).HasChanges);
    }
}
