using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Without a daemon: which reported addresses become a machine's outputs, when a wait is complete, the guest agent's
/// channel in domain XML, and the order of a graceful stop (agent, ACPI, force) on a stand-in domain.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class AddressUnitTests
{
    private const string Mac1 = "52:54:00:aa:00:01";
    private const string Mac2 = "52:54:00:aa:00:02";

    private static readonly DomainInterface[] TwoNics =
    [
        new()
        {
            Network = "lab",
            Mac = Mac1,
            Model = "virtio",
        },
        new()
        {
            Bridge = "br0",
            Mac = Mac2,
            Model = "e1000e",
        },
    ];

    private static GuestAddress V4(string address, int prefix = 24) => new(false, address, prefix);

    private static GuestAddress V6(string address, int prefix = 64) => new(true, address, prefix);

    [Fact]
    public void Addresses_go_to_the_interface_of_their_mac_in_any_case_without_loopback_link_local_or_other_macs()
    {
        var reported = new List<GuestInterface>
        {
            new("lo", "00:00:00:00:00:00", [V4("127.0.0.1", 8), V6("::1", 128)]),
            new(
                "eth0",
                Mac1.ToUpperInvariant(),
                [V4("10.1.2.3"), V4("169.254.7.7", 16), V6("fe80::5054:ff:feaa:1"), V6("fd00::3")]
            ),
            new("", Mac1, [V4("10.1.2.3")]), // the same address from ARP: once
            new("eth1", Mac2, [V4("192.168.1.9")]),
            new("", "52:54:00:ff:ff:ff", [V4("10.1.2.99")]), // another machine's, in the ARP table
        };
        var hosts = new[] { new FixedHost("10.1.2.3", "web") };

        var interfaces = MachineAddresses.Shape(TwoNics, hosts, reported);

        Assert.Equal(2, interfaces.Count);
        Assert.Equal(
            new NetworkInterfaceState
            {
                Network = "lab",
                Mac = Mac1,
                Model = "virtio",
                Ip = "10.1.2.3",
                Hostname = "web",
                Addresses = interfaces[0].Addresses,
            },
            interfaces[0]
        );
        Assert.Equal(
            [("ipv4", "10.1.2.3", 24), ("ipv6", "fd00::3", 64)],
            interfaces[0].Addresses.Select(a => (a.Type, a.Address, a.Prefix))
        );
        Assert.Equal("br0", interfaces[1].Bridge);
        Assert.Null(interfaces[1].Ip);
        Assert.Equal(["192.168.1.9"], interfaces[1].Addresses.Select(a => a.Address));
        Assert.Equal("10.1.2.3", MachineAddresses.FirstIpv4(interfaces));
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.9.9.9", false)]
    [InlineData("::1", false)]
    [InlineData("169.254.1.1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("febf::1", false)]
    [InlineData("not an address", false)]
    public void Loopback_and_link_local_addresses_are_not_usable(string address, bool usable) =>
        Assert.Equal(usable, MachineAddresses.IsUsable(address));

    [Fact]
    public void The_first_ipv4_address_is_of_the_first_interface_only()
    {
        var interfaces = MachineAddresses.Shape(
            TwoNics,
            [],
            [new("eth0", Mac1, [V6("fd00::3")]), new("eth1", Mac2, [V4("192.168.1.9")])]
        );
        Assert.Equal("", MachineAddresses.FirstIpv4(interfaces));
        Assert.Equal("", MachineAddresses.FirstIpv4([]));
    }

    [Fact]
    public void Leases_wait_for_every_interface_on_a_libvirt_network_and_the_agent_or_arp_for_any_interface()
    {
        var bridgeOnly = MachineAddresses.Shape(TwoNics, [], [new("eth1", Mac2, [V4("192.168.1.9")])]);
        Assert.Equal([Mac1], MachineAddresses.Missing(bridgeOnly, AddressSource.Lease).Select(i => i.Mac));
        Assert.Equal([Mac1], MachineAddresses.Missing(bridgeOnly, AddressSource.Any).Select(i => i.Mac));
        Assert.Empty(MachineAddresses.Missing(bridgeOnly, AddressSource.Agent));
        Assert.Empty(MachineAddresses.Missing(bridgeOnly, AddressSource.Arp));

        var none = MachineAddresses.Shape(TwoNics, [], []);
        Assert.Equal(2, MachineAddresses.Missing(none, AddressSource.Arp).Count);
        var bridged = MachineAddresses.Shape([TwoNics[1]], [], []);
        Assert.Single(MachineAddresses.Missing(bridged, AddressSource.Any));
    }

    [Fact]
    public void An_update_waits_when_it_starts_the_machine_or_the_last_wait_did_not_complete()
    {
        var wait = new WaitForIpArgs { Source = AddressSource.Lease };
        var complete = MachineAddresses.Shape([TwoNics[0]], [], [new("eth0", Mac1, [V4("10.1.2.3")])]);
        var incomplete = MachineAddresses.Shape([TwoNics[0]], [], []);
        Assert.True(AddressWait.NeededOnUpdate(wait, running: true, started: true, complete));
        Assert.True(AddressWait.NeededOnUpdate(wait, running: true, started: false, incomplete));
        Assert.False(AddressWait.NeededOnUpdate(wait, running: true, started: false, complete));
        Assert.False(AddressWait.NeededOnUpdate(wait, running: false, started: false, incomplete));
        Assert.False(AddressWait.NeededOnUpdate(null, running: true, started: true, incomplete));
    }

    [Fact]
    public void The_sources_of_any_are_leases_when_on_a_network_then_the_agent_when_it_has_the_channel_then_arp()
    {
        var definition = new DomainDefinition { Name = "vm", Interfaces = TwoNics };
        Assert.Equal([AddressOrigin.Lease, AddressOrigin.Arp], MachineAddresses.Origins(definition, AddressSource.Any));
        Assert.Equal(
            [AddressOrigin.Lease, AddressOrigin.Agent, AddressOrigin.Arp],
            MachineAddresses.Origins(definition with { QemuAgent = true }, AddressSource.Any)
        );
        Assert.Equal(
            [AddressOrigin.Arp],
            MachineAddresses.Origins(definition with { Interfaces = [TwoNics[1]] }, AddressSource.Any)
        );
        Assert.Equal([AddressOrigin.Agent], MachineAddresses.Origins(definition, AddressSource.Agent));
    }

    [Fact]
    public void Wait_settings_that_cannot_be_met_are_refused()
    {
        Assert.Equal(
            ["waitForIp.timeout"],
            AddressWait.Problems(new WaitForIpArgs { Timeout = 0 }, 1, true, null).Select(p => p.Property)
        );
        Assert.Equal(["waitForIp"], AddressWait.Problems(new WaitForIpArgs(), 0, false, null).Select(p => p.Property));
        Assert.Equal(
            ["waitForIp.source"],
            AddressWait
                .Problems(new WaitForIpArgs { Source = AddressSource.Lease }, 1, false, null)
                .Select(p => p.Property)
        );
        Assert.Equal(
            ["waitForIp.source"],
            AddressWait
                .Problems(new WaitForIpArgs { Source = AddressSource.Agent }, 1, true, false)
                .Select(p => p.Property)
        );
        Assert.Empty(AddressWait.Problems(new WaitForIpArgs { Source = AddressSource.Agent }, 1, false, true));
        Assert.Empty(AddressWait.Problems(new WaitForIpArgs(), 1, false, null));
    }

    [Fact]
    public void The_agent_channel_is_a_virtio_unix_channel_and_reads_back()
    {
        var xml = XElement.Parse(new DomainDefinition { Name = "vm", QemuAgent = true }.ToXml());
        var channel = Assert.Single(xml.Element("devices")!.Elements("channel"));
        Assert.Equal("unix", channel.Attribute("type")?.Value);
        Assert.Equal("virtio", channel.Element("target")?.Attribute("type")?.Value);
        Assert.Equal("org.qemu.guest_agent.0", channel.Element("target")?.Attribute("name")?.Value);
        Assert.True(DomainDefinition.Parse(xml.ToString()).QemuAgent);
        Assert.Empty(
            XElement.Parse(new DomainDefinition { Name = "vm" }.ToXml()).Element("devices")!.Elements("channel")
        );
    }

    [Fact]
    public void Only_the_guest_agents_channel_counts_and_a_clone_keeps_it()
    {
        // As libvirt completes it: a socket path, and another channel beside it.
        const string Template = """
            <domain type='kvm'><name>tpl</name><uuid>11111111-2222-3333-4444-555555555555</uuid>
              <memory unit='KiB'>65536</memory><vcpu>1</vcpu>
              <os><type>hvm</type></os><devices>
                <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
                <channel type='unix'>
                  <source mode='bind' path='/run/libvirt/qemu/channel/1-tpl/org.qemu.guest_agent.0'/>
                  <target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>
                </channel>
              </devices></domain>
            """;
        Assert.True(DomainDefinition.Parse(Template).QemuAgent);
        Assert.False(
            DomainDefinition
                .Parse(Template.Replace("org.qemu.guest_agent.0", "org.example.other", StringComparison.Ordinal))
                .QemuAgent
        );
        var clone = CloneXml.Make(
            Template,
            new CloneChanges
            {
                Name = "c",
                Uuid = "66666666-2222-3333-4444-555555555555",
                SourceUuid = "11111111-2222-3333-4444-555555555555",
                Owner = "urn:x",
                Macs = [],
                Disks = new Dictionary<string, ClonedDisk?>(),
            }
        );
        Assert.True(DomainDefinition.Parse(clone).QemuAgent);
    }

    [Fact]
    public async Task A_stop_asks_the_agent_first_and_waits_without_acpi_when_it_answers()
    {
        var guest = new FakeGuest { Agent = true, StopsAfter = 2 };
        await DomainPower.StopAsync(guest, 5, Context(new RecordingLog()));
        Assert.Equal(["agent"], guest.Calls);
    }

    [Fact]
    public async Task A_stop_falls_back_to_acpi_when_the_agent_does_not_answer_then_forces_after_the_timeout()
    {
        var guest = new FakeGuest
        {
            Agent = true,
            AgentError = new LibvirtException(
                86,
                10,
                "Guest agent is not responding: QEMU guest agent is not connected"
            ),
        };
        var log = new RecordingLog();
        await DomainPower.StopAsync(guest, 1, Context(log));
        Assert.Equal(["agent", "acpi", "destroy"], guest.Calls);
        Assert.Contains(log.Messages, m => m.Message.Contains("does not answer", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m =>
            m.Severity == LogSeverity.Warning && m.Message.Contains("by force", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task A_stop_without_the_agent_channel_uses_acpi_only()
    {
        var guest = new FakeGuest { StopsAfter = 1 };
        await DomainPower.StopAsync(guest, 5, Context(new RecordingLog()));
        Assert.Equal(["acpi"], guest.Calls);
    }

    [Fact]
    public async Task Another_agent_error_is_not_taken_for_an_absent_agent()
    {
        var guest = new FakeGuest { Agent = true, AgentError = new LibvirtException(1, 10, "internal error") };
        await Assert.ThrowsAsync<LibvirtException>(() => DomainPower.StopAsync(guest, 1, Context(new RecordingLog())));
        Assert.Equal(["agent"], guest.Calls);
    }

    private static ResourceContext Context(RecordingLog log) =>
        new(log, "urn:pulumi:test::p::libvirt:index:Domain::vm", CancellationToken.None);

    /// <summary>
    /// A domain that records the requests it gets and stops after so many polls of IsActive once asked.
    /// </summary>
    private sealed class FakeGuest : IGuestPower
    {
        private int _polls;

        public List<string> Calls { get; } = [];
        public bool Agent { get; init; }
        public LibvirtException? AgentError { get; init; }
        public int? StopsAfter { get; init; }

        public string Name => "vm";
        public bool HasAgentChannel => Agent;

        public bool IsActive
        {
            get
            {
                if (Calls.Contains("destroy"))
                    return false;
                var asked = Calls.Count > 0 && (AgentError is null || Calls.Contains("acpi"));
                return !(asked && StopsAfter is { } after && ++_polls > after);
            }
        }

        public void ShutdownThroughAgent()
        {
            Calls.Add("agent");
            if (AgentError is not null)
                throw AgentError;
        }

        public void Shutdown() => Calls.Add("acpi");

        public void Destroy() => Calls.Add("destroy");
    }
}
