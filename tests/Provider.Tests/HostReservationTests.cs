using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Fixed addresses and hostnames of machine interfaces: the DHCP and DNS host entries a Domain or Clone adds to a
/// network of the Network resource (domain fx.test), proven on the test guest in its guest.net=dhcp mode (TCG, no
/// disk), and the ownership between those entries and the Network's own static hosts.
/// </summary>
public sealed class HostReservationTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(5);
    private readonly ResourceHarness _networks = new("libvirt:index:Network");
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestNetworks _netNames = new();
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _netNames.Dispose();
        _networks.Dispose();
        _domains.Dispose();
        _clones.Dispose();
    }

    /// <summary>
    /// A NAT network of the Network resource in domain fx.test: its id, outputs, checked inputs, name and the first
    /// three octets of its subnet.
    /// </summary>
    private async Task<(string Id, ObjectValue Outputs, ObjectValue Inputs, string Name, string Net)> NetworkAsync(
        params (string Key, object? Value)[] more
    )
    {
        var (id, outputs, inputs) = await _networks.CreateAsync(
            Props.With(
                Props.Object(
                    ("name", _netNames.Name("fxnet")),
                    ("domain", "fx.test"),
                    ("addresses", Props.Array(TestNetworks.FreeSubnet()))
                ),
                more
            )
        );
        return (id, outputs, inputs, Props.Text(outputs, "name"), Props.Texts(outputs, "gateways")[0][..^1]);
    }

    /// <summary>
    /// A domain of the test guest that DHCPs on its first NIC and logs "GUEST ip=…" to <paramref name="log"/>.
    /// </summary>
    private static ObjectValue Guest(string name, string log, params ObjectValue[] nics) =>
        Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 256),
            ("kernel", TestGuest.Shared.Kernel),
            ("initrd", TestGuest.Shared.Initrd),
            ("cmdline", $"{TestGuest.Shared.Cmdline} guest.net=dhcp"),
            ("console", Props.Object(("type", "file"), ("path", log))),
            ("networkInterfaces", Props.Array(nics)),
            ("shutdownTimeout", 1)
        );

    private static ObjectValue Nic(string network, string? ip, string? hostname = null, string? mac = null) =>
        Props.Object(("network", network), ("ip", ip), ("hostname", hostname), ("mac", mac));

    private NetworkDefinition Live(string network)
    {
        using var found = pool.Libvirt.FindNetwork(network)!;
        return found.Describe(persistent: false);
    }

    /// <summary>The network's DNS hosts now, as "ip name…".</summary>
    private List<string> DnsHosts(string network) =>
        Live(network).DnsHosts.Select(h => $"{h.Ip} {string.Join(" ", h.Hostnames)}").ToList();

    private static async Task<string> GuestIpAsync(string log)
    {
        var deadline = DateTime.UtcNow + BootLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(log) && TestGuest.Report(log).TryGetValue("ip", out var ip))
                return ip;
            await Task.Delay(1000);
        }
        throw new Xunit.Sdk.XunitException(
            $"the guest reported no address within {BootLimit.TotalSeconds} s (see {log})"
        );
    }

    private static string Dig(string server, string name) =>
        Command.Run("dig", "+short", "+time=2", "+tries=2", $"@{server}", name).Trim();

    [Fact, Trait(Category.Name, Category.Unit)]
    public void A_domain_definition_carries_its_reservations_in_its_metadata_beside_its_owner()
    {
        var definition = new DomainDefinition
        {
            Name = "m",
            Owner = "urn:x",
            Reservations =
            [
                new HostReservation("net", "52:54:00:00:00:01", "10.1.2.3", "web"),
                new HostReservation("net", "52:54:00:00:00:02", "10.1.2.4", null),
            ],
        };
        var parsed = DomainDefinition.Parse(definition.ToXml());
        Assert.Equal("urn:x", parsed.Owner);
        Assert.Equal(definition.Reservations, parsed.Reservations);
        Assert.Empty(DomainDefinition.Parse(new DomainDefinition { Name = "m" }.ToXml()).Reservations);
    }

    [Fact]
    public async Task A_fixed_ip_is_the_guests_first_lease_and_its_hostname_resolves_at_the_gateway_until_changed()
    {
        var (_, _, _, network, net) = await NetworkAsync();
        var log = Path.Combine(pool.Path, "fixed-ip-guest.log");
        var (id, outputs, inputs) = await _domains.CreateAsync(
            Guest(_names.Name("fixed"), log, Nic(network, net + "77", "web"))
        );
        var mac = Props.Texts(outputs, "macs")[0];

        var definition = Live(network);
        Assert.Equal(
            new NetworkDhcpHost
            {
                Mac = mac,
                Ip = net + "77",
                Name = "web",
            },
            Assert.Single(definition.Ips[0].Hosts)
        );
        Assert.Equal([$"{net}77 web"], DnsHosts(network));
        Assert.Equal(net + "77", await GuestIpAsync(log));
        Assert.Equal(net + "77", Dig(net + "1", "web.fx.test"));

        // A change of address and name: the old entries go, the new ones answer at once; the running guest renews
        // later.
        var changed = (
            await _domains.CheckAsync(
                Props.With(inputs, ("networkInterfaces", Props.Array(Nic(network, net + "78", "web2")))),
                inputs
            )
        ).Inputs;
        var updated = await _domains.UpdateAsync(id, outputs, inputs, changed);
        definition = Live(network);
        Assert.Equal(
            new NetworkDhcpHost
            {
                Mac = mac,
                Ip = net + "78",
                Name = "web2",
            },
            Assert.Single(definition.Ips[0].Hosts)
        );
        Assert.Equal([$"{net}78 web2"], DnsHosts(network));
        Assert.Equal(net + "78", Dig(net + "1", "web2.fx.test"));
        // (dnsmasq still answers "web" from the guest's current lease until the guest renews it.)
        Assert.Contains(_domains.Log.Messages, m =>
            m.Message.Contains("next DHCP lease renewal or boot", StringComparison.Ordinal)
        );

        await _domains.DeleteAsync(id, updated);
        definition = Live(network);
        Assert.Empty(definition.Ips[0].Hosts);
        Assert.Empty(definition.DnsHosts);
        Assert.Equal("", Dig(net + "1", "web2.fx.test"));
    }

    [Fact]
    public async Task The_network_resource_reads_updates_and_redefines_without_touching_the_entries_machines_added()
    {
        var (netId, netOutputs, netInputs, network, net) = await NetworkAsync();
        var (id, outputs, _) = await _domains.CreateAsync(
            Props.Object(
                ("name", _names.Name("owner")),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("networkInterfaces", Props.Array(Nic(network, net + "60", "db")))
            )
        );
        var machine = new NetworkDhcpHost
        {
            Mac = Props.Texts(outputs, "macs")[0],
            Ip = net + "60",
            Name = "db",
        };

        // Refresh: no drift, so the next `pulumi up` of the Network proposes nothing.
        var refreshed = (await _networks.ReadAsync(netId, netOutputs, netInputs))!;
        Assert.Null(refreshed.Inputs!["dhcp"]);
        Assert.Null(refreshed.Inputs!["dns"]);
        Assert.False(_networks.Diff(netId, refreshed.Outputs, refreshed.Inputs!, netInputs).HasChanges);

        // The Network's own hosts change live; the machine's stay.
        var withHosts = (
            await _networks.CheckAsync(
                Props.With(
                    netInputs,
                    (
                        "dhcp",
                        Props.Object(
                            (
                                "hosts",
                                Props.Array(
                                    Props.Object(
                                        ("mac", "52:54:00:fe:00:01"),
                                        ("ip", net + "90"),
                                        ("hostname", "printer")
                                    )
                                )
                            )
                        )
                    ),
                    (
                        "dns",
                        Props.Object(
                            ("hosts", Props.Array(Props.Object(("ip", net + "91"), ("hostnames", Props.Array("nas")))))
                        )
                    )
                ),
                netInputs
            )
        ).Inputs;
        var netUpdated = await _networks.UpdateAsync(netId, netOutputs, netInputs, withHosts);
        Assert.Contains(machine, Live(network).Ips[0].Hosts);
        Assert.Equal(2, Live(network).Ips[0].Hosts.Count);
        Assert.Contains($"{net}60 db", DnsHosts(network));
        var read = (await _networks.ReadAsync(netId, netUpdated, withHosts))!;
        Assert.Equal(
            ["printer"],
            Props.Objects((ObjectValue)read.Inputs!["dhcp"]!, "hosts").Select(h => Props.Text(h, "hostname"))
        );
        Assert.Equal(
            [net + "91"],
            Props.Objects((ObjectValue)read.Inputs!["dns"]!, "hosts").Select(h => Props.Text(h, "ip"))
        );

        // A change that redefines (and restarts) the network keeps them too.
        var mtu = (await _networks.CheckAsync(Props.With(withHosts, ("mtu", 1400)), withHosts)).Inputs;
        await _networks.UpdateAsync(netId, netUpdated, withHosts, mtu);
        Assert.Contains(machine, Live(network).Ips[0].Hosts);
        Assert.Contains($"{net}60 db", DnsHosts(network));

        // The Network cannot take over the machine's address, MAC or name.
        var clash = await _networks.CheckAsync(
            Props.With(
                mtu,
                (
                    "dhcp",
                    Props.Object(("hosts", Props.Array(Props.Object(("mac", "52:54:00:fe:00:02"), ("ip", net + "60")))))
                ),
                (
                    "dns",
                    Props.Object(
                        ("hosts", Props.Array(Props.Object(("ip", net + "92"), ("hostnames", Props.Array("db")))))
                    )
                )
            ),
            mtu
        );
        Assert.Equal(["dhcp.hosts[0]", "dns.hosts[0]"], clash.Failures.Select(f => f.Property));
        Assert.All(clash.Failures, f => Assert.Contains("the machine owns", f.Reason));

        await _domains.DeleteAsync(id, outputs);
        Assert.DoesNotContain(machine, Live(network).Ips[0].Hosts);
    }

    [Fact]
    public async Task Check_refuses_addresses_and_names_the_network_cannot_give_or_has_given_to_another()
    {
        var subnet = TestNetworks.FreeSubnet();
        var net = subnet[..^4];
        var (_, networkOutputs, _, network, _) = await NetworkAsync(
            ("addresses", Props.Array(subnet)),
            (
                "dhcp",
                Props.Object(
                    (
                        "hosts",
                        Props.Array(
                            Props.Object(("mac", "52:54:00:fe:01:01"), ("ip", net + "50"), ("hostname", "taken"))
                        )
                    )
                )
            )
        );
        var (_, held, _) = await _domains.CreateAsync(
            Props.Object(
                ("name", _names.Name("holder")),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("networkInterfaces", Props.Array(Nic(network, net + "51", "busy")))
            ),
            name: "holder"
        );

        async Task<List<(string, string)>> Failures(params ObjectValue[] nics) =>
            (
                await _domains.CheckAsync(
                    Props.Object(
                        ("name", _names.Name("chk")),
                        ("type", "qemu"),
                        ("memory", 64),
                        ("running", false),
                        ("networkInterfaces", Props.Array(nics))
                    ),
                    name: "other"
                )
            )
                .Failures.Select(f => (f.Property, f.Reason))
                .ToList();
        void Refused(List<(string Property, string Reason)> failures, string property, string reason)
        {
            var failure = Assert.Single(failures);
            Assert.Equal(property, failure.Property);
            Assert.Contains(reason, failure.Reason);
        }

        Assert.Empty(await Failures(Nic(network, net + "52", "free")));
        Refused(await Failures(Nic(network, "10.254.254.9")), "networkInterfaces[0].ip", "outside the network");
        Refused(await Failures(Nic(network, net + "1")), "networkInterfaces[0].ip", "gateway");
        Refused(await Failures(Nic(network, net + "255")), "networkInterfaces[0].ip", "broadcast");
        Refused(await Failures(Nic(network, "fd00::5")), "networkInterfaces[0].ip", "not an IPv4 address");
        Refused(
            await Failures(Nic(network, net + "50")),
            "networkInterfaces[0].ip",
            "for 52:54:00:fe:01:01 by the network's own dhcp.hosts"
        );
        Refused(
            await Failures(Nic(network, net + "51")),
            "networkInterfaces[0].ip",
            $"by domain '{Props.Text(held, "name")}'"
        );
        Refused(await Failures(Nic(network, net + "53", "taken")), "networkInterfaces[0].hostname", "already reserved");
        Refused(await Failures(Nic(network, net + "53", "busy")), "networkInterfaces[0].hostname", "already reserved");
        Refused(await Failures(Nic(network, net + "53", "a.b")), "networkInterfaces[0].hostname", "not a DNS label");
        Refused(
            await Failures(Nic(network, null, "lonely")),
            "networkInterfaces[0].hostname",
            "needs 'networkInterfaces[0].ip' too"
        );
        Refused(
            await Failures(Nic(network, net + "54", "x"), Nic(network, net + "54", "y")),
            "networkInterfaces[1].ip",
            "also given to networkInterfaces[0].ip"
        );
        // A bridge that exists (the network's own), so that only the address is refused.
        var bridge = Props.Text(networkOutputs, "bridge");
        Refused(
            await Failures(Props.Object(("bridge", bridge), ("ip", net + "55"))),
            "networkInterfaces[0].ip",
            $"the host bridge '{bridge}'"
        );

        // The resource's own domain holds its own entries: an update keeps them.
        Assert.Empty(
            (
                await _domains.CheckAsync(
                    Props.Object(
                        ("name", Props.Text(held, "name")),
                        ("type", "qemu"),
                        ("memory", 64),
                        ("running", false),
                        ("networkInterfaces", Props.Array(Nic(network, net + "51", "busy")))
                    ),
                    name: "holder"
                )
            ).Failures
        );

        // Unknown in a preview: skipped.
        var preview = Props.Object(
            ("name", _names.Name("pre")),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("networkInterfaces", Props.Array(Props.Object(("network", network), ("ip", PropertyValue.Unknown))))
        );
        Assert.Empty((await _domains.CheckAsync(preview, name: "other")).Failures);
    }

    [Fact]
    public async Task A_network_without_ipv4_dhcp_gives_no_fixed_address()
    {
        var (_, _, _, network, net) = await NetworkAsync(("dhcp", Props.Object(("enabled", false))));
        var failures = (
            await _domains.CheckAsync(
                Props.Object(
                    ("name", _names.Name("nodhcp")),
                    ("type", "qemu"),
                    ("memory", 64),
                    ("running", false),
                    ("networkInterfaces", Props.Array(Nic(network, net + "20")))
                )
            )
        ).Failures;
        Assert.Contains("serves no DHCP", Assert.Single(failures, f => f.Property == "networkInterfaces[0].ip").Reason);
    }

    [Fact]
    public async Task Two_machines_made_in_one_update_with_one_address_fail_clearly_and_leave_nothing_behind()
    {
        var (_, _, _, network, net) = await NetworkAsync();
        var first = Props.Object(
            ("name", _names.Name("one")),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("networkInterfaces", Props.Array(Nic(network, net + "30", "one")))
        );
        var second = Props.With(first, ("name", _names.Name("two")));
        // Both pass Check before either is made, as in one `pulumi up`.
        var (a, b) = (
            (await _domains.CheckAsync(first, name: "one")).Inputs,
            (await _domains.CheckAsync(second, name: "two")).Inputs
        );
        var made = await _domains.CreateCheckedAsync(a, "one");
        var failure = await Assert.ThrowsAsync<ProviderException>(() => _domains.CreateCheckedAsync(b, "two"));
        Assert.Contains($"domain '{Props.Text(made.Outputs, "name")}' already holds", failure.Message);
        Assert.Null(pool.Libvirt.FindDomain(Props.Text(second, "name")));
        Assert.Single(Live(network).Ips[0].Hosts);
        Assert.Single(Live(network).DnsHosts);
    }

    [Fact]
    public async Task A_replacement_that_keeps_a_fixed_ip_or_hostname_deletes_first()
    {
        async Task<bool> DeletesFirst(ObjectValue oldNic, ObjectValue newNic)
        {
            ObjectValue Program(ObjectValue nic, string firmware) =>
                Props.Object(
                    ("type", "qemu"),
                    ("memory", 64),
                    ("running", false),
                    ("firmware", firmware),
                    ("networkInterfaces", Props.Array(nic))
                );
            var olds = (await _domains.CheckAsync(Program(oldNic, "bios"))).Inputs;
            var news = (await _domains.CheckAsync(Program(newNic, "efi"), olds)).Inputs;
            var diff = _domains.Diff(
                "x",
                Props.Object(("uuid", "x"), ("macs", Props.Array("52:54:00:0f:0f:0f"))),
                olds,
                news
            );
            Assert.Equal(["firmware"], diff.Replaces);
            return diff.DeleteBeforeReplace;
        }
        var (_, _, _, network, net) = await NetworkAsync();
        Assert.True(await DeletesFirst(Nic(network, net + "40"), Nic(network, net + "40")));
        Assert.True(await DeletesFirst(Nic(network, net + "40", "same"), Nic(network, net + "41", "same")));
        Assert.False(await DeletesFirst(Nic(network, net + "40", "old"), Nic(network, net + "41", "new")));
        Assert.False(await DeletesFirst(Nic(network, null), Nic(network, null)));
    }

    [Fact]
    public async Task A_clone_gets_the_fixed_ip_and_hostname_of_its_networkInterfaces_entry_at_its_first_boot()
    {
        var (_, _, _, network, net) = await NetworkAsync();
        var log = Path.Combine(pool.Path, "fixed-ip-clone.log");
        var (templateId, templateOutputs, _) = await _domains.CreateAsync(
            Props.With(Guest(_names.Name("tmpl"), log, Props.Object(("network", network))), ("running", false)),
            name: "tmpl"
        );
        var cloneName = _names.Name("clone");
        var clone = Props.Object(
            ("source", Props.Text(templateOutputs, "name")),
            ("name", cloneName),
            ("shutdownTimeout", 1),
            ("networkInterfaces", Props.Array(Props.Object(("ip", net + "88"), ("hostname", "twin"))))
        );

        var beyond = await _clones.CheckAsync(
            Props.With(clone, ("networkInterfaces", Props.Array(Props.Object(), Props.Object(("ip", net + "89")))))
        );
        Assert.Contains("has 1 network interface(s)", Assert.Single(beyond.Failures).Reason);

        var (id, outputs, _) = await _clones.CreateAsync(clone);
        var mac = Props.Texts(outputs, "macs")[0];
        Assert.Equal(
            new NetworkDhcpHost
            {
                Mac = mac,
                Ip = net + "88",
                Name = "twin",
            },
            Assert.Single(Live(network).Ips[0].Hosts)
        );
        // The clone logs to a console file of its own, named after it.
        Assert.Equal(net + "88", await GuestIpAsync(Path.Combine(pool.Path, $"{cloneName}-fixed-ip-clone.log")));
        Assert.Equal(net + "88", Dig(net + "1", "twin.fx.test"));

        await _clones.DeleteAsync(id, outputs);
        Assert.Empty(Live(network).Ips[0].Hosts);
        Assert.Empty(Live(network).DnsHosts);
        await _domains.DeleteAsync(templateId, templateOutputs);
    }
}
